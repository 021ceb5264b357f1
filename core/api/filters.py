"""Filtering conventions shared by every endpoint.

- Every list takes `modified_after` (ISO 8601) for incremental sync.
- `q` searches; `ordering` orders; both refuse what they do not know.
- A parameter the endpoint does not know is a 400 naming it, so a typo never
  passes for an empty or unfiltered result.
"""

import copy
import operator
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import reduce
from typing import TYPE_CHECKING, Any, TypeVar

import django_filters
from django import forms
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import QueryDict
from django_filters.filters import FilterMethod
from django_filters.utils import translate_validation
from rest_framework.exceptions import ValidationError
from rest_framework.fields import CharField
from rest_framework.filters import OrderingFilter, SearchFilter, search_smart_split
from rest_framework.request import Request

from ..search import SearchIndex, search_query

if (
    TYPE_CHECKING
):  # rest_framework.views reads the settings, which name modules that import this one
    from rest_framework.views import APIView

_Q = TypeVar("_Q", bound=QuerySet[Any])

#: Parameters every list understands besides its filters.
COMMON_PARAMETERS = {"page", "page_size", "cursor", "ordering", "q", "format"}


def _own_copy(filter_: django_filters.Filter) -> django_filters.Filter:
    """A filter of the class's for one filter set alone. django-filter deep-copies every
    filter for every request, with every choice list, queryset and model field it names,
    and then the form deep-copies every form field built from them: together about a
    quarter of the CPU of a case-study list in the API. A request only sets a filter's
    attributes (its parent, its model), never changes the objects they hold, so a shallow
    copy serves; ``extra``, the form field's arguments, which a request may fill in (a
    queryset for its user), is a dict of the copy's own, the form field is built afresh
    from it, and a filter by ``method=`` calls it through the copy."""
    own = copy.copy(filter_)
    own.extra = dict(filter_.extra)
    own.__dict__.pop("_field", None)
    if isinstance(own.__dict__.get("filter"), FilterMethod):
        # A filter by `method=` calls it through a FilterMethod bound to the filter, and
        # so to the class's filter: setting the method again binds a new one to the copy.
        own.__dict__.pop("filter")
        own.method = filter_.method
    return own


class _FieldsOfOneForm(dict[str, forms.Field]):
    """A filter set's form fields, which the form takes as they are rather than
    deep-copying them (Form.__init__ copies its class's fields for each form made): those
    built by this filter set's own copies of its filters belong to its one form already.
    Any other (a field declared on a Meta.form class) is copied as before."""

    def __init__(self, fields: Mapping[str, forms.Field], *, own: Collection[str]) -> None:
        super().__init__(fields)
        self.own = own

    def __deepcopy__(self, memo: dict[int, Any]) -> dict[str, forms.Field]:
        return {
            name: field if name in self.own else copy.deepcopy(field, memo)
            for name, field in self.items()
        }


class PortalFilterSet(django_filters.FilterSet):
    """A list's filters. ``user`` is who asks (by default the request's user): filters
    that name records know only of those this user may see."""

    def __init__(
        self,
        data: Mapping[str, Any] | None = None,
        queryset: QuerySet[Any] | None = None,
        *,
        request: Request | None = None,
        prefix: str | None = None,
        # The user model lives above every app (docs/decisions/0023).
        user: Any = None,
        checked: bool = False,
    ) -> None:
        # django-filter's own __init__, but for the copies of the filters (_own_copy).
        if queryset is None:
            queryset = self._meta.model._default_manager.all()
        self.is_bound = data is not None
        self.data = data or QueryDict()
        self.queryset = queryset
        self.request = request
        self.form_prefix = prefix
        self.filters = {name: _own_copy(filter_) for name, filter_ in self.base_filters.items()}
        for filter_ in self.filters.values():
            filter_.model = queryset.model
            filter_.parent = self
        self.user = user if user is not None else getattr(request, "user", None)
        #: Whether the values that name records were looked up already (a page's form,
        #: which shows their names): filters that would look them up again do not.
        self.checked = checked
        for name, filter_ in self.filters.items():
            if isinstance(filter_, ExistingSlugFilter):
                filter_._parameter_name = name

    def get_form_class(self) -> type[forms.Form]:
        form_class: type[forms.Form] = super().get_form_class()
        own = {
            name
            for name, field in form_class.base_fields.items()
            if name in self.filters and self.filters[name].__dict__.get("_field") is field
        }
        form_class.base_fields = _FieldsOfOneForm(form_class.base_fields, own=own)
        return form_class

    modified_after = django_filters.IsoDateTimeFilter(
        field_name="modified_at",
        lookup_expr="gt",
        label="Only records changed after this moment (ISO 8601), for incremental sync.",
    )


