"""The release: an identity that every process of one release shares and that changes with
the code that makes the portal's answers (docs/decisions: the response cache).

Whatever is kept in the shared cache for longer than a request (answers kept under the
data version, fragments kept by digest) names it, so that a release that changes how an
answer looks (a template, a serializer, the committed geometry) serves none made by the
code before it, although it wrote no data.

``SVPORTAL_RELEASE``, when set (the image sets it from the build), is the identity; else a
digest of the code that makes answers, worked out once per process (about 30 ms).
"""

import hashlib
from collections.abc import Iterator
from functools import cache as once
from pathlib import Path
from typing import Any

from django.conf import settings

PROJECT_DIR = Path(__file__).resolve().parent.parent
#: What makes answers besides the project's packages and template folders: the locked
#: dependencies, the static files' manifest (the names pages link to), search's synonyms.
ANSWER_FILES = (
    "requirements/base.txt",
    "staticfiles/staticfiles.json",
    "fixtures/search_synonyms.toml",
)
#: The files of the project's packages that make answers: code, templates and committed
#: data (such as boroughs/geometry.json).
ANSWER_SUFFIXES = (".py", ".html", ".txt", ".json", ".toml")


def _answer_files(base: Path) -> Iterator[Path]:
    folders = {path.parent for path in base.glob("*/__init__.py") if path.parent.name != "tests"}
    engines: list[dict[str, Any]] = settings.TEMPLATES
    for engine in engines:
        folders.update(Path(name) for name in engine.get("DIRS", ()))
    for folder in sorted(folders):
        for path in sorted(folder.rglob("*")):
            parts = path.relative_to(folder).parts
            skipped = "__pycache__" in parts or "tests" in parts
            if path.suffix in ANSWER_SUFFIXES and not skipped:
                yield path
    for name in ANSWER_FILES:
        if (base / name).is_file():
            yield base / name


def code_digest(base: Path) -> str:
    """A digest of the files under ``base`` that make the portal's answers, and their names."""
    digest = hashlib.sha256()
    for path in _answer_files(base):
        digest.update(str(path.relative_to(base)).encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@once
def release() -> str:
    """This process's release: ``SVPORTAL_RELEASE`` if set, else the digest of its code."""
    named: str = getattr(settings, "SVPORTAL_RELEASE", "")
    return named or f"code-{code_digest(PROJECT_DIR)}"
