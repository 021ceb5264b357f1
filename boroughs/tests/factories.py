import datetime as dt

import factory
from factory.django import DjangoModelFactory

from boroughs.models import (
    Borough,
    Organisation,
    Partnership,
    StockTake,
    StockTakeOption,
    StockTakeQuestion,
)

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


class StockTakeFactory(DjangoModelFactory):
    """A round with one yes/no question."""

    class Meta:
        model = StockTake
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Testshire stock-take {n}")
    slug = factory.Sequence(lambda n: f"testshire-stock-take-{n}")
    publisher = "Testshire County Council"
    conducted_on = dt.date(2017, 5, 1)
    coverage_region = "south_east"

    @factory.post_generation
    def questions(self, create, extracted, **kwargs):
        if not create:
            return
        question = StockTakeQuestion.objects.create(
            stock_take=self, slug="knife-crime-plan", number=1, text="Is there a plan?"
        )
        StockTakeOption.objects.bulk_create(
            [
                StockTakeOption(question=question, slug="yes", label="Yes", order=1),
                StockTakeOption(question=question, slug="no", label="No", order=2),
            ]
        )
