"""Pages of a borough's action plan: the plan by theme, an item and its history, and the
lead's forms — update an item in one step, add items, upload a spreadsheet, plan details."""

from collections import Counter
from functools import partial
from http import HTTPStatus
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from boroughs.models import Borough
from core.concurrency import StaleEdit
from core.fragments import rendered_once
from core.links import address_per_pk
from core.signed_in_pages import kept_per_reader

from . import services
from .bulk import BulkUploadError, action_items_upload, template_csv
from .forms import AsAtForm, ItemForm, PlanForm, UploadForm
from .history import AsAtError
from .models import ActionItem, ActionPlan, ItemStatus
from .panels import panels
from .selectors import borough_plan_as_at, item_history, plan_timeline
from .templatetags.plan_tags import status_tag_class


def _active_plan(borough):
    return (
        ActionPlan.objects.active()
        .filter(borough=borough)
        .select_related("borough", "framework", "source", "partnership")
        .current_first()
        .first()
    )


def _plan_or_404(slug):
    borough = get_object_or_404(Borough, slug=slug)
    plan = _active_plan(borough)
    if plan is None:
        raise Http404(f"{borough.name} has no active action plan.")
    return borough, plan


@kept_per_reader
def plan_page(request, slug):
    """The borough's active plan by theme; with ?as_at=YYYY-MM-DD, the plan that was active
    at the end of that day, as it stood then (docs/decisions/0010)."""
    borough = get_object_or_404(Borough, slug=slug)
    today = timezone.localdate()
    as_at_form = AsAtForm(request.GET, today=today)
    day = as_at_form.day
    if as_at_form.redirect_needed:
        return redirect(f"{request.path}?{urlencode({'as_at': day.isoformat()})}")
    then = None
    if day is not None:
        try:
            then = borough_plan_as_at(borough, day, user=request.user)
        except AsAtError as error:
            as_at_form.refuse(error)
    if then is not None:
        plan, items, themes = then.plan, then.items, then.themes
    else:
        plan = _active_plan(borough)
        if plan is None and not as_at_form.errors:
            return render(request, "actionplans/no_plan.html", {"borough": borough})
        items = _items_by_theme(plan) if plan else []
        themes = plan.framework.themes.all() if plan else []
    on = then.day if then else today
    by_theme = {}
    for item in items:
        by_theme.setdefault(item.theme, []).append(item)
    counts = Counter(item.status for item in items)
    errors = as_at_form.error_summary()
    # A plan as it stood on an earlier day is for reading; changes start from today's.
    can_edit = (
        plan is not None
        and (then is None or then.day == today)
        and request.user.has_perm("actionplans.change_actionplan", plan)
    )
    by_theme_listed = [(theme, by_theme.get(theme, [])) for theme in themes]
    return render(
        request,
        "actionplans/plan.html",
        {
            "borough": borough,
            "plan": plan,
            "themes": by_theme_listed,
            # Hundreds of items cost more to render than to read: their tables are kept
            # once per set of what they show (core.fragments).
            "theme_tables": theme_tables(by_theme_listed, today=on, can_edit=can_edit),
            "status_counts": [(status, counts[status]) for status in ItemStatus],
            "overdue": sum(item.is_overdue(on) for item in items),
            "today": on,
            "as_at": then.day if then else None,
            "as_at_form": as_at_form,
            "errors": errors,
            "panels": panels(
                "plan", plan=plan, items=items, as_at=then.day if then else None, user=request.user
            ),
            "can_edit": can_edit,
        },
        status=HTTPStatus.BAD_REQUEST if errors else HTTPStatus.OK,
    )


