"""The models of the postings tables: a word of a record's stored search document, with
its positions and weights and what ts_rank gives the record for it alone, kept by
PostgreSQL's triggers from the document (index.SearchPostingsStorage), never written
from here. A search for one word reads its best records in order from them."""

from typing import Any

from django.db import models


class SearchPosting(models.Model):
    """A posting of a record's word. A concrete model adds its composite primary key,
    ("word", its record), and the record, `posted_record(Model)`."""

    word = models.TextField()
    entry = models.TextField()
    score = models.FloatField()

    class Meta:
        abstract = True
        managed = False


def posted_record(model: type[models.Model]) -> "models.ForeignKey[Any, Any]":
    """The record a posting is of, in the table's `record_id` column."""
    return models.ForeignKey(
        model,
        on_delete=models.DO_NOTHING,  # the table's trigger drops a deleted record's words
        db_column="record_id",
        db_constraint=False,
        related_name="search_postings",
    )
