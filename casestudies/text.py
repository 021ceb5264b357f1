"""Case-study sections are Markdown: rendered with markdown-it-py, then sanitised by nh3.

markdown-it's `js-default` preset already refuses raw HTML and unsafe link schemes;
nh3 then keeps only the tags and attributes a case study needs, so no script, event
handler or `javascript:` link can reach a page, whatever an author types.
"""

import nh3
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt

_markdown = MarkdownIt("js-default", {"linkify": False, "typographer": True}).enable("table")

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "a", "h3", "h4",
    "table", "thead", "tbody", "tr", "th", "td", "code",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
#: GOV.UK Design System classes, added after sanitising so authors cannot set their own.
GOVUK_CLASSES = {
    "<p>": '<p class="govuk-body">',
    "<ul>": '<ul class="govuk-list govuk-list--bullet">',
    "<ol>": '<ol class="govuk-list govuk-list--number">',
    "<h3>": '<h3 class="govuk-heading-s">',
    "<h4>": '<h4 class="govuk-heading-s">',
    "<a ": '<a class="govuk-link" ',
    "<table>": '<table class="govuk-table">',
    "<blockquote>": '<blockquote class="govuk-inset-text">',
}


def sanitise(html):
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )


def render_markdown(text):
    """Safe HTML for a Markdown section, styled for GOV.UK pages."""
    if not text:
        return mark_safe("")  # noqa: S308 - empty
    html = sanitise(_markdown.render(text))
    for plain, styled in GOVUK_CLASSES.items():
        html = html.replace(plain, styled)
    return mark_safe(html)  # noqa: S308 - sanitised by nh3 above