def theme_tables(themes, *, today, can_edit):
    """The plan's tables of items by theme, from what each cell shows as plain values
    (the template words them), kept once per set of those values (core.fragments)."""
    item_address = address_per_pk(lambda pk: reverse("actionplans:item", args=[pk]))
    edit_address = address_per_pk(lambda pk: reverse("actionplans:item-edit", args=[pk]))
    # Each status's label looked up once, not through get_status_display for each of a
    # plan's hundreds of items (which flattens the field's choices every time).
    status_labels = dict(ItemStatus.choices)
    shown = [
        {
            "name": theme.name,
            "items": [
                {
                    "href": item_address(item.pk),
                    "title": item.title,
                    "lead_agency": item.lead_agency,
                    "due_date": item.due_date,
                    "overdue": item.is_overdue(today),
                    "tag_class": status_tag_class(item.status),
                    "status_label": status_labels.get(item.status, item.status),
                    "status_inferred_from": item.status_inferred_from,
                    "progress": item.progress,
                    "last_updated_at": item.last_updated_at,
                    "last_updated_by": item.last_updated_by.username
                    if item.last_updated_by
                    else "",
                    "edit_href": edit_address(item.pk) if can_edit else "",
                }
                for item in items
            ],
        }
        for theme, items in themes
    ]
    return rendered_once("actionplans/_plan_theme_tables.html", {"theme_rows": shown})


def _items_by_theme(plan):
    return list(
        plan.items.select_related("theme", "last_updated_by").order_by(
            "theme__order", "order", "id"
        )
    )


