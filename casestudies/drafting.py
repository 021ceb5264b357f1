"""Drafting case studies: officers and leads write drafts for their boroughs and submit
them; editors review, publish and unpublish. Writes go through services.py, as the API's do.

Every form carries the version it was read at, so a stale save or step is refused and the
writer shown what changed, never silently applied over someone else's change.
"""

from http import HTTPStatus

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from boroughs.models import Borough
from boroughs.roles import boroughs_of, is_editor
from core.concurrency import StaleEdit
from funding.models import Award

from . import checklist, guide_import, review, selectors, services
from .forms import (
    MARKDOWN_HINT,
    SECTIONS,
    CaseStudyForm,
    GuideImportForm,
    OutcomeFormSet,
    differences,
    outcome_initial,
)
from .models import CaseStudy

Status = CaseStudy.Status

STATUS_TAGS = {
    Status.DRAFT: "govuk-tag--grey",
    Status.IN_REVIEW: "govuk-tag--blue",
    Status.PUBLISHED: "govuk-tag--green",
}


def _forbidden(request, reason):
    return render(
        request,
        "casestudies/drafting/forbidden.html",
        {"reason": reason},
        status=HTTPStatus.FORBIDDEN,
    )


def _case_study_or_404(user, slug):
    """The case study if the user may see it: drafts only for those allowed."""
    return get_object_or_404(
        CaseStudy.objects.visible_to(user).prefetch_related(
            "boroughs", "approaches", "settings", "interventions", "awards", "outcomes"
        ),
        slug=slug,
    )


def _boroughs_offered(user):
    if is_editor(user):
        return Borough.objects.order_by("name")
    return Borough.objects.filter(pk__in=boroughs_of(user)).order_by("name")


def _awards_offered(user, boroughs, case_study=None):
    """The awards a writer may link: editors any; officers and leads those to their
    boroughs; and whatever the case study already has."""
    awards = Award.objects.select_related("stream").order_by("title")
    if not is_editor(user):
        linked = case_study.awards.values("pk") if case_study else Award.objects.none()
        awards = awards.filter(Q(recipient_boroughs__in=boroughs) | Q(pk__in=linked)).distinct()
    return list(awards)


def _outcomes(request, case_study=None):
    """The outcomes formset: bound to the post if it sent one (a post without it leaves
    the outcomes as they are), else filled with the case study's."""
    if request.method == "POST":
        if "outcomes-TOTAL_FORMS" not in request.POST:
            return None
        return OutcomeFormSet(request.POST, prefix="outcomes")
    return _outcomes_blank(case_study)


def _valid(form, outcomes):
    # Both are checked, so every error shows at once.
    form_ok = form.is_valid()
    return (outcomes is None or outcomes.is_valid()) and form_ok


def _values(form, outcomes):
    values = form.values()
    if outcomes is not None:
        values["outcomes"] = outcomes.rows()
    return values


def _form_context(form, outcomes=None, **extra):
    return {
        "form": form,
        "outcomes": outcomes,
        "errors": form.error_list + (outcomes.error_list if outcomes is not None else []),
        "sections": [(form[name], question) for name, (_, question) in SECTIONS.items()],
        "markdown_hint": MARKDOWN_HINT,
        **extra,
    }


def _add_service_errors(form, error):
    for name, messages_ in error.message_dict.items():
        form.add_error(name if name in form.fields else None, messages_)


@login_required
@require_http_methods(["GET", "POST"])
def case_study_new(request):
    if not services.may_draft(request.user):
        return _forbidden(
            request,
            "You can draft case studies only for a borough where you are an officer or lead. "
            "Ask an editor to give you a role in your borough.",
        )
    offered = list(_boroughs_offered(request.user))
    awards = _awards_offered(request.user, offered)
    outcomes = _outcomes(request)
    status = HTTPStatus.OK
    if request.method == "POST":
        form = CaseStudyForm(request.POST, offered=offered, awards=awards)
        if _valid(form, outcomes):
            try:
                case_study = services.case_study_create_draft(
                    acting_user=request.user, **_values(form, outcomes)
                )
            except PermissionDenied as refusal:
                return _forbidden(request, str(refusal))
            except ValidationError as error:
                _add_service_errors(form, error)
            else:
                messages.success(request, "Your draft has been saved.")
                return redirect("casestudies:preview", slug=case_study.slug)
        status = HTTPStatus.BAD_REQUEST
    else:
        initial = {"boroughs": [offered[0].pk]} if len(offered) == 1 else {}
        form = CaseStudyForm(initial=initial, offered=offered, awards=awards)
    return render(
        request,
        "casestudies/drafting/form.html",
        _form_context(
            form,
            outcomes if outcomes is not None else _outcomes_blank(),
            page_title="Start a case study",
            case_study=None,
        ),
        status=status,
    )


