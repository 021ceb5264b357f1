import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from boroughs.models import Borough
from funding.models import Award, Funder, FundingStream

factory.Faker._DEFAULT_LOCALE = "en_GB"


class FunderFactory(DjangoModelFactory):
    class Meta:
        model = Funder
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Testshire Community Foundation {n}")
    slug = factory.Sequence(lambda n: f"testshire-community-foundation-{n}")
    kind = Funder.Kind.CHARITY_TRUST


class FundingStreamFactory(DjangoModelFactory):
    class Meta:
        model = FundingStream
        django_get_or_create = ("slug",)

    funder = factory.SubFactory(FunderFactory)
    name = factory.Sequence(lambda n: f"Testshire Youth Fund {n}")
    slug = factory.Sequence(lambda n: f"testshire-youth-fund-{n}")
    description = factory.Faker("sentence")
    total_amount = Decimal("250000.00")
    total_text = "£250,000"


class AwardFactory(DjangoModelFactory):
    """An award from a new stream; pass recipient_boroughs=[…] to name the boroughs it funds."""

    class Meta:
        model = Award
        skip_postgeneration_save = True

    stream = factory.SubFactory(FundingStreamFactory)
    title = factory.Sequence(lambda n: f"Testshire Youth Fund award {n}")
    slug = factory.Sequence(lambda n: f"testshire-youth-fund-award-{n}")
    amount = Decimal("25000.00")
    amount_text = "£25,000"
    awarded_on = dt.date(2019, 6, 1)
    purpose = factory.Faker("sentence")

    @factory.post_generation
    def recipient_boroughs(self, create, extracted, **kwargs):
        if create and extracted:
            self.recipient_boroughs.set(extracted)


def make_awards(count):
    """``count`` awards of one new stream, each to the same two London boroughs."""
    stream = FundingStreamFactory()
    boroughs = list(Borough.objects.filter(region="london")[:2])
    AwardFactory.create_batch(count, stream=stream, recipient_boroughs=boroughs)