def age_includes(age: int, *, include_unstated: bool = True) -> Q:
    """Target age range includes `age`, open ends fitting; with `include_unstated`, also
    records that state no ages at all (they may well include it). The one age rule of
    the lists, their pages and their facets (AgeFilter)."""
    stated = (Q(min_age__isnull=True) | Q(min_age__lte=age)) & (
        Q(max_age__isnull=True) | Q(max_age__gte=age)
    )
    unstated = Q(min_age__isnull=True, max_age__isnull=True)
    return stated if include_unstated else stated & ~unstated


def includes_unstated_ages(raw: object) -> bool:
    """``include_unstated_ages`` as a request gives it: records that state no ages are
    listed unless it is "false" (absent, blank or "true" lists them)."""
    return raw != "false"


class AgeFilter(django_filters.NumberFilter):
    """Records whose target age range includes this age (open ends count as fitting), and
    those that state no ages at all — unless the request has `include_unstated_ages=false`
    (an UnstatedAgesFilter of the same filter set)."""

    field_class = forms.IntegerField

    def filter(self, queryset: _Q, value: int | None) -> _Q:
        if value is None:
            return queryset
        include_unstated = includes_unstated_ages(
            self.parent.form.cleaned_data.get(UnstatedAgesFilter.param)
        )
        return queryset.filter(age_includes(value, include_unstated=include_unstated))


class UnstatedAgesFilter(django_filters.ChoiceFilter):
    """`include_unstated_ages`: whether `age` also lists records that state no ages
    (`true`, the default, or `false`); read by AgeFilter, filters nothing itself."""

    param = "include_unstated_ages"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("choices", [("true", "true"), ("false", "false")])
        super().__init__(*args, **kwargs)

    def filter(self, queryset: _Q, value: str | None) -> _Q:
        return queryset


class SlugInFilter(django_filters.BaseInFilter, django_filters.CharFilter):
    pass


def apply_filters(
    filterset_class: type[django_filters.FilterSet],
    filters: Mapping[str, Any],
    queryset: _Q,
    *,
    user: Any,
    checked: bool = False,
) -> _Q:
    """``queryset`` with a list's filters (a QueryDict or a dict of text) applied, as the
    API applies them: invalid values are a ValidationError naming each filter. With
    ``checked``, the values that name records are known to (PortalFilterSet.checked)."""
    if not any(name in filters for name in filterset_class.base_filters):
        # No filter asked for: none would narrow, so no filter set is built (each of its
        # filters copied, its form made and checked), a millisecond or two of a list.
        return queryset
    filterset = filterset_class(filters, queryset=queryset, user=user, checked=checked)
    if not filterset.is_valid():
        raise translate_validation(filterset.errors)
    filtered: _Q = filterset.qs
    return filtered


def ordering_from(text: str | None, *, valid: Collection[str], default: Iterable[str]) -> list[str]:
    """The order_by() terms asked for with ``ordering=`` (comma-separated, "-" to reverse),
    or ``default``, then the id (rows that tie keep one order); a field not in ``valid``
    is a ValidationError naming them."""
    fields = [param.strip() for param in (text or "").split(",") if param.strip()]
    unknown = [field for field in fields if field.lstrip("-") not in valid]
    if unknown:
        raise ValidationError(
            {
                StrictOrderingFilter.ordering_param: [
                    f"Cannot order by {', '.join(unknown)}. "
                    f"Choose from: {', '.join(sorted(valid))} (prefix - to reverse)."
                ]
            }
        )
    ordering = fields or list(default)
    if ordering and not any(str(field).lstrip("-") in ("pk", "id") for field in ordering):
        # Rows that tie keep one order, so that pages join up without repeats or gaps.
        ordering.append("pk")
    return ordering


def ordered(
    queryset: _Q, text: str | None, *, valid: Collection[str], default: Iterable[str]
) -> _Q:
    """``queryset`` in the order asked for with ``ordering=`` (see ordering_from)."""
    ordering = ordering_from(text, valid=valid, default=default)
    return queryset.order_by(*ordering) if ordering else queryset


class StrictOrderingFilter(OrderingFilter):
    """Like DRF's, but an unknown ordering field is a 400 rather than silently ignored,
    and rows that tie are ordered by id."""

    def get_ordering(self, request: Request, queryset: QuerySet[Any], view: "APIView") -> list[str]:
        valid = {name for name, _ in self.get_valid_fields(queryset, view, {"request": request})}
        default = self.get_default_ordering(view) or ()
        return ordering_from(
            request.query_params.get(self.ordering_param), valid=valid, default=default
        )


