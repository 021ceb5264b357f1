"""Writes to case studies: drafting, review and publication.

Officers and leads draft case studies for their own boroughs and submit them for review;
editors change any case study, send it back to draft, publish and unpublish (rules.py).
Each service owns its transaction, checks permission and the version the writer read,
and validates before saving. A stale edit — made from a version someone else has since
changed — is refused with StaleEdit, never silently applied over the other person's change.
Every write refreshes the search documents it touches once, as it ends (search.py).

Saved searches: their owners save, change and delete them; the daily digest
(saved_search_send_digest) e-mails each one's new matches, each match once.
"""

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.db.models.functions import Lower
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from boroughs.models import Borough
from boroughs.roles import editors, is_editor
from core.concurrency import locked_at_version, save_at_next_version
from core.errors import Conflict
from core.search import deferred as search_documents_deferred
from core.search import store_all

from . import checklist, review, selectors
from .browse_forms import saved_criteria
from .checklist import Point
from .models import (
    WRITABLE_RELATIONS,
    CaseStudy,
    Outcome,
    ReviewNotice,
    ReviewStep,
    SavedSearch,
    SavedSearchMatch,
)
from .rules import drafts_for_any_borough

#: Plain fields a writer may set; the sections are Markdown, rendered by casestudies.text.
FIELDS = (
    "title",
    "summary",
    "year",
    "challenge",
    "solution",
    "impact",
    "lessons_learned",
    "sustainability",
    "min_age",
    "max_age",
    "contact_name",
    "contact_role",
    "contact_organisation",
    "contact_email",
    "contact_phone",
    "no_measured_outcome",
    "proposed_interventions",
    # How the work was evaluated, in the evidence fields (casestudies/evidence.py).
    "evaluation_status",
    "evaluated_by",
    "evaluation_design",
    "evidence_quote",
    # What it cost, in the cost fields (casestudies/cost.py).
    "cost_per_participant",
    "cost_quote",
    "cost_benefit_ratio",
    "cost_benefit_quote",
)
#: What an outcome written in a draft holds (the rest of Outcome is for loaded records).
OUTCOME_FIELDS = (
    "metric",
    "outcome_type",
    "direction",
    "value",
    "unit",
    "baseline",
    "period",
    "quote",
)
SECTIONS = ("challenge", "solution", "impact", "lessons_learned", "sustainability")
#: What a case study must say before an editor is asked to review it.
NEEDED_FOR_REVIEW = {
    "challenge": "Enter the challenge before you submit the case study for review.",
    "solution": "Enter the solution before you submit the case study for review.",
    "impact": "Enter the impact before you submit the case study for review.",
}
#: Slugs that would be hidden behind a page's own address, such as /case-studies/new/.
RESERVED_SLUGS = {"new", "import"}

Status = CaseStudy.Status


class WrongStatus(Conflict):
    """The step does not fit the case study's status, e.g. publishing a draft (a 409)."""

    def __init__(self, case_study: CaseStudy, message: str) -> None:
        self.current = case_study
        super().__init__(message)


def _require(user: Any, permission: str, obj: Model, message: str) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied(message)


def may_draft(user: Any) -> bool:
    """Whether the user may draft case studies for any borough (pages and API ask first)."""
    return bool(drafts_for_any_borough(user))


def why_not_change(user: Any, case_study: CaseStudy) -> str | None:
    """Why the user may not change the case study, in words; None when they may."""
    if user.has_perm("casestudies.change_casestudy", case_study):
        return None
    if user.has_perm("casestudies.submit_casestudy", case_study):
        return (
            "You cannot change this case study now that it is "
            f"{case_study.get_status_display().lower()}: an editor can send it back to draft."
        )
    return (
        "You cannot change this case study: only its own boroughs' officers and leads may, "
        "while it is a draft, and editors."
    )


