"""Addresses of many records of one kind, for a list or a map of hundreds of them."""

from collections.abc import Callable

#: Stands for the slug while the address is reversed; a slug never holds it.
SLUG_MARK = "slug-of-the-record"


def address_per_slug(reverse_with: Callable[[str], str]) -> Callable[[str], str]:
    """A function giving the address of the record with a slug, from ``reverse_with``
    (the slug -> its reversed address). Addresses of one kind differ only in the slug,
    which needs no quoting, so the URL is reversed once, not once a record."""
    head, tail = reverse_with(SLUG_MARK).split(SLUG_MARK)
    return lambda slug: f"{head}{slug}{tail}"
