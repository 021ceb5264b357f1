"""Query pieces that any app's querysets share."""

from typing import Any

from django.db import models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce


def rows_pointing_here(model: type[models.Model], foreign_key: str) -> Coalesce:
    """How many rows of ``model`` name the outer row through ``foreign_key``, for an
    annotation: a subquery per row read (a page's), counted from the foreign key's index
    alone, not a join of every row of ``model`` grouped by the key."""
    per_row: Any = (
        model._default_manager.filter(**{foreign_key: OuterRef("pk")})
        .order_by()
        .values(foreign_key)
        # The key's column, not the id: counted from the key's index alone.
        .annotate(count=models.Count(foreign_key))
        .values("count")
    )
    return Coalesce(Subquery(per_row), 0)
