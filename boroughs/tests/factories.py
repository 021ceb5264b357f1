import factory
from factory.django import DjangoModelFactory

from boroughs.models import Borough, Organisation, Partnership

factory.Faker._DEFAULT_LOCALE = "en_GB"


class BoroughFactory(DjangoModelFactory):
    class Meta:
        model = Borough
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Testshire District {n}")
    slug = factory.Sequence(lambda n: f"testshire-district-{n}")
    # E07 district codes from E07990000 upwards are unused by real authorities.
    gss_code = factory.Sequence(lambda n: f"E07{990000 + n:06d}")
    kind = Borough.Kind.DISTRICT
    region = "south_east"
    police_force = "Testshire Police"


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Faker("company")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = Organisation.Kind.CHARITY


class PartnershipFactory(DjangoModelFactory):
    class Meta:
        model = Partnership

    name = factory.Sequence(lambda n: f"Testshire Partnership {n}")
    slug = factory.Sequence(lambda n: f"testshire-partnership-{n}")
    kind = Partnership.Kind.CSP