def _outcomes_blank(case_study=None):
    """The outcomes formset as a page first shows it: the case study's, and blank rows."""
    initial = outcome_initial(case_study) if case_study else None
    return OutcomeFormSet(initial=initial, prefix="outcomes")


@login_required
@require_http_methods(["GET", "POST"])
def case_study_import(request):
    """An editor pastes or uploads a case study written with the guide's headings; the
    portal splits it into sections, finds the contact and proposes the boroughs, and opens
    it as a new draft's form, filled in, for the editor to check and save."""
    if not request.user.has_perm("casestudies.import_casestudy"):
        return _forbidden(
            request,
            "Only editors can import case studies from a guide. Officers and leads can start "
            "a case study for their borough and paste each section into it.",
        )
    form = (
        GuideImportForm(request.POST, request.FILES)
        if request.method == "POST"
        else GuideImportForm()
    )
    status = HTTPStatus.OK
    if request.method == "POST":
        status = HTTPStatus.BAD_REQUEST
        if form.is_valid():
            upload = form.cleaned_data.get("file")
            try:
                text = (
                    guide_import.text_of_upload(upload.name, upload.read())
                    if upload
                    else form.cleaned_data["text"]
                )
            except guide_import.UnreadableFile as error:
                form.add_error("file", str(error))
            else:
                imported = guide_import.read_guide_text(text)
                if imported.found:
                    return _imported_draft(request, imported)
                form.add_error(
                    "file" if upload else "text",
                    "No guide headings were found. The case study needs headings such as "
                    "The challenge, The solution, The impact and Contact, each on its own line",
                )
    return render(
        request,
        "casestudies/drafting/import.html",
        {"form": form},
        status=status,
    )


def _imported_draft(request, imported):
    boroughs = {borough.pk: borough for borough in Borough.objects.order_by("name")}
    proposed = guide_import.propose_boroughs(
        imported.title, imported.summary, [(pk, b.name) for pk, b in boroughs.items()]
    )
    title = guide_import.with_names_cased(imported.title, [boroughs[pk].name for pk in proposed])
    contact = imported.contact
    initial = {
        "title": title[:300],
        "summary": imported.summary,
        "boroughs": proposed,
        **imported.sections,
        "contact_name": contact.name,
        "contact_role": contact.role,
        "contact_organisation": contact.organisation,
        "contact_email": contact.email,
        "contact_phone": contact.phone,
    }
    form = CaseStudyForm(
        initial=initial,
        offered=list(boroughs.values()),
        awards=_awards_offered(request.user, list(boroughs.values())),
    )
    return render(
        request,
        "casestudies/drafting/form.html",
        _form_context(
            form,
            _outcomes_blank(),
            page_title="Check the imported case study",
            case_study=None,
            form_action=reverse("casestudies:new"),
            imported={
                "headings": [
                    (heading, IMPORTED_LABELS[section]) for heading, section in imported.headings
                ],
                "boroughs": [boroughs[pk] for pk in proposed],
            },
        ),
    )


#: What each section found by an import is called on the form.
IMPORTED_LABELS = {
    **{name: heading for name, (heading, _) in SECTIONS.items()},
    "contact": "Contact",
}