def _check_boroughs(
    user: Any, boroughs: Collection[Borough], *, was: Iterable[Borough] = ()
) -> None:
    """A case study belongs to at least one borough; officers and leads may add or remove
    only boroughs they draft for."""
    if not boroughs:
        raise ValidationError({"boroughs": "Select at least one borough."})
    if is_editor(user):
        return
    touched = set(boroughs) ^ set(was)
    foreign = sorted(b.name for b in touched if not user.has_perm("casestudies.add_casestudy", b))
    if foreign:
        raise PermissionDenied(
            "You can draft case studies only for boroughs where you are an officer or lead, "
            f"not {', '.join(foreign)}."
        )
    if not any(user.has_perm("casestudies.add_casestudy", b) for b in boroughs):
        raise ValidationError(
            {
                "boroughs": "Keep at least one of your own boroughs, or you could not change "
                "the case study again."
            }
        )


def _check_fields(changes: Mapping[str, Any]) -> None:
    unknown = sorted(set(changes) - set(FIELDS) - set(WRITABLE_RELATIONS) - {"outcomes"})
    if unknown:
        if "status" in unknown:
            raise ValidationError(
                {"status": "Submit, publish or unpublish the case study to change its status."}
            )
        raise ValidationError({name: "This field cannot be changed here." for name in unknown})


def _full_clean(case_study: CaseStudy) -> None:
    """Validate before saving, with the year's range said in words (the model's check
    constraint would only name itself)."""
    year = case_study.year
    errors: dict[str, list[str]] = {}
    if year is not None and not 1990 <= year <= 2100:
        errors["year"] = ["Year must be between 1990 and 2100."]
    try:
        case_study.full_clean(validate_constraints=not errors)
    except ValidationError as error:
        errors = {**error.message_dict, **errors}
    if errors:
        raise ValidationError(errors)


def _unique_slug(title: str) -> str:
    base = slugify(title)[:190] or "case-study"
    if base in RESERVED_SLUGS:
        base = f"{base}-case-study"
    slug, n = base, 2
    while CaseStudy.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _clean_text(values: Mapping[str, Any]) -> dict[str, Any]:
    """Trim surrounding whitespace from text, so that "  " is as empty as ""."""
    return {
        name: value.strip() if isinstance(value, str) else value for name, value in values.items()
    }


@transaction.atomic
@search_documents_deferred()
def case_study_create_draft(
    *,
    acting_user: Any,
    title: str,
    summary: str,
    boroughs: Iterable[Borough] | None,
    **fields: Any,
) -> CaseStudy:
    """A new draft for the given boroughs, written by an officer or lead of each (or an
    editor); returns it as saved."""
    if not may_draft(acting_user):
        raise PermissionDenied(
            "You can draft case studies only for a borough where you are an officer or lead."
        )
    values = _clean_text({"title": title, "summary": summary, **fields})
    outcomes = _outcome_rows(values.pop("outcomes", None))
    relations = {name: list(values.pop(name)) for name in WRITABLE_RELATIONS if name in values}
    _check_fields(values)
    boroughs = list(boroughs or [])
    _check_boroughs(acting_user, boroughs)
    case_study = CaseStudy(status=Status.DRAFT, created_by=acting_user, **values)
    case_study.slug = _unique_slug(case_study.title)
    _full_clean(case_study)
    case_study.save()
    case_study.boroughs.set(boroughs)
    for name, records in relations.items():
        getattr(case_study, name).set(records)
    if outcomes:
        _set_outcomes(case_study, outcomes)
    return case_study


@transaction.atomic
@search_documents_deferred()
def case_study_update(
    *, case_study: CaseStudy, acting_user: Any, expected_version: int, changes: Mapping[str, Any]
) -> CaseStudy:
    """Change a case study's fields and boroughs, approaches and settings in one step;
    returns it as saved. Nothing changed, nothing saved: the version stays."""
    refusal = why_not_change(acting_user, case_study)
    if refusal:
        raise PermissionDenied(refusal)
    current = locked_at_version(CaseStudy.objects.all(), case_study.pk, expected_version)
    refusal = why_not_change(acting_user, current)
    if refusal:  # cannot happen without a new version, but a refusal is never left to chance
        raise PermissionDenied(refusal)
    changes = _clean_text(dict(changes))
    _check_fields(changes)
    outcomes = _outcome_rows(changes.pop("outcomes", None))
    if outcomes is not None and outcomes == _stored_outcomes(current):
        outcomes = None
    relations = {name: list(changes.pop(name)) for name in WRITABLE_RELATIONS if name in changes}
    if "boroughs" in relations:
        _check_boroughs(acting_user, relations["boroughs"], was=current.boroughs.all())
    changed = False
    for name, value in changes.items():
        if getattr(current, name) != value:
            setattr(current, name, value)
            changed = True
    relations = {
        name: records
        for name, records in relations.items()
        if {r.pk for r in records} != set(getattr(current, name).values_list("pk", flat=True))
    }
    if not changed and not relations and outcomes is None:
        return current
    _full_clean(current)
    save_at_next_version(current, expected_version)
    for name, records in relations.items():
        getattr(current, name).set(records)
    if outcomes is not None:
        _set_outcomes(current, outcomes)
    return current


