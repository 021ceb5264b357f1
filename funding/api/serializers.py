from typing import Any

from boroughs.api.serializers import (
    SOURCE_COLUMNS,
    BoroughRefSerializer,
    NamedRefSerializer,
    SourcedSerializer,
    source_from_values,
)
from core.api.values import ValuesWriter
from funding.models import Award, Funder, FundingStream


class FunderSerializer(SourcedSerializer):
    class Meta:
        model = Funder
        fields = [
            "slug",
            "name",
            "kind",
            "website",
            "org_identifier",
            "source",
            "source_section",
            "modified_at",
        ]


class FundingStreamSerializer(SourcedSerializer):
    funder = NamedRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = FundingStream
        fields = [
            "slug",
            "name",
            "funder",
            "description",
            "total_amount",
            "total_is_minimum",
            "total_text",
            "starts_on",
            "starts_on_precision",
            "ends_on",
            "ends_on_precision",
            "website",
            "source",
            "source_section",
            "modified_at",
        ]


class AwardSerializer(SourcedSerializer):
    stream = NamedRefSerializer(read_only=True)
    funder = NamedRefSerializer(source="stream.funder", read_only=True, allow_null=True)
    recipient_boroughs = BoroughRefSerializer(many=True, read_only=True)
    recipient_partnership = NamedRefSerializer(read_only=True, allow_null=True)
    recipient_organisation = NamedRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Award
        fields = [
            "slug",
            "title",
            "stream",
            "funder",
            "recipient_boroughs",
            "recipient_partnership",
            "recipient_organisation",
            "amount",
            "amount_is_minimum",
            "amount_text",
            "awarded_on",
            "awarded_on_precision",
            "starts_on",
            "ends_on",
            "purpose",
            "source",
            "source_section",
            "modified_at",
        ]


# --- The awards list from values() ---------------------------------------------------------

#: How the awards list writes an award from values(): the fields that name another record
#: (its slug and name) and those worked out from the row.
_AWARD_ROWS = ValuesWriter(
    AwardSerializer,
    references={
        name: (path, ("slug", "name"))
        for name, path in {
            "stream": "stream",
            "funder": "stream__funder",
            "recipient_partnership": "recipient_partnership",
            "recipient_organisation": "recipient_organisation",
        }.items()
    },
    computed=("recipient_boroughs", "source"),
)
#: What the awards list reads of each award (its order's fields among them).
AWARD_COLUMNS = ("pk", *_AWARD_ROWS.columns, *SOURCE_COLUMNS)
#: What the awards list shows of each recipient borough.
AWARD_BOROUGH_COLUMNS = tuple(BoroughRefSerializer.Meta.fields)


def award_summaries(
    rows: list[dict[str, Any]], boroughs: dict[int, list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    """A page of awards as AwardSerializer writes them, from values() rows of
    AWARD_COLUMNS and their recipient boroughs (funding.selectors.recipient_boroughs_by_award),
    each value written by the serializer's own field."""
    return _AWARD_ROWS.write(
        rows,
        recipient_boroughs=lambda row: boroughs.get(row["pk"], []),
        source=source_from_values,
    )
