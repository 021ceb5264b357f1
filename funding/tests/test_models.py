import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from funding.models import Award, FundingStream

pytestmark = pytest.mark.django_db


def test_an_amount_cannot_be_negative():
    award = Award.objects.filter(amount__isnull=False).first()
    award.amount = Decimal("-1")
    with pytest.raises(ValidationError) as error:
        award.full_clean()
    assert error.value.message_dict["amount"] == ["Enter an amount of £0 or more."]


def test_an_award_cannot_end_before_it_starts():
    award = Award.objects.first()
    award.starts_on, award.ends_on = dt.date(2020, 4, 1), dt.date(2020, 3, 31)
    with pytest.raises(ValidationError) as error:
        award.full_clean()
    assert error.value.message_dict["ends_on"] == [
        "The end date must be the same as or after the start date."
    ]


def test_a_stream_total_cannot_be_negative():
    stream = FundingStream.objects.first()
    stream.total_amount = Decimal("-5")
    with pytest.raises(ValidationError) as error:
        stream.full_clean()
    assert "total_amount" in error.value.message_dict


@pytest.mark.parametrize(
    ("amount", "is_minimum", "shown"),
    [
        (Decimal("700000"), True, "over £700,000"),
        (Decimal("1160000"), False, "£1,160,000"),
        (None, False, "Amount not stated"),
    ],
)
def test_amounts_are_shown_as_stated(amount, is_minimum, shown):
    assert Award(amount=amount, amount_is_minimum=is_minimum).amount_display == shown


def test_streams_active_on_a_day():
    stream = FundingStream.objects.get(slug="serious-violence-fund")
    assert stream in FundingStream.objects.active_on(dt.date(2019, 10, 1))
    assert stream not in FundingStream.objects.active_on(dt.date(2021, 10, 1))
