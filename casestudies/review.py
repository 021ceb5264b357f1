"""The review of a case study, apart from the writes (services.py) and pages (drafting.py):
what each review step records of the case study, and what it tells whom.

Each step (submitted, sent back, published, unpublished) stores a snapshot of the case
study's content as text, field by field, so that an editor reviewing it again sees what
changed since the last review; notices are the steps told to the author or the editors.
"""

import difflib
import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe

from .models import CaseStudy, ReviewStep

Kind = ReviewStep.Kind

#: The content a snapshot holds, in the order a page shows it: field → label.
SNAPSHOT_LABELS = {
    "title": "Title",
    "summary": "Summary",
    "boroughs": "Boroughs",
    "year": "Year",
    "challenge": "The challenge",
    "solution": "The solution",
    "impact": "The impact",
    "lessons_learned": "Lessons learned",
    "sustainability": "How the approach is sustained",
    "approaches": "Approaches",
    "settings": "Settings",
    "ages": "Ages",
    "interventions": "Interventions",
    "proposed_interventions": "Interventions not in the list",
    "awards": "Funding awards",
    "outcomes": "Outcomes",
    "evaluation": "Evaluation",
    "cost": "Cost",
    "contact": "Contact",
}


def _names(records):
    return ", ".join(sorted(str(record) for record in records))


def _outcome_line(outcome):
    parts = [outcome.metric, outcome.get_direction_display().lower(), outcome.value_display]
    if outcome.outcome_type:
        parts.insert(1, outcome.get_outcome_type_display().lower())
    if outcome.period:
        parts.append(outcome.period)
    line = " – ".join(parts)
    return f"{line}: “{outcome.quote}”" if outcome.quote else line


def snapshot(case_study: CaseStudy) -> dict[str, str]:
    """The case study's content as text, field by field (SNAPSHOT_LABELS)."""
    contact = [
        case_study.contact_name,
        case_study.contact_role,
        case_study.contact_organisation,
        case_study.contact_email,
        case_study.contact_phone,
    ]
    ages = (
        ""
        if case_study.min_age is None and case_study.max_age is None
        else f"{case_study.min_age if case_study.min_age is not None else '?'} to "
        f"{case_study.max_age if case_study.max_age is not None else '?'}"
    )
    values = {
        "title": case_study.title,
        "summary": case_study.summary,
        "boroughs": _names(case_study.boroughs.all()),
        "year": "" if case_study.year is None else str(case_study.year),
        "challenge": case_study.challenge,
        "solution": case_study.solution,
        "impact": case_study.impact,
        "lessons_learned": case_study.lessons_learned,
        "sustainability": case_study.sustainability,
        "approaches": _names(case_study.approaches.all()),
        "settings": _names(case_study.settings.all()),
        "ages": ages,
        "interventions": _names(case_study.interventions.all()),
        "proposed_interventions": case_study.proposed_interventions,
        "awards": _names(case_study.awards.all()),
        "outcomes": "\n".join(_outcome_line(o) for o in case_study.outcomes.all())
        or ("Nothing was measured" if case_study.no_measured_outcome else ""),
        "evaluation": "\n".join(
            part
            for part in (
                case_study.get_evaluation_status_display(),
                case_study.get_evaluated_by_display(),
                case_study.get_evaluation_design_display(),
                case_study.evidence_quote,
            )
            if part
        ),
        "cost": "\n".join(
            part
            for part in (
                f"£{case_study.cost_per_participant} per participant: {case_study.cost_quote}"
                if case_study.cost_per_participant is not None
                else "",
                f"£{case_study.cost_benefit_ratio} for every £1: {case_study.cost_benefit_quote}"
                if case_study.cost_benefit_ratio is not None
                else "",
            )
            if part
        ),
        "contact": "\n".join(part for part in contact if part),
    }
    return {name: values[name] for name in SNAPSHOT_LABELS}


#: The steps that are an editor's review: what a resubmission is compared with.
REVIEWED = (Kind.SENT_BACK, Kind.PUBLISHED, Kind.UNPUBLISHED)


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    before: str
    after: str

    @property
    def marked(self):
        """The change word by word, as HTML: words taken out in <del>, put in in <ins>."""
        return inline_diff(self.before, self.after)


def inline_diff(before: str, after: str):
    """Word-by-word differences as safe HTML, every word escaped."""
    old = [word for word in re.split(r"(\s+)", before) if word]
    new = [word for word in re.split(r"(\s+)", after) if word]
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(new[b1:b2])))
            continue
        if a2 > a1:
            parts.append(f"<del>{escape(''.join(old[a1:a2]))}</del>")
        if b2 > b1:
            parts.append(f"<ins>{escape(''.join(new[b1:b2]))}</ins>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece of text is escaped above


def differences(before: dict, after: dict) -> list[Change]:
    """The fields whose text differs between two snapshots, in SNAPSHOT_LABELS order. A field
    a snapshot lacks (one recorded before the field existed) counts as empty."""
    return [
        Change(name, label, before.get(name, ""), after.get(name, ""))
        for name, label in SNAPSHOT_LABELS.items()
        if (before.get(name) or "") != (after.get(name) or "")
    ]


def changes_since_review(case_study: CaseStudy, last_review: ReviewStep | None):
    """What changed in the case study since the editor's last review step (sent back,
    published or unpublished); None when it has never been reviewed."""
    if last_review is None:
        return None
    return differences(last_review.snapshot, snapshot(case_study))


def notice_text(step: ReviewStep) -> str:
    """What a notice of the step says, in a sentence."""
    who = step.actor.display_name if step.actor else "Someone"
    title = step.case_study.title
    if step.kind == Kind.SUBMITTED:
        return f"{who} submitted ‘{title}’ for review."
    if step.kind == Kind.SENT_BACK:
        return f"{who} sent ‘{title}’ back to draft: {step.reason}"
    if step.kind == Kind.PUBLISHED:
        return f"{who} published ‘{title}’."
    return f"{who} unpublished ‘{title}’."


def waiting(since, now):
    """How long something has waited, in words: "3 days", "5 hours", "under an hour"."""
    seconds = (now - since).total_seconds()
    days, hours = int(seconds // 86400), int(seconds // 3600)
    if days:
        return f"{days} day{'s' if days != 1 else ''}"
    if hours:
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return "under an hour"


def queue_with_ages(case_studies, now):
    """[(case study, how long it has waited)] for a review queue (selectors.review_queue)."""
    return [(case_study, waiting(case_study.submitted_at, now)) for case_study in case_studies]


def notices_with_text(notices):
    """[(notice, what it says)] for a list of notices (selectors.review_notices_of)."""
    return [(notice, notice_text(notice.step)) for notice in notices]
