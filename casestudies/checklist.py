"""The publishing checklist: what is missing or unverified in a case study, which an editor
must confirm, point by point, before publishing it. One set of rules for the page and the
API (services.case_study_publish asks it); the points confirmed are recorded with the
publication (ReviewStep.confirmed).
"""

import re
from dataclasses import dataclass

from .evidence import EvaluationStatus
from .forms import SECTIONS


@dataclass(frozen=True)
class Point:
    """One open point: a stable code (what the API confirms) and what it says."""

    code: str
    text: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "text": self.text}


#: A figure: any digit ("41 per cent", "£700,000", "2019").
FIGURE = re.compile(r"\d")
#: A quotation: words between quotation marks.
QUOTE = re.compile(r"[“\"‘][^”\"’]{3,}[”\"’]")

#: Every code a point can have, in the order they are listed.
CODES = (
    *(f"empty-{name.replace('_', '-')}" for name in SECTIONS),
    "no-outcome",
    "no-evidence",
    "no-source-or-contact",
    "impact-unsupported",
)


def _has_contact(case_study):
    return any((case_study.contact_name, case_study.contact_email, case_study.contact_phone))


def open_points(case_study, *, outcomes=None) -> list[Point]:
    """What is missing or unverified in the case study, in CODES order. ``outcomes`` may be
    given when already read (else the case study's are counted: one query)."""
    points = []
    for name, (heading, _) in SECTIONS.items():
        if not (getattr(case_study, name) or "").strip():
            points.append(
                Point(
                    f"empty-{name.replace('_', '-')}",
                    f"‘{heading}’ is empty: it will be published without it.",
                )
            )
    has_outcomes = bool(outcomes) if outcomes is not None else case_study.outcomes.exists()
    if not has_outcomes and not case_study.no_measured_outcome:
        points.append(
            Point(
                "no-outcome",
                "No outcome is recorded, and the writer has not said that nothing was measured.",
            )
        )
    if case_study.evaluation_status == EvaluationStatus.NONE:
        points.append(
            Point(
                "no-evidence",
                "No evaluation is recorded, so its strength of evidence is 0 (no outcome "
                "evidence).",
            )
        )
    if case_study.source_id is None and not _has_contact(case_study):
        points.append(
            Point(
                "no-source-or-contact",
                "Neither a source nor a contact is given: readers can neither check it nor "
                "ask about it.",
            )
        )
    impact = (case_study.impact or "").strip()
    if impact and not has_outcomes and not FIGURE.search(impact) and not QUOTE.search(impact):
        points.append(
            Point(
                "impact-unsupported",
                "The impact is claimed without a figure or a quote, and no outcome is recorded.",
            )
        )
    return points
