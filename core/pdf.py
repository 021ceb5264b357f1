"""HTML to PDF with WeasyPrint (Debian's Pango draws the text).

The HTML is the portal's own template, but the text in it is users' (Markdown sections
may hold images and links): the renderer fetches nothing, so a PDF cannot be made to read
a file or call an address on the server's behalf. Styles go inline in the template.
"""

from typing import NoReturn, cast

from weasyprint import HTML
from weasyprint.urls import URLFetcher


class NothingFetcher(URLFetcher):
    """Refuses every URL (an image or stylesheet is left out, and the PDF still made)."""

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> NoReturn:
        raise ValueError(f"PDFs fetch nothing: {url[:100]}")


def html_to_pdf(html: str, *, base_url: str = "") -> bytes:
    """The PDF of a page of HTML; relative links start at ``base_url``."""
    document = HTML(string=html, base_url=base_url or None, url_fetcher=NothingFetcher())
    return cast(bytes, document.write_pdf())
