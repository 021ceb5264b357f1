import pytest
from django.core.exceptions import ValidationError

from boroughs.models import Borough, PublishedTotal, StockTake

from .factories import BoroughFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("code", ["E9000033", "X09000033", "e09000033", "E090000333", "E09-00033"])
def test_a_malformed_gss_code_is_refused_with_the_reason(code):
    borough = BoroughFactory.build(gss_code=code)
    with pytest.raises(ValidationError) as error:
        borough.full_clean()
    assert "gss_code" in error.value.message_dict
    assert "like E09000033" in error.value.message_dict["gss_code"][0]


@pytest.mark.parametrize("code", ["E09000033", "W06000015", "E47000001"])
def test_well_formed_gss_codes_are_accepted(code):
    BoroughFactory.build(gss_code=code, slug="new-area").clean_fields()


def test_a_gss_code_belongs_to_one_borough():
    borough = BoroughFactory.build(gss_code="E09000033")  # Westminster's
    with pytest.raises(ValidationError) as error:
        borough.full_clean()
    assert "gss_code" in error.value.message_dict


def test_a_stock_take_cannot_be_published_before_it_was_conducted():
    stock_take = StockTake.objects.get(slug="london-councils-2018")
    stock_take.published_on = stock_take.conducted_on.replace(year=2017)
    with pytest.raises(ValidationError) as error:
        stock_take.full_clean()
    assert error.value.message_dict["published_on"] == [
        "The publication date must be the same as or after the date it was conducted."
    ]


def test_a_published_total_cannot_exceed_its_denominator():
    total = PublishedTotal.objects.filter(count=22).get()
    total.count = 34
    with pytest.raises(ValidationError) as error:
        total.full_clean()
    assert error.value.message_dict["count"] == ["The count cannot be more than the denominator."]


def test_boroughs_are_listed_alphabetically():
    london = list(Borough.objects.london().values_list("name", flat=True))
    assert london == sorted(london)
