"""The facets' checkboxes, rendered in Python: a search of a common word shows about 600
options, and the template's loop (four lookups and an escape per value, a counter
compared per option) took most of the page's rendering. The markup is exactly what
templates/casestudies/_facets.html rendered before (a test compares them)."""

from collections.abc import Iterable

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

register = template.Library()

_OPTION = (
    '\n      <div class="govuk-checkboxes__item">\n'
    '        <input class="govuk-checkboxes__input" id="{id}" name="{name}" type="checkbox"'
    ' value="{value}"{checked}>\n'
    '        <label class="govuk-label govuk-checkboxes__label" for="{id}">{label} ({count})'
    "</label>\n"
    "      </div>\n      "
)


def _facet(facet) -> str:
    name = conditional_escape(facet.name)
    errors = facet.errors
    parts = [
        '\n<div class="govuk-form-group',
        " govuk-form-group--error" if errors else "",
        '">\n  <fieldset class="govuk-fieldset"',
        "" if facet.options else f' id="{name}"',
        f' aria-describedby="{name}-error"' if errors else "",
        '>\n    <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">',
        conditional_escape(facet.legend),
        "</legend>\n    ",
    ]
    if errors:
        messages = "<br>".join(
            f'<span class="govuk-visually-hidden">Error:</span> {conditional_escape(error)}'
            for error in errors
        )
        parts.append(f'<p id="{name}-error" class="govuk-error-message">{messages}</p>')
    parts.append(
        '\n    <div class="govuk-checkboxes govuk-checkboxes--small portal-facet"'
        ' data-module="govuk-checkboxes">\n      '
    )
    for number, option in enumerate(facet.options, start=1):
        parts.append(
            _OPTION.format(
                id=name if number == 1 else f"{name}-{number}",
                name=name,
                value=conditional_escape(option.value),
                checked=" checked" if option.selected else "",
                label=conditional_escape(option.label),
                count=conditional_escape(option.count),
            )
        )
    parts.append("\n    </div>\n  </fieldset>\n</div>\n")
    return "".join(parts)


@register.simple_tag
def facet_checkboxes(facets: Iterable) -> SafeString:
    """{% facet_checkboxes facets %}: each facet with options or errors (casestudies.
    selectors.Facet) as a fieldset of checkboxes with counts; the first box of a facet has
    the facet's name as its id, for the error summary."""
    return mark_safe("".join(_facet(facet) for facet in facets if facet.options or facet.errors))  # noqa: S308 (every value escaped above)
