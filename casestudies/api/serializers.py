from rest_framework import serializers

from boroughs.api.serializers import BoroughRefSerializer, NamedRefSerializer, SourcedSerializer
from casestudies.models import CaseStudy, Intervention, Outcome


class OutcomeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Outcome
        fields = ["metric", "value", "unit", "direction", "baseline", "period", "quote"]


class AwardRefSerializer(serializers.Serializer):
    slug = serializers.SlugField(read_only=True)
    title = serializers.CharField(read_only=True)
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, allow_null=True
    )
    amount_is_minimum = serializers.BooleanField(read_only=True)


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField(source="contact_name", read_only=True)
    role = serializers.CharField(source="contact_role", read_only=True)
    organisation = serializers.CharField(source="contact_organisation", read_only=True)
    email = serializers.CharField(source="contact_email", read_only=True)
    phone = serializers.CharField(source="contact_phone", read_only=True)


class CaseStudySerializer(SourcedSerializer):
    boroughs = BoroughRefSerializer(many=True, read_only=True)
    partnership = NamedRefSerializer(read_only=True, allow_null=True)
    approaches = serializers.SlugRelatedField(many=True, slug_field="slug", read_only=True)
    settings = serializers.SlugRelatedField(many=True, slug_field="slug", read_only=True)
    interventions = NamedRefSerializer(many=True, read_only=True)
    awards = AwardRefSerializer(many=True, read_only=True)
    outcomes = OutcomeSerializer(many=True, read_only=True)
    contact = ContactSerializer(source="*", read_only=True)

    class Meta:
        model = CaseStudy
        fields = [
            "slug",
            "title",
            "summary",
            "status",
            "year",
            "boroughs",
            "partnership",
            "approaches",
            "min_age",
            "max_age",
            "settings",
            "challenge",
            "solution",
            "impact",
            "lessons_learned",
            "sustainability",
            "interventions",
            "awards",
            "outcomes",
            "contact",
            "published_at",
            "source",
            "source_section",
            "modified_at",
        ]


class InterventionSerializer(SourcedSerializer):
    settings = serializers.SlugRelatedField(many=True, slug_field="slug", read_only=True)
    providers = NamedRefSerializer(many=True, read_only=True)

    class Meta:
        model = Intervention
        fields = [
            "slug",
            "name",
            "description",
            "category",
            "prevention_level",
            "min_age",
            "max_age",
            "settings",
            "providers",
            "evidence_rating",
            "evidence_url",
            "source",
            "source_section",
            "modified_at",
        ]