@login_required
@require_http_methods(["GET", "POST"])
def case_study_edit(request, slug):
    case_study = _case_study_or_404(request.user, slug)
    refusal = services.why_not_change(request.user, case_study)
    if refusal:
        return _forbidden(request, refusal)
    offered, kept = _borough_choices(request.user, case_study)
    awards = _awards_offered(request.user, offered, case_study)
    outcomes = _outcomes(request, case_study)
    status, stale = HTTPStatus.OK, None
    if request.method == "POST":
        form = CaseStudyForm(
            request.POST, offered=offered, kept=kept, awards=awards, needs_version=True
        )
        if _valid(form, outcomes):
            try:
                services.case_study_update(
                    case_study=case_study,
                    acting_user=request.user,
                    expected_version=form.cleaned_data["version"],
                    changes=_values(form, outcomes),
                )
            except StaleEdit:
                current = _case_study_or_404(request.user, slug)
                refusal = services.why_not_change(request.user, current)
                if refusal:
                    return _forbidden(request, f"It has changed since you opened it. {refusal}")
                stale = {"rows": differences(form, current)}
                # Their text stays in the form, now against the current version: saving
                # again applies theirs over what they have just been shown.
                data = request.POST.copy()
                data["version"] = str(current.version)
                form = CaseStudyForm(
                    data, offered=offered, kept=kept, awards=awards, needs_version=True
                )
                form.is_valid()
                status = HTTPStatus.CONFLICT
            except PermissionDenied as refusal:
                return _forbidden(request, str(refusal))
            except ValidationError as error:
                _add_service_errors(form, error)
                status = HTTPStatus.BAD_REQUEST
            else:
                messages.success(request, "Your changes have been saved.")
                return redirect("casestudies:preview", slug=case_study.slug)
        else:
            status = HTTPStatus.BAD_REQUEST
    else:
        form = CaseStudyForm(
            initial=CaseStudyForm.initial_for(case_study),
            offered=offered,
            kept=kept,
            awards=awards,
            needs_version=True,
        )
    return render(
        request,
        "casestudies/drafting/form.html",
        _form_context(
            form,
            outcomes if outcomes is not None else _outcomes_blank(case_study),
            page_title=f"Edit ‘{case_study.title}’",
            case_study=case_study,
            stale=stale,
            kept=kept,
        ),
        status=status,
    )


def _borough_choices(user, case_study):
    """Boroughs to tick, and the case study's other boroughs, which this writer cannot
    remove (an editor can remove any)."""
    offered = list(_boroughs_offered(user))
    if is_editor(user):
        return offered, []
    kept = [b for b in case_study.boroughs.all() if b not in offered]
    return offered, kept


def _actions(user, case_study):
    """What the user may do next with the case study, as the preview offers it."""
    may_publish = user.has_perm("casestudies.publish_casestudy", case_study)
    return {
        "edit": services.why_not_change(user, case_study) is None,
        "submit": case_study.status == Status.DRAFT
        and user.has_perm("casestudies.submit_casestudy", case_study),
        "publish": may_publish and case_study.status == Status.IN_REVIEW,
        "return_to_draft": may_publish and case_study.status == Status.IN_REVIEW,
        "unpublish": may_publish and case_study.status == Status.PUBLISHED,
    }


#: Fields of the forms on the preview page itself (the rest are the edit page's).
PREVIEW_FIELDS = ("reason", "confirmed")


