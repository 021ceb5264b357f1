import re

import pytest

from core.charts import Segment, contrast_ratio, stacked_bar, swatch
from svportal.pages import STATUS_COLOURS

pytestmark = pytest.mark.no_database


def rect_widths(svg):
    return [float(width) for width in re.findall(r'<rect x="[\d.]+" y="0" width="([\d.]+)"', svg)]


def test_a_stacked_bar_splits_its_width_in_proportion():
    svg = stacked_bar(
        [
            Segment("Not started", 5, "#505a5f"),
            Segment("On track", 22, "#1d70b8"),
            Segment("Complete", 13, "#0f7a52"),
        ],
        label="Items by status",
        width=600,
    )
    assert rect_widths(svg) == [75, 330, 195]
    assert 'role="img"' in svg
    assert 'aria-label="Items by status"' in svg
    assert "<title>Complete: 13</title>" in svg


def test_segments_without_a_value_are_left_out_and_the_bar_still_fills_its_width():
    svg = stacked_bar(
        [
            Segment("A", 1, "#1d70b8"),
            Segment("Nothing", 0, "#ca3535"),
            Segment("B", 2, "#0f7a52"),
        ],
        label="Thirds",
        width=100,
    )
    assert "Nothing" not in svg
    widths = rect_widths(svg)
    assert len(widths) == 2
    assert sum(widths) == pytest.approx(100, abs=0.02)
    # The second segment starts where the first ends.
    assert re.findall(r'<rect x="([\d.]+)"', svg) == ["0", "33.33"]


def test_an_empty_bar_says_so_in_words():
    svg = stacked_bar([Segment("A", 0, "#1d70b8")], label="Nothing yet", empty_text="No items")
    assert ">No items</text>" in svg
    assert 'fill="#1d70b8"' not in svg


def test_chart_text_is_escaped():
    svg = stacked_bar(
        [Segment('<script>alert("x")</script>', 1, "#1d70b8")], label='Plans & "items"'
    )
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    assert 'aria-label="Plans &amp; &quot;items&quot;"' in svg


def test_a_swatch_is_hidden_from_screen_readers():
    assert 'aria-hidden="true"' in swatch("#0f7a52")
    assert 'fill="#0f7a52"' in swatch("#0f7a52")


def test_contrast_ratio_matches_the_wcag_formula():
    assert contrast_ratio("#000000") == pytest.approx(21)
    assert contrast_ratio("#ffffff") == pytest.approx(1)
    assert contrast_ratio("#1d70b8") == pytest.approx(5.17, abs=0.01)


@pytest.mark.parametrize(("status", "colour"), STATUS_COLOURS.items())
def test_every_status_colour_stands_out_from_the_page(status, colour):
    """WCAG 1.4.11: parts of a chart need 3:1 against the white around them."""
    assert contrast_ratio(colour) >= 3, status