def _outcome_rows(rows: Iterable[Mapping[str, Any]] | None) -> list[dict[str, Any]] | None:
    """Outcomes as sent (dicts of OUTCOME_FIELDS), in order, with text trimmed; None when
    not sent (they stay as they are)."""
    if rows is None:
        return None
    cleaned = []
    for row in rows:
        values = {name: row.get(name) for name in OUTCOME_FIELDS}
        for name in ("metric", "period", "quote", "outcome_type"):
            values[name] = (values[name] or "").strip()
        values["direction"] = values["direction"] or Outcome.Direction.NONE
        cleaned.append(values)
    return cleaned


def _stored_outcomes(case_study: CaseStudy) -> list[dict[str, Any]]:
    return [
        {name: getattr(outcome, name) for name in OUTCOME_FIELDS}
        for outcome in case_study.outcomes.all()
    ]


def _set_outcomes(case_study: CaseStudy, rows: Iterable[Mapping[str, Any]]) -> None:
    """Replace the case study's outcomes with these, each validated by the model."""
    case_study.outcomes.all().delete()
    errors: list[str] = []
    for number, values in enumerate(rows, start=1):
        outcome = Outcome(case_study=case_study, order=number, **values)
        try:
            outcome.full_clean(exclude=["case_study", "source"])
        except ValidationError as error:
            errors += [
                f"Outcome {number}: {message}"
                for messages in error.message_dict.values()
                for message in messages
            ]
            continue
        outcome.save()
    if errors:
        raise ValidationError({"outcomes": errors})


def _transition(
    case_study: CaseStudy,
    *,
    acting_user: Any,
    expected_version: int | None,
    permission: str,
    refusal: str,
    allowed_from: Collection[str],
    wrong: str,
) -> CaseStudy:
    _require(acting_user, permission, case_study, refusal)
    current = locked_at_version(CaseStudy.objects.all(), case_study.pk, expected_version)
    if current.status not in allowed_from:
        raise WrongStatus(current, wrong.format(status=current.get_status_display().lower()))
    return current


def _save_transition(current: CaseStudy, status: str, **values: Any) -> CaseStudy:
    current.status = status
    for name, value in values.items():
        setattr(current, name, value)
    _full_clean(current)
    save_at_next_version(current, current.version)
    return current


def _recipients(step: ReviewStep, author: Any) -> list[Any]:
    """Who is told of a review step: every editor of a submission, the author of the rest;
    never the person who took it."""
    if step.kind == ReviewStep.Kind.SUBMITTED:
        people = list(editors())
    else:
        people = [author] if author is not None and author.is_active else []
    return [person for person in people if person.pk != getattr(step.actor, "pk", None)]


def _record_step(
    current: CaseStudy,
    kind: str,
    *,
    acting_user: Any,
    reason: str = "",
    confirmed: Iterable[dict[str, str]] = (),
    at: dt.datetime | None = None,
) -> tuple[ReviewStep, list[ReviewNotice]]:
    """Record the step with the case study as it now stands, and tell those it concerns:
    a notice each on their /my/ page, and an e-mail, queued once the step is committed."""
    now = at or timezone.now()
    step = ReviewStep.objects.create(
        case_study=current,
        kind=kind,
        actor=acting_user,
        at=now,
        reason=reason,
        snapshot=review.snapshot(current),
        confirmed=list(confirmed),
    )
    notices = ReviewNotice.objects.bulk_create(
        ReviewNotice(step=step, recipient=person, created_at=now)
        for person in _recipients(step, current.created_by)
    )
    to_email = [notice.pk for notice in notices if notice.recipient.email]
    if to_email:
        from .tasks import send_review_notice

        def queue() -> None:
            for notice_id in to_email:
                send_review_notice.delay(notice_id)

        transaction.on_commit(queue, robust=True)
    return step, notices


