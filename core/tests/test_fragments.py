"""Fragments built once per set of figures, and again when the release changes."""

import pytest
from django.core.cache import cache

from core import fragments, release


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_fragment_is_built_once_for_the_same_figures_and_again_for_a_new_release(new_release):
    builds = []

    def build():
        builds.append(1)
        return f"<p>build {len(builds)}</p>"

    assert fragments.built_once(["figures", 1], build) == "<p>build 1</p>"
    assert fragments.built_once(["figures", 1], build) == "<p>build 1</p>"
    assert fragments.built_once(["figures", 2], build) == "<p>build 2</p>"
    # A release whose code or templates write other markup does not serve the old markup.
    new_release("another")
    assert fragments.built_once(["figures", 1], build) == "<p>build 3</p>"
    assert fragments.built_once(["figures", 1], build) == "<p>build 3</p>"


def test_the_code_digest_follows_the_text_of_templates_code_and_committed_data(settings, tmp_path):
    package = tmp_path / "maps"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "geometry.json").write_text("[1]")
    (package / "views.py").write_text("ONE = 1")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "page.html").write_text("<p>one</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates"]}]
    seen = {release.code_digest(tmp_path)}
    assert release.code_digest(tmp_path) in seen  # the same code, the same release
    for path, text in (
        (tmp_path / "templates" / "page.html", "<p>two</p>"),
        (package / "views.py", "ONE = 2"),
        (package / "geometry.json", "[2]"),
    ):
        path.write_text(text)
        assert release.code_digest(tmp_path) not in seen
        seen.add(release.code_digest(tmp_path))


def test_the_release_is_the_setting_if_named_else_the_code_digest(new_release):
    assert release.release() == f"code-{release.code_digest(release.PROJECT_DIR)}"
    new_release("2026.11.30-abc123")
    assert release.release() == "2026.11.30-abc123"