@dataclass(frozen=True)
class Listing:
    """How a resource's list is filtered, searched and ordered: what its listing selector
    applies (apply()), and what its viewset's filter backends describe in the schema."""

    filterset_class: type[django_filters.FilterSet]
    #: What `ordering` may name.
    ordering_fields: Sequence[str]
    #: The order without one.
    ordering: Sequence[str]
    #: What `q` looks in (every word in one of them).
    search_fields: Sequence[str] = ()
    #: Where `q` is full-text search of a search index (core.search) rather than words in
    #: search_fields: each result has its `search_rank`, and with q and no `ordering` the
    #: most relevant come first.
    searchable: SearchIndex | None = None
    #: Fields of the order with few values (an item's plan): a deep page of a list
    #: ordered first by one is sought through its rows per value (decision 0047).
    seek_by: Sequence[str] = ()

    def apply(
        self,
        queryset: _Q,
        filters: Mapping[str, Any],
        *,
        user: Any,
        checked: bool = False,
        order: Sequence[Any] | None = None,
    ) -> _Q:
        """``queryset`` with the list's filters, `q` and `ordering` from ``filters``
        applied. A value that is wrong is a ValidationError naming it. A page gives its
        own ``order`` (terms of order_by(), its sort) in place of `ordering`; with `q` and
        neither, the most relevant come first. ``checked``: the values that name records
        are known to (PortalFilterSet.checked)."""
        queryset = apply_filters(
            self.filterset_class, filters, queryset, user=user, checked=checked
        )
        if self.searchable is None:
            queryset = searched(queryset, filters.get("q"), self.search_fields)
        else:
            query = search_query(filters.get("q", ""))
            if query:
                queryset = self.searchable.ranked(self.searchable.matching(queryset, query), query)
                if not query.matches_nothing and not filters.get("ordering") and order is None:
                    by_default = ordering_from(None, valid=(), default=self.ordering)
                    return queryset.order_by("-search_rank", *by_default)
        if order is not None:
            return queryset.order_by(*order)
        return ordered(
            queryset, filters.get("ordering"), valid=self.ordering_fields, default=self.ordering
        )


def search_terms(text: str | None) -> list[str]:
    """The words of ``q``: split on spaces and commas, "quoted phrases" kept whole."""
    text = CharField(trim_whitespace=False, allow_blank=True).run_validation(text or "")
    terms: list[str] = search_smart_split(text)  # type: ignore[arg-type]  # the stubs say list; DRF splits text
    return terms


def searched(queryset: _Q, text: str | None, fields: Sequence[str]) -> _Q:
    """``queryset`` narrowed to records where every word of ``q`` is in one of ``fields``
    (icontains): the API lists' search, as DRF's SearchFilter does it."""
    return PortalSearchFilter().search(queryset, search_terms(text), fields)


class PortalSearchFilter(SearchFilter):
    search_param = "q"
    search_title = "Search"
    search_description = "Words to search for; every word must match."
    #: What `q` is where the list's Listing searches an index (core.search).
    full_text_description = (
        "Words to search for, in web-search syntax: every word must match, in any form "
        "('therapy' finds 'therapies'; case, hyphens and British or American spelling do "
        "not matter) or through the portal's synonyms ('A&E' also finds 'emergency "
        'department\'); put a phrase in "quotes"; -word leaves out what mentions it; `or` '
        "between two words takes either. With q and no ordering, the most relevant come "
        "first."
    )

    def get_schema_operation_parameters(self, view: "APIView") -> list[dict[str, Any]]:
        parameters: list[dict[str, Any]] = super().get_schema_operation_parameters(view)
        if getattr(getattr(view, "listing", None), "searchable", None) is not None:
            for parameter in parameters:
                parameter["description"] = self.full_text_description
        return parameters

    def filter_queryset(self, request: Request, queryset: _Q, view: "APIView") -> _Q:
        return self.search(
            queryset, self.get_search_terms(request), self.get_search_fields(view, request) or ()
        )

    def search(self, queryset: _Q, terms: Sequence[str], fields: Sequence[str]) -> _Q:
        if not fields or not terms:
            return queryset
        lookups = [self.construct_search(str(field), queryset) for field in fields]
        conditions = (
            reduce(operator.or_, (Q(**{lookup: term}) for lookup in lookups)) for term in terms
        )
        matched = queryset.filter(reduce(operator.and_, conditions))
        if self.must_call_distinct(matched, fields):
            # One row per record, as django.contrib.admin does it, on every database.
            return queryset.filter(Exists(matched.filter(pk=OuterRef("pk"))))
        return matched