@transaction.atomic
@search_documents_deferred()
def case_study_submit_for_review(
    *, case_study: CaseStudy, acting_user: Any, expected_version: int | None = None
) -> CaseStudy:
    """Draft → in review. The challenge, solution and impact must be written first. Every
    editor is told.

    ``expected_version`` None skips the version check (an API client without If-Match)."""
    current = _transition(
        case_study,
        acting_user=acting_user,
        expected_version=expected_version,
        permission="casestudies.submit_casestudy",
        refusal="You can submit case studies only for a borough where you are an officer or lead.",
        allowed_from={Status.DRAFT},
        wrong="Only a draft can be submitted for review: this case study is {status}.",
    )
    missing = {
        name: message
        for name, message in NEEDED_FOR_REVIEW.items()
        if not getattr(current, name).strip()
    }
    if missing:
        raise ValidationError(missing)
    saved = _save_transition(current, Status.IN_REVIEW)
    _record_step(saved, ReviewStep.Kind.SUBMITTED, acting_user=acting_user)
    return saved


#: The longest reason for sending a case study back.
REASON_MAX_LENGTH = 5000


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": "Enter why you are sending the case study back, so its author can act"}
        )
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": f"The reason must be {REASON_MAX_LENGTH} characters or fewer"}
        )
    return reason


@transaction.atomic
@search_documents_deferred()
def case_study_return_to_draft(
    *,
    case_study: CaseStudy,
    acting_user: Any,
    reason: str | None,
    expected_version: int | None = None,
) -> CaseStudy:
    """In review → draft, so that its borough can change it again (editors). The reason is
    required; the author is told it."""
    current = _transition(
        case_study,
        acting_user=acting_user,
        expected_version=expected_version,
        permission="casestudies.publish_casestudy",
        refusal="Only editors can send a case study back to draft.",
        allowed_from={Status.IN_REVIEW},
        wrong="Only a case study in review can be sent back to draft: this one is {status}.",
    )
    reason = _reason(reason)
    saved = _save_transition(current, Status.DRAFT)
    _record_step(saved, ReviewStep.Kind.SENT_BACK, acting_user=acting_user, reason=reason)
    return saved


def _confirmed_points(current: CaseStudy, confirmed: object) -> list[Point]:
    """The checklist's open points, each of which the editor must have confirmed (by code);
    returns them, to be recorded with the publication."""
    if confirmed is None:
        confirmed = []
    if not isinstance(confirmed, list | tuple) or not all(
        isinstance(code, str) for code in confirmed
    ):
        raise ValidationError(
            {"confirmed": "Send the codes of the checklist points you confirm, as a list."}
        )
    unknown = sorted(set(confirmed) - set(checklist.CODES))
    if unknown:
        raise ValidationError({"confirmed": f"There is no checklist point “{unknown[0]}”."})
    points = checklist.open_points(current)
    unconfirmed = [point for point in points if point.code not in confirmed]
    if unconfirmed:
        raise ValidationError(
            {
                "confirmed": [
                    ValidationError(f"Confirm or fix: {point.text}", code=point.code)
                    for point in unconfirmed
                ]
            }
        )
    return points


@transaction.atomic
@search_documents_deferred()
def case_study_publish(
    *,
    case_study: CaseStudy,
    acting_user: Any,
    confirmed: object = None,
    expected_version: int | None = None,
) -> CaseStudy:
    """In review → published, for everyone to read (editors). Each open point of the
    publishing checklist (checklist.py) must be in ``confirmed`` (their codes); the points
    confirmed, who and when are recorded, and the author is told."""
    current = _transition(
        case_study,
        acting_user=acting_user,
        expected_version=expected_version,
        permission="casestudies.publish_casestudy",
        refusal="Only editors can publish case studies.",
        allowed_from={Status.IN_REVIEW},
        wrong="Only a case study in review can be published: this one is {status}.",
    )
    points = _confirmed_points(current, confirmed)
    saved = _save_transition(
        current, Status.PUBLISHED, published_at=timezone.now(), published_by=acting_user
    )
    _record_step(
        saved,
        ReviewStep.Kind.PUBLISHED,
        acting_user=acting_user,
        at=saved.published_at,
        confirmed=[point.as_dict() for point in points],
    )
    return saved


