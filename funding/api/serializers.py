from boroughs.api.serializers import BoroughRefSerializer, NamedRefSerializer, SourcedSerializer
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
