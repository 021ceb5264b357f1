from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from casestudies.models import CaseStudy, Intervention, Outcome

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [CaseStudy, Intervention])
def test_an_age_range_cannot_run_backwards(model):
    record = model.objects.first()
    record.min_age, record.max_age = 18, 10
    with pytest.raises(ValidationError) as error:
        record.full_clean()
    assert error.value.message_dict["max_age"] == [
        "The oldest age must be the same as or older than the youngest age."
    ]


def test_an_age_must_be_plausible():
    record = Intervention.objects.first()
    record.min_age = 120
    with pytest.raises(ValidationError) as error:
        record.full_clean()
    assert "min_age" in error.value.message_dict


@pytest.mark.parametrize(
    ("value", "unit", "shown"),
    [
        (Decimal("41"), "percent", "41%"),
        (Decimal("5.48"), "ratio", "5.48"),
        (Decimal("300"), "count", "300"),
        (Decimal("1300000"), "gbp", "£1,300,000"),
    ],
)
def test_outcome_values_read_naturally(value, unit, shown):
    assert Outcome(value=value, unit=unit).value_display == shown
