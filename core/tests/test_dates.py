import datetime as dt

import pytest
from django.template.defaultfilters import date as date_filter

from core.dates import stated_date, stated_period


@pytest.mark.parametrize(
    ("precision", "pattern"), [("day", "j F Y"), ("month", "F Y"), ("year", "Y")]
)
def test_a_date_reads_as_the_date_filter_writes_it_at_its_precision(precision, pattern):
    for day in (dt.date(2020, 3, 5), dt.date(2019, 12, 31), dt.date(2021, 1, 1)):
        assert stated_date(day, precision) == date_filter(day, pattern)


def test_a_date_not_recorded_says_so_rather_than_nothing():
    assert stated_date(None) == "Not stated"
    assert stated_date(None, empty="Unknown") == "Unknown"


def test_a_period_names_what_is_stated_of_its_start_and_end():
    start, end = dt.date(2019, 4, 1), dt.date(2020, 3, 31)
    assert stated_period(start, end, starts_precision="month") == "April 2019 to 31 March 2020"
    assert stated_period(start, None) == "From 1 April 2019"
    assert stated_period(None, end, ends_precision="year") == "Until 2020"
    assert stated_period(None, None) == "Not stated"