def item_page(request, pk):
    item = get_object_or_404(
        ActionItem.objects.visible_to(request.user).select_related(
            "plan__borough", "theme", "last_updated_by", "source"
        ),
        pk=pk,
    )
    return render(
        request,
        "actionplans/item.html",
        {
            "item": item,
            "history": item_history(item),
            "today": timezone.localdate(),
            "panels": panels("item", item=item, user=request.user),
            "can_edit": request.user.has_perm("actionplans.change_actionitem", item),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request, pk):
    item = get_object_or_404(
        ActionItem.objects.visible_to(request.user).select_related(
            "plan__borough", "plan__framework", "theme"
        ),
        pk=pk,
    )
    if not request.user.has_perm("actionplans.change_actionitem", item):
        raise PermissionDenied("Only the borough's lead can change this item.")
    stale = None
    if request.method == "POST":
        form = ItemForm(request.POST, plan=item.plan)
        saved, current = _save_edit(
            request, form, item, partial(services.action_item_update, item=item)
        )
        if saved:
            messages.success(request, f"“{item.title}” has been updated.")
            return redirect("actionplans:plan", slug=item.plan.borough.slug)
        if current is not None:
            stale = _stale_context(current, form)
            form = _bound_to_version(request, current, lambda data: ItemForm(data, plan=item.plan))
    else:
        form = ItemForm(initial=ItemForm.initial_for(item), plan=item.plan)
    return render(
        request,
        "actionplans/item_edit.html",
        {
            "item": item,
            "form": form,
            "stale": stale,
            "panels": panels("item", item=item, user=request.user, editing=True),
        },
        status=HTTPStatus.CONFLICT if stale else HTTPStatus.OK,
    )


def _stale_context(current, form):
    """What someone else saved meanwhile, beside what this lead is trying to save."""
    current = ActionItem.objects.select_related("theme", "last_updated_by").get(pk=current.pk)
    latest = current.updates.select_related("changed_by").order_by("-changed_at", "-id").first()
    mine = form.changes()
    rows = []
    for name, label in [
        ("status", "Status"),
        ("progress", "Progress"),
        ("title", "Title"),
        ("theme", "Theme"),
        ("due_date", "Due date"),
        ("lead_agency", "Lead agency"),
    ]:
        saved, yours = getattr(current, name), mine[name]
        if name == "status":
            saved, yours = ItemStatus(saved).label, ItemStatus(yours).label
        if saved != yours:
            rows.append({"label": label, "saved": saved, "yours": yours})
    return {"current": current, "latest": latest, "rows": rows}


def _save_edit(request, form, record, update):
    """Saves a valid edit ``form`` of ``record`` through its service ``update``, given the
    version the lead started from: (True, None) once saved; (False, the record as saved
    meanwhile) when someone else changed it first, refused rather than overwritten;
    (False, None) for a form or service refusal, which is on the form."""
    if not form.is_valid():
        return False, None
    try:
        update(
            acting_user=request.user,
            expected_version=form.cleaned_data["version"] or record.version,
            changes=form.changes(),
            note=form.cleaned_data["note"],
        )
    except StaleEdit as error:
        return False, error.current
    except ValidationError as error:
        _add_service_errors(form, error)
        return False, None
    return True, None


def _bound_to_version(request, current, form_class):
    """The lead's edit again, now against the version saved meanwhile: saving it once more
    overwrites that version knowingly."""
    form = form_class({**request.POST.dict(), "version": current.version})
    form.is_valid()
    return form


def _add_service_errors(form, error):
    for field, messages_ in getattr(error, "message_dict", {"__all__": error.messages}).items():
        for message in messages_:
            form.add_error(field if field in form.fields else None, message)


@login_required
@require_http_methods(["GET", "POST"])
def item_add(request, slug):
    borough, plan = _plan_or_404(slug)
    if not request.user.has_perm("actionplans.add_actionitem", plan):
        raise PermissionDenied("Only the borough's lead can add items to its plan.")
    if request.method == "POST":
        form = ItemForm(request.POST, plan=plan)
        if form.is_valid():
            try:
                item = services.action_item_create(
                    plan=plan,
                    acting_user=request.user,
                    fields=form.changes(),
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, f"“{item.title}” has been added to the plan.")
                return redirect("actionplans:plan", slug=slug)
    else:
        form = ItemForm(initial={"status": ItemStatus.NOT_STARTED}, plan=plan)
    return render(
        request, "actionplans/item_add.html", {"borough": borough, "plan": plan, "form": form}
    )


@login_required
@require_http_methods(["GET", "POST"])
def items_upload(request, slug):
    borough, plan = _plan_or_404(slug)
    if not request.user.has_perm("actionplans.add_actionitem", plan):
        raise PermissionDenied("Only the borough's lead can add items to its plan.")
    problems = []
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                items = action_items_upload(
                    plan=plan,
                    acting_user=request.user,
                    uploaded_bytes=form.cleaned_data["file"].read(),
                )
            except BulkUploadError as error:
                problems = error.errors
                form.add_error(
                    "file",
                    f"The file has {len(problems)} problem{'s' if len(problems) != 1 else ''}. "
                    "Nothing was added. Correct them and upload the file again.",
                )
            else:
                messages.success(request, f"{len(items)} items have been added to the plan.")
                return redirect("actionplans:plan", slug=slug)
    else:
        form = UploadForm()
    return render(
        request,
        "actionplans/upload.html",
        {"borough": borough, "plan": plan, "form": form, "problems": problems},
        status=HTTPStatus.BAD_REQUEST if problems else HTTPStatus.OK,
    )


def items_template(request, slug):
    borough, plan = _plan_or_404(slug)
    response = HttpResponse(template_csv(plan), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{borough.slug}-action-plan-items.csv"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, slug):
    borough, plan = _plan_or_404(slug)
    if not request.user.has_perm("actionplans.change_actionplan", plan):
        raise PermissionDenied("Only the borough's lead can change its plan.")
    stale = None
    if request.method == "POST":
        form = PlanForm(request.POST)
        saved, current = _save_edit(
            request, form, plan, partial(services.action_plan_update, plan=plan)
        )
        if saved:
            messages.success(request, "The plan's details have been updated.")
            return redirect("actionplans:plan", slug=slug)
        if current is not None:
            stale = {"current": current}
            form = _bound_to_version(request, current, PlanForm)
    else:
        form = PlanForm(initial=PlanForm.initial_for(plan))
    return render(
        request,
        "actionplans/plan_edit.html",
        {"borough": borough, "plan": plan, "form": form, "stale": stale},
        status=HTTPStatus.CONFLICT if stale else HTTPStatus.OK,
    )


def plan_history(request, slug):
    borough, plan = _plan_or_404(slug)
    return render(
        request,
        "actionplans/history.html",
        {"borough": borough, "plan": plan, "timeline": plan_timeline(plan)},
    )
