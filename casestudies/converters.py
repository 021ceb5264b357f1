"""Path converters for the case-study pages."""

from .services import RESERVED_SLUGS


class CaseStudySlugConverter:
    """A case study's slug, never one of the words its own pages use (/case-studies/new/).

    Refusing those words here means /case-studies/new/ reaches the drafting form whatever
    order the patterns are listed in; the service never gives a case study such a slug.
    """

    regex = "[-a-zA-Z0-9_]+"

    def to_python(self, value: str) -> str:
        if value in RESERVED_SLUGS:
            raise ValueError(value)
        return value

    def to_url(self, value: str) -> str:
        return self.to_python(value)