def check_known_parameters(request: Request, view: "APIView") -> None:
    """Refuse parameters this endpoint does not understand, and an empty value where a
    date, a number or one of a list of choices is wanted."""
    if not hasattr(view, (request.method or "").lower()):
        return  # a method the endpoint does not take: 405 follows
    common = getattr(view, "common_parameters", COMMON_PARAMETERS)
    known = set(common) | set(getattr(view, "extra_parameters", ()))
    filterset_class = getattr(view, "filterset_class", None)
    if filterset_class is not None:
        known |= set(filterset_class.base_filters)
    unknown = sorted(set(request.query_params) - known)
    formats = {renderer.format for renderer in getattr(view, "renderer_classes", ())}
    chosen = request.query_params.get("format")
    if chosen is not None and "format" in known and chosen not in formats:
        raise ValidationError({"format": [f"Choose from: {', '.join(sorted(formats))}."]})
    typed = DATE_PARAMETERS | set(getattr(view, "typed_parameters", ()))
    empty = sorted(
        name
        for name, value in request.query_params.items()
        if value == "" and (name in typed or _is_typed_filter(filterset_class, name))
    )
    if empty:
        message = "Give a value, or leave the parameter out."
        raise ValidationError({name: [message] for name in empty})
    if unknown:
        raise ValidationError(
            {
                name: [f"Unknown parameter. This endpoint understands: {', '.join(sorted(known))}."]
                for name in unknown
            }
        )


#: Parameters outside the filtersets that take a date.
DATE_PARAMETERS = {"as_at"}


#: Filters whose value has a type or a list of choices: empty is none of them.
TYPED_FILTERS = (
    django_filters.DateFilter,
    django_filters.DateTimeFilter,
    django_filters.NumberFilter,
    django_filters.ChoiceFilter,
)


def _is_typed_filter(filterset_class: type[django_filters.FilterSet] | None, name: str) -> bool:
    filter_ = filterset_class.base_filters.get(name) if filterset_class is not None else None
    # A filter of its own kind says whether its values have a type (its `typed`).
    return isinstance(filter_, TYPED_FILTERS) or getattr(filter_, "typed", False)


def refuse_unknown(
    parameter: str, values: Sequence[str], known: QuerySet[Any], *, to_field: str = "slug"
) -> None:
    """A 400 naming ``parameter`` and each of ``values`` that names none of the ``known``
    records (by ``to_field``): one query for them all."""
    found = set(known.filter(**{f"{to_field}__in": values}).values_list(to_field, flat=True))
    name = known.model._meta.verbose_name
    unknown = [f"There is no {name} “{value}”." for value in values if value not in found]
    if unknown:
        raise ValidationError({parameter: unknown})


class ExistingSlugFilter(django_filters.CharFilter):
    """Filter by a value that must name a record (by default its slug): a value that names
    nothing is a 400, never a silently empty result.

    ``model`` is the model whose ``to_field`` values are valid; ``field_name`` is the
    lookup path from the filtered model to that value. ``visible_to``, when given, is
    ``f(user) -> queryset`` of the records the requesting user may know of (the filterset's
    user, None without one): any other value names nothing, as if it did not exist.
    """

    def __init__(
        self,
        *args: Any,
        model: type[Model],
        to_field: str = "slug",
        visible_to: Callable[[Any], QuerySet[Any]] | None = None,
        **kwargs: Any,
    ) -> None:
        self.related_model = model
        self.to_field = to_field
        self.visible_to = visible_to
        kwargs.setdefault("distinct", True)
        super().__init__(*args, **kwargs)

    def known_records(self) -> QuerySet[Any]:
        if self.visible_to is None:
            return self.related_model._default_manager.all()
        return self.visible_to(getattr(self.parent, "user", None))

    def filter(self, queryset: _Q, value: str | None) -> _Q:
        if value in (None, ""):
            return queryset
        refuse_unknown(
            self.field_name_for_errors,
            [value],
            self.known_records(),
            to_field=self.to_field,
        )
        filtered: _Q = super().filter(queryset, value)
        return filtered

    @property
    def field_name_for_errors(self) -> str:
        return self._parameter_name or self.field_name

    _parameter_name: str | None = None


class StrictBooleanFilter(django_filters.ChoiceFilter):
    """`true` or `false`; anything else is a 400 rather than quietly ignored."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["choices"] = [("true", "true"), ("false", "false")]
        super().__init__(*args, **kwargs)

    def filter(self, queryset: _Q, value: str | None) -> _Q:
        if value in (None, ""):
            return queryset
        return self.filter_boolean(queryset, value == "true")

    def filter_boolean(self, queryset: _Q, value: bool) -> _Q:
        return queryset.filter(**{self.field_name: value})
