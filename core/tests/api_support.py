"""What the API tests of every app need to read responses: results, errors and CSV."""

import csv
import io
from http import HTTPStatus

# The columns every sourced record's CSV ends with: its source, then when it last changed.
SOURCED_RECORD_COLUMNS = (
    "source.key",
    "source.title",
    "source.publisher",
    "source.published_on",
    "source.document",
    "source.url",
    "source_section",
    "modified_at",
)


def slugs(response):
    """The slugs of a JSON list page, in the order the API gave them."""
    assert response.status_code == HTTPStatus.OK, response.content
    return [record["slug"] for record in response.json()["results"]]


def assert_invalid(response, parameter):
    """A 400 in the portal's error shape naming only `parameter`; returns its messages."""
    assert response.status_code == HTTPStatus.BAD_REQUEST, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body == {
        "status": HTTPStatus.BAD_REQUEST,
        "code": "invalid",
        "detail": "The request has errors: see errors.",
        "errors": {parameter: body["errors"][parameter]},
    }
    messages = body["errors"][parameter]
    assert messages
    assert all(isinstance(message, str) and message for message in messages)
    return messages


def assert_not_found(response):
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"status", "code", "detail"}
    assert body["status"] == HTTPStatus.NOT_FOUND
    assert body["code"] == "not_found"
    assert isinstance(body["detail"], str)
    assert body["detail"]


def csv_rows(response):
    """Rows of a streamed CSV list, as dicts."""
    return read_csv(response)[1]


def read_csv(response):
    """(header, rows as dicts) of a streamed CSV list."""
    assert response.status_code == HTTPStatus.OK
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.streaming
    body = b"".join(response.streaming_content).decode("utf-8")
    reader = csv.DictReader(io.StringIO(body))
    rows = list(reader)
    return reader.fieldnames, rows


def consume(response):
    """Read a whole response, streamed or not, so every query it makes is made."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def list_length(response):
    """How many records a whole list holds: every row of a CSV, or a JSON list that fits
    on its page."""
    if response.streaming:
        return len(read_csv(response)[1])
    assert response.status_code == HTTPStatus.OK, response.content
    body = response.json()
    assert len(body["results"]) == body["count"]
    return body["count"]


def assert_queries_do_not_grow(django_assert_num_queries, queries, *, make, fetch):
    """``fetch()`` (a request for a whole list) makes ``queries`` queries after ``make(3)``
    and again after ``make(30)``, and lists the thirty more records: what a list reads does
    not grow with the records it lists. Returns how many it listed the first time."""
    make(3)
    with django_assert_num_queries(queries):
        before = list_length(fetch())
    make(30)
    with django_assert_num_queries(queries):
        after = list_length(fetch())
    assert after == before + 30
    return before
