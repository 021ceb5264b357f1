"""The review of a case study, apart from the writes (services.py) and pages (drafting.py):
what each review step records of the case study, and what it tells whom.

Each step (submitted, sent back, published, unpublished) stores a snapshot of the case
study's content as text, field by field, so that an editor reviewing it again sees what
changed since the last review; notices are the steps told to the author or the editors.
"""

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
    "awards": "Funding awards",
    "outcomes": "Outcomes",
    "contact": "Contact",
}


def _names(records):
    return ", ".join(sorted(str(record) for record in records))


def _outcome_line(outcome):
    parts = [outcome.metric, outcome.get_direction_display().lower(), outcome.value_display]
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
        "awards": _names(case_study.awards.all()),
        "outcomes": "\n".join(_outcome_line(o) for o in case_study.outcomes.all()),
        "contact": "\n".join(part for part in contact if part),
    }
    return {name: values[name] for name in SNAPSHOT_LABELS}


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
