"""Fragments built once per set of figures, and again when the templates change."""

from unittest import mock

import pytest
from django.core.cache import cache

from core import fragments


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_fragment_is_built_once_for_the_same_figures_and_again_for_new_templates():
    builds = []

    def build():
        builds.append(1)
        return f"<p>build {len(builds)}</p>"

    assert fragments.built_once(["figures", 1], build) == "<p>build 1</p>"
    assert fragments.built_once(["figures", 1], build) == "<p>build 1</p>"
    assert fragments.built_once(["figures", 2], build) == "<p>build 2</p>"
    # A release whose templates write other markup does not serve the old markup.
    with mock.patch.object(fragments, "templates_version", return_value="another"):
        assert fragments.built_once(["figures", 1], build) == "<p>build 3</p>"


def test_the_templates_version_follows_their_text(settings, tmp_path):
    (tmp_path / "page.html").write_text("<p>one</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    fragments.templates_version.cache_clear()
    try:
        first = fragments.templates_version()
        (tmp_path / "page.html").write_text("<p>two</p>")
        fragments.templates_version.cache_clear()
        assert fragments.templates_version() != first
    finally:
        fragments.templates_version.cache_clear()
