from typing import Any

from boroughs.api.serializers import (
    SOURCE_COLUMNS,
    BoroughRefSerializer,
    NamedRefSerializer,
    SourcedSerializer,
    source_from_values,
)
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

#: Award fields that name another record, with the record's columns as values() names them.
_AWARD_REFS = {
    "stream": "stream",
    "funder": "stream__funder",
    "recipient_partnership": "recipient_partnership",
    "recipient_organisation": "recipient_organisation",
}
_AWARD_VALUES = [
    name
    for name in AwardSerializer.Meta.fields
    if name not in (*_AWARD_REFS, "recipient_boroughs", "source")
]
#: What the awards list reads of each award (its order's fields among them).
AWARD_COLUMNS = (
    "pk",
    *_AWARD_VALUES,
    *(f"{path}{column}" for path in _AWARD_REFS.values() for column in ("_id", "__slug", "__name")),
    *SOURCE_COLUMNS,
)
#: What the awards list shows of each recipient borough.
AWARD_BOROUGH_COLUMNS = tuple(BoroughRefSerializer.Meta.fields)


def award_summaries(
    rows: list[dict[str, Any]], boroughs: dict[int, list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    """A page of awards as AwardSerializer writes them, from values() rows of
    AWARD_COLUMNS and their recipient boroughs (funding.selectors.recipient_boroughs_by_award),
    each value written by the serializer's own field."""
    fields = AwardSerializer().fields
    writers = {name: fields[name].to_representation for name in _AWARD_VALUES}
    summaries = []
    for row in rows:
        award: dict[str, Any] = {}
        for name in AwardSerializer.Meta.fields:
            if name in _AWARD_REFS:
                path = _AWARD_REFS[name]
                award[name] = (
                    None
                    if row[f"{path}_id"] is None
                    else {"slug": row[f"{path}__slug"], "name": row[f"{path}__name"]}
                )
            elif name == "recipient_boroughs":
                award[name] = boroughs.get(row["pk"], [])
            elif name == "source":
                award[name] = source_from_values(row)
            else:
                value = row[name]
                award[name] = None if value is None else writers[name](value)
        summaries.append(award)
    return summaries