def _preview(request, case_study, *, errors=(), status=HTTPStatus.OK, typed=None):
    sections = [
        (name, heading, getattr(case_study, name)) for name, (heading, _) in SECTIONS.items()
    ]
    last_step = selectors.last_review_step(case_study)
    actions = _actions(request.user, case_study)
    field_errors = {name: message for name, message in errors if name}
    typed = typed or {}
    ticked = set(typed.get("confirmed", ()))
    points = (
        [
            (point, point.code in ticked, field_errors.get(f"confirm-{point.code}"))
            for point in checklist.open_points(case_study)
        ]
        if actions["publish"]
        else []
    )
    last_review = changes = None
    if actions["publish"]:
        last_review = selectors.last_review_step(case_study, *review.REVIEWED)
        changes = review.changes_since_review(case_study, last_review)
    return render(
        request,
        "casestudies/drafting/preview.html",
        {
            "case_study": case_study,
            "status_tag": STATUS_TAGS[case_study.status],
            "sections": sections,
            "actions": actions,
            "errors": errors,
            "field_errors": field_errors,
            "typed": typed,
            "checklist": points,
            "last_review": last_review,
            "changes": changes,
            "errors_in_checklist": any(error for _, _, error in points),
            "published_step": last_step
            if last_step
            and last_step.kind == last_step.Kind.PUBLISHED
            and case_study.status == Status.PUBLISHED
            else None,
            # Why it was sent back, while it is still the draft that was sent back.
            "sent_back": last_step
            if last_step
            and last_step.kind == last_step.Kind.SENT_BACK
            and case_study.status == Status.DRAFT
            else None,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET"])
def case_study_preview(request, slug):
    return _preview(request, _case_study_or_404(request.user, slug))


def _error_link(name, code, edit_url):
    """Where an error in a step points: a checklist box, a field of the preview's forms, or
    the field on the edit page."""
    if name == "confirmed" and code in checklist.CODES:
        return f"confirm-{code}"
    if name in PREVIEW_FIELDS:
        return name
    return f"{edit_url}#id_{name}"


def _step(service, done, extra=None):
    """A page that takes one step in a case study's life: submit, publish … ``extra`` reads
    what else the step needs from the form (a reason)."""

    @login_required
    @require_POST
    def view(request, slug):
        case_study = _case_study_or_404(request.user, slug)
        edit_url = reverse("casestudies:edit", kwargs={"slug": slug})
        try:
            version = int(request.POST.get("version", ""))
        except ValueError:
            return _preview(
                request,
                case_study,
                errors=[("", "This page is out of date: reload it and try again.")],
                status=HTTPStatus.BAD_REQUEST,
            )
        values = extra(request) if extra else {}
        try:
            service(
                case_study=case_study,
                acting_user=request.user,
                expected_version=version,
                **values,
            )
        except PermissionDenied as refusal:
            return _forbidden(request, str(refusal))
        except StaleEdit:
            current = _case_study_or_404(request.user, slug)
            message = (
                "This case study has changed since you opened it. Check it as it is now, "
                "below, then try again."
            )
            return _preview(request, current, errors=[("", message)], status=HTTPStatus.CONFLICT)
        except services.WrongStatus as error:
            current = _case_study_or_404(request.user, slug)
            return _preview(request, current, errors=[("", str(error))], status=HTTPStatus.CONFLICT)
        except ValidationError as error:
            errors = [
                (_error_link(name, problem.code, edit_url), message)
                for name, problems in error.error_dict.items()
                for problem in problems
                for message in problem.messages
            ]
            return _preview(
                request, case_study, errors=errors, status=HTTPStatus.BAD_REQUEST, typed=values
            )
        messages.success(request, done)
        return redirect("casestudies:preview", slug=slug)

    return view


case_study_submit = _step(
    services.case_study_submit_for_review,
    "Your case study has been submitted for review. An editor will check it and publish it.",
)
case_study_publish = _step(
    services.case_study_publish,
    "The case study has been published: everyone can now read it.",
    extra=lambda request: {"confirmed": request.POST.getlist("confirmed")},
)
case_study_unpublish = _step(
    services.case_study_unpublish,
    "The case study has been unpublished: it is a draft again and no longer public.",
)
case_study_return_to_draft = _step(
    services.case_study_return_to_draft,
    "The case study has been sent back to draft with your reason: its author has been told, "
    "and its borough's officers and leads can change it again.",
    extra=lambda request: {"reason": request.POST.get("reason", "")},
)


def page_title_for(*, may_draft, editor):
    """What /my/case-studies/ is called for the user's roles."""
    if editor and may_draft:
        return "Case studies to review and your drafts"
    if editor:
        return "Case studies to review"
    return "Your case studies"


@login_required
@require_http_methods(["GET"])
def my_case_studies(request):
    """The user's boroughs' drafts and those in review; for editors, the review queue:
    everything in review, longest waiting first, with how long each has waited."""
    user = request.user
    own, editor = boroughs_of(user), is_editor(user)
    drafts, in_review = [], []
    if own:
        mine = (
            CaseStudy.objects.filter(boroughs__in=own, status__in=[Status.DRAFT, Status.IN_REVIEW])
            .distinct()
            .prefetch_related("boroughs")
            .defer("search_vector")
            .order_by("-modified_at", "title")
        )
        for case_study in mine:
            (drafts if case_study.status == Status.DRAFT else in_review).append(case_study)
    queue = []
    if editor:
        queue = review.queue_with_ages(selectors.review_queue(), timezone.now())
        in_review = []
    may_draft = services.may_draft(user)
    return render(
        request,
        "casestudies/drafting/mine.html",
        {
            "page_title": page_title_for(may_draft=may_draft and bool(own), editor=editor),
            "drafts": drafts,
            "in_review": in_review,
            "queue": queue,
            "may_draft": may_draft,
            "is_editor": editor,
            "review_tag": STATUS_TAGS[Status.IN_REVIEW],
            "draft_tag": STATUS_TAGS[Status.DRAFT],
        },
    )
