"""The one stale-edit mechanism: every versioned record (a ``version`` column) is changed
only from the version its editor read.

Services call ``claim_version`` inside their transaction before saving; a writer who read
an older version gets ``StaleEdit`` carrying the record as it stands now, which the pages
show beside the editor's own values and the API returns with a 412 and the current ETag.
"""

from typing import Any

from django.db.models import Model


class StaleEdit(Exception):
    """The record changed since the editor read it; ``current`` is how it stands now."""

    def __init__(self, current: Any) -> None:
        self.current = current
        super().__init__(
            f"{current} has changed since you read it (now version {current.version})."
        )


def claim_version(model: type[Model], pk: int, expected_version: int) -> None:
    """Move the stored version on by one if it is still the one the editor read.

    A conditional UPDATE, so two editors racing from the same version cannot both win,
    on PostgreSQL and SQLite alike."""
    claimed = model._default_manager.filter(pk=pk, version=expected_version).update(
        version=expected_version + 1
    )
    if not claimed:
        raise StaleEdit(model._default_manager.get(pk=pk))
