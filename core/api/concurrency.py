"""Optimistic concurrency over HTTP: a GET gives an ETag, a write must send it back.

PATCH or PUT without If-Match is refused with 428; with an ETag that is no longer
current, or a weak one (``W/"…"``, which by RFC 9110 never matches in If-Match), 412 —
and the stored record is left as it was.
"""

import re
from collections.abc import Callable, Sequence
from http import HTTPStatus
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

if TYPE_CHECKING:
    from rest_framework import viewsets
    from rest_framework.permissions import _PermissionClass

    class _RetrievingViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet[Any]):
        """What the mixins below are mixed into, as the type checker sees them; at run
        time they add to whichever viewset mixes them in."""

else:
    _RetrievingViewSet = object

#: A viewset class, which the schema's decorators give back as they took it.
_V = TypeVar("_V", bound=Callable[..., Any])

ETAG = re.compile(r'^"(?P<model>[a-z]+)-(?P<pk>\d+)-v(?P<version>\d+)"$')


class PreconditionRequired(APIException):
    status_code = HTTPStatus.PRECONDITION_REQUIRED
    default_code = "precondition_required"
    default_detail = (
        "Send the ETag you last read in an If-Match header, so that nobody's change is "
        "overwritten unseen."
    )


class PreconditionFailed(APIException):
    status_code = HTTPStatus.PRECONDITION_FAILED
    default_code = "precondition_failed"
    default_detail = (
        "Someone else has changed this since you read it. Check their change (in current), "
        "and send yours again with the new ETag."
    )

    def __init__(
        self, detail: str | None = None, *, current: Any = None, etag: str | None = None
    ) -> None:
        super().__init__(detail)
        self.extra = {"current": current, "etag": etag} if current is not None else {}


def etag_for(instance: Any) -> str:
    return f'"{instance._meta.model_name}-{instance.pk}-v{instance.version}"'


def expected_version(request: Request, instance: Model) -> int:
    """The version the client says it is changing, from If-Match."""
    header = request.headers.get("If-Match", "").strip()
    if not header or header == "*":
        raise PreconditionRequired()
    candidates = [part.strip() for part in header.split(",")]
    for candidate in candidates:
        match = ETAG.match(candidate)
        if (
            match
            and match["model"] == instance._meta.model_name
            and int(match["pk"]) == instance.pk
        ):
            return int(match["version"])
    if any(candidate.startswith("W/") for candidate in candidates):
        raise PreconditionFailed(
            "If-Match takes only strong ETags: send the ETag from your last GET of this "
            'record exactly as it came, without "W/".'
        )
    raise PreconditionFailed(
        "The If-Match header does not name a version of this record. Send the ETag from "
        "your last GET of it."
    )


class ETagMixin(_RetrievingViewSet):
    """Adds the ETag header to a single record's responses."""

    _object: Any

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        response = super().retrieve(request, *args, **kwargs)
        response["ETag"] = etag_for(self.get_object_cached())
        return response

    def get_object_cached(self) -> Any:
        if not hasattr(self, "_object"):
            self._object = self.get_object()
        return self._object


class VersionedWriteMixin(ETagMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin):
    """Create, and change with If-Match; reads stay public, writes need a signed-in user.

    A viewset says who may not change a record (``why_not_change``) and how a change is
    made (``perform_change``, calling its service with the version from If-Match). A
    service's ``StaleEdit`` becomes a 412 carrying the record as it stands now, in the one
    exception handler (``core.api.exceptions``), through ``precondition_failed``."""

    permission_classes: "Sequence[_PermissionClass]" = [permissions.IsAuthenticatedOrReadOnly]
    # A versioned record is created and changed, never deleted, through the API.
    http_method_names: Sequence[str] = ["get", "post", "put", "patch", "head", "options"]
    #: The serializer a create or change is read with; answers use ``serializer_class``.
    write_serializer_class: type[BaseSerializer[Any]] | None = None

    def get_serializer_class(self) -> type[BaseSerializer[Any]]:
        if self.action in ("create", "update", "partial_update") and self.write_serializer_class:
            return self.write_serializer_class
        return super().get_serializer_class()

    def read_back(self, pk: int) -> Any:
        """The record as the API shows it, after a write."""
        return self.get_queryset().get(pk=pk)

    def representation(self, instance: Any) -> Any:
        # The serializer answers are read with, whatever the action.
        serializer_class = self.serializer_class
        if serializer_class is None:
            raise ImproperlyConfigured(f"{type(self).__name__} has no serializer_class.")
        return serializer_class(instance, context=self.get_serializer_context()).data

    def written(self, instance: Any, status_code: int = status.HTTP_200_OK) -> Response:
        instance = self.read_back(instance.pk)
        return Response(
            self.representation(instance),
            status=status_code,
            headers={"ETag": etag_for(instance)},
        )

    def precondition_failed(self, stale: Any) -> PreconditionFailed:
        """The 412 for a ``StaleEdit``: the record as it stands now, and its ETag."""
        current = self.read_back(stale.current.pk)
        return PreconditionFailed(current=self.representation(current), etag=etag_for(current))

    def why_not_change(self, instance: Any) -> str | None:
        """Why the signed-in user may not change ``instance`` (a 403), or None."""
        return None

    def perform_change(self, instance: Any, version: int, serializer: BaseSerializer[Any]) -> Any:
        """Change ``instance`` from ``version`` with the valid ``serializer``; return it."""
        raise NotImplementedError

    def update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        instance = self.get_object()
        refusal = self.why_not_change(instance)
        if refusal:
            raise PermissionDenied(refusal)
        version = expected_version(request, instance)
        serializer = self.get_serializer(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        return self.written(self.perform_change(instance, version, serializer))


def if_match(noun: str = "record") -> OpenApiParameter:
    """The If-Match header a change needs, as the API's schema describes it."""
    return OpenApiParameter(
        "If-Match",
        str,
        location=OpenApiParameter.HEADER,
        required=True,
        description=(
            f"The ETag from your last GET of this {noun}, exactly as sent (weak W/ ETags get 412)."
        ),
    )


def versioned_writes(*, request: Any, response: Any, noun: str = "record") -> Callable[[_V], _V]:
    """Class decorator: a VersionedWriteMixin viewset's PUT and PATCH in the schema, with
    If-Match, the write serializer in and the record as the API shows it out."""
    change = extend_schema(parameters=[if_match(noun)], request=request, responses=response)
    return extend_schema_view(update=change, partial_update=change)