@transaction.atomic
@search_documents_deferred()
def case_study_unpublish(
    *, case_study: CaseStudy, acting_user: Any, expected_version: int | None = None
) -> CaseStudy:
    """Published → draft: it leaves the public pages and API (editors)."""
    current = _transition(
        case_study,
        acting_user=acting_user,
        expected_version=expected_version,
        permission="casestudies.publish_casestudy",
        refusal="Only editors can unpublish case studies.",
        allowed_from={Status.PUBLISHED},
        wrong="Only a published case study can be unpublished: this one is {status}.",
    )
    saved = _save_transition(current, Status.DRAFT, published_at=None, published_by=None)
    _record_step(saved, ReviewStep.Kind.UNPUBLISHED, acting_user=acting_user)
    return saved


# --- Review notices ----------------------------------------------------------------------


def review_notice_send(*, notice_id: int) -> bool:
    """E-mail one review notice, once: the notice is claimed (emailed_at set) in the
    transaction that sends it, so a retry or a second worker finds it claimed and sends
    nothing, and a failed send rolls the claim back for the retry. True if sent."""
    with transaction.atomic():
        claimed = ReviewNotice.objects.filter(
            pk=notice_id, emailed_at__isnull=True, recipient__is_active=True
        ).update(emailed_at=timezone.now())
        if not claimed:
            return False
        notice = ReviewNotice.objects.select_related(
            "recipient", "step__case_study", "step__actor"
        ).get(pk=notice_id)
        if not notice.recipient.email:
            return False
        review_notice_message(notice).send()
        return True


