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


#: Stands for the id while the address is reversed; no other part of an address holds it.
PK_MARK = 918273645


def address_per_pk(reverse_with: Callable[[int], str]) -> Callable[[int], str]:
    """As address_per_slug, for addresses that name a record by its id."""
    head, tail = reverse_with(PK_MARK).split(str(PK_MARK))
    return lambda pk: f"{head}{pk}{tail}"
