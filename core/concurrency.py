"""The one stale-edit mechanism: every versioned record (a ``version`` column) is changed
only from the version its editor read.

Services read the record with ``locked_at_version`` and save it inside their transaction
with ``save_at_next_version``, which claims the version first; a writer who read an older
version gets ``StaleEdit``
carrying the record as it stands now, which the pages show beside the editor's own values
and the API returns with a 412 and the current ETag.
"""

from typing import Any, TypeVar

from django.db.models import Model, QuerySet

VersionedModel = TypeVar("VersionedModel", bound=Model)


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


def save_at_next_version(record: Model, expected_version: int) -> None:
    """Save the record as the version after the one its editor read, once that version is
    claimed (``claim_version``): nothing is saved over a newer one."""
    claim_version(type(record), record.pk, expected_version)
    record.version = expected_version + 1  # type: ignore[attr-defined]
    record.save()


def locked_at_version(
    records: QuerySet[VersionedModel], pk: Any, expected_version: int | None
) -> VersionedModel:
    """The record, locked until the transaction ends, if it is still at the version the
    editor read (``expected_version`` None asks for no check); ``StaleEdit`` otherwise.

    ``records`` says what to read with it (``select_related``); locking first means no
    other writer can move the version on between the check and the save."""
    current = records.select_for_update().get(pk=pk)
    if expected_version is not None and current.version != expected_version:  # type: ignore[attr-defined]
        raise StaleEdit(current)
    return current