def review_notice_message(notice: ReviewNotice) -> EmailMultiAlternatives:
    base_url = settings.SVPORTAL_BASE_URL.rstrip("/")
    step = notice.step
    context = {
        "user": notice.recipient,
        "step": step,
        "text": review.notice_text(step),
        "case_study_url": f"{base_url}/case-studies/{step.case_study.slug}/preview/",
        "my_url": f"{base_url}/my/",
    }
    return EmailMultiAlternatives(
        subject=f"{step.get_kind_display()}: {step.case_study.title} – SV Portal",
        body=render_to_string("emails/review_notice.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notice.recipient.email],
    )


# --- Search ----------------------------------------------------------------------------


def case_studies_refresh_search_vectors(*, missing_only: bool = True) -> int:
    """Store the search document of every searchable record, of every app (by default
    only those without one); returns how many."""
    return store_all(missing_only=missing_only)


# --- Saved searches --------------------------------------------------------------------

#: Saved searches one user may have.
MAX_SAVED_SEARCHES = 50
#: Case studies listed in one digest; the e-mail links to the rest.
DIGEST_LIMIT = 50


def _check_name(*, user: Any, name: str, saved_search: SavedSearch | None = None) -> None:
    others = SavedSearch.objects.filter(user=user).annotate(lowered=Lower("name"))
    if saved_search is not None:
        others = others.exclude(pk=saved_search.pk)
    if others.filter(lowered=name.lower()).exists():
        raise ValidationError({"name": f"You already have a saved search called ‘{name}’"})


@transaction.atomic
def saved_search_create(*, user: Any, name: str | None, query: str, frequency: str) -> SavedSearch:
    """Save a search (a case-studies query string of valid values) for its owner."""
    if not user.is_authenticated:
        raise PermissionDenied("Sign in to save a search.")
    name = (name or "").strip()
    if SavedSearch.objects.filter(user=user).count() >= MAX_SAVED_SEARCHES:
        raise ValidationError(
            {"name": f"You can save up to {MAX_SAVED_SEARCHES} searches: delete one first"}
        )
    _check_name(user=user, name=name)
    saved_search = SavedSearch(user=user, name=name, query=query, frequency=frequency)
    saved_search.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            saved_search.save()
    except IntegrityError:  # the same name saved a moment ago, from another tab
        raise ValidationError(
            {"name": f"You already have a saved search called ‘{name}’"}
        ) from None
    return saved_search


def _require_owner(saved_search: SavedSearch, user: Any) -> None:
    if saved_search.user_id != user.pk:
        raise PermissionDenied("That is not your saved search.")


@transaction.atomic
def saved_search_update(
    *, saved_search: SavedSearch, acting_user: Any, name: str | None, frequency: str
) -> SavedSearch:
    """Rename a saved search or change how often its digest comes."""
    _require_owner(saved_search, acting_user)
    name = (name or "").strip()
    _check_name(user=acting_user, name=name, saved_search=saved_search)
    saved_search.name = name
    saved_search.frequency = frequency
    saved_search.full_clean(validate_constraints=False)
    saved_search.save(update_fields=["name", "frequency"])
    return saved_search


@transaction.atomic
def saved_search_delete(*, saved_search: SavedSearch, acting_user: Any) -> None:
    _require_owner(saved_search, acting_user)
    saved_search.delete()


def saved_search_is_due(saved_search: SavedSearch, now: dt.datetime) -> bool:
    """Daily digests go once a day, weekly ones once a week, counted in whole days from
    the last time one was due (or from when the search was saved)."""
    since = saved_search.last_checked_at or saved_search.created_at
    days = 7 if saved_search.frequency == SavedSearch.Frequency.WEEKLY else 1
    return (timezone.localdate(now) - timezone.localdate(since)).days >= days


def _claim(saved_search: SavedSearch, case_study: CaseStudy, now: dt.datetime) -> bool:
    """Record that the case study is sent for the saved search; False if it already was."""
    try:
        with transaction.atomic():
            SavedSearchMatch.objects.create(
                saved_search=saved_search, case_study=case_study, sent_at=now
            )
    except IntegrityError:
        return False
    return True


def saved_search_send_digest(*, saved_search: SavedSearch, now: dt.datetime) -> int:
    """If the saved search is due, e-mail its owner the case studies newly published
    that match it, and record each as sent; returns how many were sent. More than
    DIGEST_LIMIT wait for the next digest.

    The search is locked, checked again and its matches claimed in the transaction that
    sends the e-mail: a second run (beat firing twice, two workers) finds it not due and
    its matches claimed, so sends nothing; a failed send rolls back and is retried on the
    next run.
    """
    with transaction.atomic():
        current = (
            SavedSearch.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=saved_search.pk)
        )
        if not saved_search_is_due(current, now):
            return 0
        criteria, _ = saved_criteria(current.query)
        matches = list(
            selectors.saved_search_new_matches(saved_search=current, criteria=criteria, now=now)[
                : DIGEST_LIMIT + 1
            ]
        )
        more = len(matches) > DIGEST_LIMIT
        claimed = [match for match in matches[:DIGEST_LIMIT] if _claim(current, match, now)]
        current.last_checked_at = now
        update_fields = ["last_checked_at"]
        if claimed:
            saved_search_digest_message(current, claimed, more=more).send()
            current.last_sent_at = now
            update_fields.append("last_sent_at")
        current.save(update_fields=update_fields)
        return len(claimed)


def saved_search_digest_message(
    saved_search: SavedSearch, case_studies: Sequence[CaseStudy], *, more: bool = False
) -> EmailMultiAlternatives:
    base_url = settings.SVPORTAL_BASE_URL.rstrip("/")
    count = len(case_studies)
    context = {
        "saved_search": saved_search,
        "user": saved_search.user,
        "case_studies": case_studies,
        "more": more,
        "frequency": saved_search.get_frequency_display().lower(),
        "base_url": base_url,
        "results_url": f"{base_url}/case-studies/"
        + (f"?{saved_search.query}" if saved_search.query else ""),
        "manage_url": f"{base_url}/my/searches/",
    }
    noun = "case study" if count == 1 else "case studies"
    message = EmailMultiAlternatives(
        subject=f"{count} new {noun} for ‘{saved_search.name}’ – SV Portal",
        body=render_to_string("emails/saved_search_digest.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[saved_search.user.email],
    )
    message.attach_alternative(
        render_to_string("emails/saved_search_digest.html", context), "text/html"
    )
    return message
