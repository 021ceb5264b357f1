"""The exports pages: my exports with their progress, starting one, downloading a file.

The page works without JavaScript (each load shows the status as it is now); with it,
static/js/exports.js polls each unfinished export's JSON status and updates the row.
"""

from http import HTTPStatus

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from .api.exports import export_file_response
from .exports import services
from .exports.forms import ExportForm
from .exports.selectors import ExportSpecError, exports_of
from .models import ExportJob

#: Exports listed on the page, newest first.
LISTED = 50


def _page(request, form, status=HTTPStatus.OK):
    jobs = list(exports_of(request.user)[:LISTED])
    return render(
        request,
        "exports/list.html",
        {
            "form": form,
            "jobs": jobs,
            "unfinished": any(not job.is_finished for job in jobs),
            "ttl_hours": settings.SVPORTAL_EXPORT_TTL_HOURS,
            "record_days": settings.SVPORTAL_EXPORT_RECORD_DAYS,
        },
        status=status,
    )


@never_cache  # one user's own exports: no cache may keep the list
@login_required
@require_GET
def export_list(request):
    return _page(request, ExportForm())


@login_required
@require_POST
def export_new(request):
    form = ExportForm(request.POST)
    if form.is_valid():
        try:
            job = services.export_job_create(
                owner=request.user,
                kind=form.cleaned_data["kind"],
                format=form.cleaned_data["format"],
                filters=form.export_filters(),
            )
        except ExportSpecError as error:
            form.add_export_errors(error.errors)
        except services.TooManyExports as error:
            form.add_error(None, str(error))
        except services.ExportsUnavailable as error:
            form.add_error(None, str(error))
            response = _page(request, form, status=HTTPStatus.SERVICE_UNAVAILABLE)
            response["Retry-After"] = str(error.retry_after)
            return response
        else:
            job.refresh_from_db()  # with no broker configured it has already run
            if job.status == ExportJob.Status.DONE:
                messages.success(request, f"Your {job.get_kind_display().lower()} export is ready")
            elif job.status == ExportJob.Status.FAILED:
                messages.error(request, f"Your {job.get_kind_display().lower()} export failed")
            else:
                messages.success(
                    request,
                    f"Your {job.get_kind_display().lower()} export has started. "
                    "It will be listed as ready when the file is made",
                )
            return redirect(f"{reverse('exports:list')}#export-{job.pk}")
    form.mark_errors()
    return _page(request, form, status=HTTPStatus.BAD_REQUEST)


@login_required
@require_GET
def export_download(request, pk):
    try:
        found = services.export_for_download(request.user, pk)
    except services.ExportGone as error:
        return _unavailable(request, "This export has expired", str(error), HTTPStatus.GONE)
    except services.ExportNotReady as error:
        return _unavailable(
            request, "This export is not ready yet", str(error), HTTPStatus.CONFLICT
        )
    except services.ExportFailed as error:
        return _unavailable(request, "This export failed", str(error), HTTPStatus.CONFLICT)
    if found is None:
        raise Http404("No such export")
    return export_file_response(*found)


def _unavailable(request, heading, message, status):
    return render(
        request,
        "exports/unavailable.html",
        {"heading": heading, "message": message},
        status=status,
    )
