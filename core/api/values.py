"""Writing a list's JSON from values() rows exactly as the API's serializer fields write
each kind of value: a list that builds a serializer per row spends more on that than on
its queries, and a test per list holds the two together byte for byte."""

from collections.abc import Callable
from typing import Any

from rest_framework import serializers

#: A datetime as DateTimeField writes it (in the portal's time zone, ISO 8601).
write_moment: Callable[[Any], Any] = serializers.DateTimeField().to_representation
#: A date as DateField writes it (ISO 8601).
write_date: Callable[[Any], Any] = serializers.DateField().to_representation


def or_none(write: Callable[[Any], Any], value: Any) -> Any:
    """``write(value)``, or None for a value that is not there."""
    return None if value is None else write(value)
