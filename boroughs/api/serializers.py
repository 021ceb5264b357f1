from typing import Any

from rest_framework import serializers

from boroughs.models import Borough, Organisation, Partnership, Source, StockTake
from core.api.values import ValuesWriter, or_none, write_date
from core.inputs import TEXT_MAX_LENGTH


class SourceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Source
        fields = ["key", "title", "publisher", "published_on", "document", "url"]


#: The columns of a sourced record's publication, for a list read with values().
SOURCE_COLUMNS = (
    "source_id",
    "source__key",
    "source__title",
    "source__publisher",
    "source__published_on",
    "source__document",
    "source__url",
)


def source_from_values(row: dict[str, Any]) -> dict[str, Any] | None:
    """A record's ``source`` as SourceSerializer writes it, from a values() row that has
    SOURCE_COLUMNS."""
    if row["source_id"] is None:
        return None
    return written_source(
        row["source__key"],
        row["source__title"],
        row["source__publisher"],
        row["source__published_on"],
        row["source__document"],
        row["source__url"],
    )


def source_of(source: Any) -> dict[str, Any] | None:
    """A Source (or None) as SourceSerializer writes it, from the record read already."""
    if source is None:
        return None
    return written_source(
        source.key,
        source.title,
        source.publisher,
        source.published_on,
        source.document,
        source.url,
    )


def written_source(
    key: str, title: str, publisher: str, published_on: Any, document: str, url: str
) -> dict[str, Any]:
    """A source's fields as SourceSerializer writes them."""
    return {
        "key": key,
        "title": title,
        "publisher": publisher,
        "published_on": or_none(write_date, published_on),
        "document": document,
        "url": url,
    }


class SourcedSerializer(serializers.ModelSerializer):
    """Adds the record's provenance: the publication and the place in it."""

    source = SourceSerializer(read_only=True)  # type: ignore[assignment]  # a declared field, which DRF takes out of the class


class BoroughRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Borough
        fields = ["slug", "name", "gss_code"]


class NamedRefSerializer(serializers.Serializer):
    """A record named by slug, for links between resources."""

    slug = serializers.SlugField(read_only=True)
    name = serializers.CharField(read_only=True)


class BoroughSerializer(SourcedSerializer):
    class Meta:
        model = Borough
        fields = [
            "slug",
            "name",
            "gss_code",
            "kind",
            "region",
            "police_force",
            "source",
            "source_section",
            "modified_at",
        ]


class PartnershipSerializer(SourcedSerializer):
    members = BoroughRefSerializer(many=True, read_only=True)

    class Meta:
        model = Partnership
        fields = [
            "slug",
            "name",
            "kind",
            "members",
            "description",
            "website",
            "source",
            "source_section",
            "modified_at",
        ]


class OrganisationSerializer(SourcedSerializer):
    class Meta:
        model = Organisation
        fields = [
            "slug",
            "name",
            "kind",
            "website",
            "description",
            "source",
            "source_section",
            "modified_at",
        ]


class StockTakeSerializer(SourcedSerializer):
    questions = serializers.SerializerMethodField()

    class Meta:
        model = StockTake
        fields = [
            "slug",
            "title",
            "publisher",
            "conducted_on",
            "published_on",
            "coverage_region",
            "is_current",
            "questions",
            "source",
            "source_section",
            "modified_at",
        ]

    def get_questions(self, stock_take) -> list[dict]:
        return [
            {
                "number": question.number,
                "slug": question.slug,
                "text": question.text,
                "options": [{"slug": o.slug, "label": o.label} for o in question.options.all()],
            }
            for question in stock_take.questions.all()
        ]


#: How the stock-take list writes a round from values(): its questions and source
#: worked out from the row.
_STOCK_TAKE_ROWS = ValuesWriter(StockTakeSerializer, computed=("questions", "source"))
#: What the stock-take list reads of each round: StockTakeSerializer's own fields, the
#: source's columns and the id (the list's order ends with it, and a cursor reads it).
STOCK_TAKE_COLUMNS = ("pk", *_STOCK_TAKE_ROWS.columns, *SOURCE_COLUMNS)


def stock_take_summaries(
    rows: list[dict[str, Any]], questions: dict[int, list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    """A page of rounds as StockTakeSerializer writes them, from values() rows of
    STOCK_TAKE_COLUMNS and each round's questions (selectors.stock_take_questions)."""
    return _STOCK_TAKE_ROWS.write(
        rows, questions=lambda row: questions.get(row["pk"], []), source=source_from_values
    )


class StockTakeAnswerWriteSerializer(serializers.Serializer):
    borough = serializers.SlugField(help_text="The borough's slug; you must be its lead.")
    question = serializers.SlugField(help_text="The question's slug in this round.")
    option = serializers.SlugField(help_text="The answer's slug among the question's options.")
    evidence = serializers.CharField(
        max_length=TEXT_MAX_LENGTH, help_text="What shows this answer."
    )


class StockTakeAnswerSerializer(serializers.Serializer):
    borough = serializers.SlugField(source="borough.slug")
    question = serializers.SlugField(source="question.slug")
    option = serializers.SlugField(source="option.slug")
    label = serializers.CharField(source="option.label")  # type: ignore[assignment]  # a declared field, which DRF takes out of the class
    evidence = serializers.CharField()
    answered_by = serializers.CharField(
        source="answered_by.username", allow_null=True, default=None
    )
    modified_at = serializers.DateTimeField()
