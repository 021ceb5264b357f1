"""Exports write files: each test gets its own MEDIA_ROOT, so none is left in the project."""

import pytest
from django.contrib.auth import get_user_model

from boroughs.models import Borough
from boroughs.roles import role_grant


@pytest.fixture(autouse=True)
def export_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT / "exports"


@pytest.fixture
def make_user(db):
    """make_user("name", role="analyst"); make_user("name", role="lead", borough="lambeth")."""

    def make(username, role=None, borough=None, email=None):
        user = get_user_model().objects.create_user(
            username, email=email if email is not None else f"{username}@example.gov.uk"
        )
        if role:
            role_grant(
                user=user,
                role=role,
                borough=Borough.objects.get(slug=borough) if borough else None,
            )
        return user

    return make


@pytest.fixture
def signed_in(client, make_user):
    """A client signed in as a new user with the given role."""

    def sign_in(username, role=None, borough=None):
        user = make_user(username, role=role, borough=borough)
        client.force_login(user)
        return client, user

    return sign_in


@pytest.fixture
def start_export(django_capture_on_commit_callbacks):
    """POST /api/v1/exports/ and run what is queued on commit, as a request outside a test's
    transaction would (with no broker, the task runs there and then)."""

    def start(client, kind, format="csv", filters=None, **extra):
        body = {"kind": kind, "format": format}
        if filters is not None:
            body["filters"] = filters
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/api/v1/exports/", body, content_type="application/json", **extra)

    return start


def download(client, job_id):
    response = client.get(f"/api/v1/exports/{job_id}/download/")
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response, content


@pytest.fixture
def broker_down():
    """A broker is configured (tasks are not run eagerly) but nothing answers at its address:
    a port that was free a moment ago."""
    import socket

    from svportal.celery import app

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    conf = app.conf
    saved = conf.task_always_eager, conf.broker_url
    conf.task_always_eager, conf.broker_url = False, f"redis://127.0.0.1:{port}/0"
    yield
    conf.task_always_eager, conf.broker_url = saved
