"""Writing a list's JSON from values() rows exactly as the API's serializer fields write
each kind of value: a list that builds a serializer per row spends more on that than on
its queries, and a test per list holds the two together byte for byte."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from rest_framework import serializers

#: A datetime as DateTimeField writes it (in the portal's time zone, ISO 8601).
write_moment: Callable[[Any], Any] = serializers.DateTimeField().to_representation
#: A date as DateField writes it (ISO 8601).
write_date: Callable[[Any], Any] = serializers.DateField().to_representation


def or_none(write: Callable[[Any], Any], value: Any) -> Any:
    """``write(value)``, or None for a value that is not there."""
    return None if value is None else write(value)


#: A row's fields as values() names them.
Row = dict[str, Any]
#: A field that names another record: (its path in values(), the columns written of it).
Reference = tuple[str, Sequence[str]]


class ValuesWriter:
    """Writes values() rows as ``serializer_class`` writes its records, field by field in
    its order: each of ``references`` as {column: value} (null where the row names no
    record), each of ``computed`` by a function of the row given to write(), and every
    other field by the serializer's own field from the column of its name."""

    def __init__(
        self,
        serializer_class: type[serializers.Serializer[Any]],
        *,
        references: Mapping[str, Reference] | None = None,
        computed: Iterable[str] = (),
    ) -> None:
        self.serializer_class = serializer_class
        self.field_names: tuple[str, ...] = tuple(serializer_class.Meta.fields)  # type: ignore[attr-defined]  # every portal serializer names its fields
        self.references = dict(references or {})
        self.computed = frozenset(computed)
        #: The fields read from the column of their name.
        self.values = tuple(
            name
            for name in self.field_names
            if name not in self.references and name not in self.computed
        )
        #: What values() reads for the fields it writes: computed fields name their own.
        self.columns = (
            *self.values,
            *(
                f"{path}{column}"
                for path, columns in self.references.values()
                for column in ("_id", *(f"__{name}" for name in columns))
            ),
        )

    def write(self, rows: Iterable[Row], **computed: Callable[[Row], Any]) -> list[Row]:
        if set(computed) != self.computed:
            raise TypeError(f"write() computes exactly {sorted(self.computed)}")
        fields = self.serializer_class().fields
        writers: list[tuple[str, Callable[[Row], Any]]] = []
        for name in self.field_names:
            if name in self.references:
                writers.append((name, _reference(*self.references[name])))
            elif name in computed:
                writers.append((name, computed[name]))
            else:
                writers.append((name, _value(name, fields[name].to_representation)))
        return [{name: write(row) for name, write in writers} for row in rows]


def _reference(path: str, columns: Sequence[str]) -> Callable[[Row], Any]:
    names = [(column, f"{path}__{column}") for column in columns]
    key = f"{path}_id"
    return lambda row: None if row[key] is None else {column: row[name] for column, name in names}


def _value(name: str, write: Callable[[Any], Any]) -> Callable[[Row], Any]:
    return lambda row: or_none(write, row[name])
