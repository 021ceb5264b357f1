"""docs/rules.md says where each rule lives: every path it names exists, and every name
after a colon is defined in that module (a function, a class, a constant, or a class's
method as Class.method), so the guide cannot outlive the code it points to."""

import ast
import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.no_database

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "rules.md"
#: A reference in backquotes: a path from the repository's root (it has a slash), and
#: after a colon a dotted name in it.
REFERENCE = re.compile(r"`(?P<path>[\w.-]+/[\w./-]*)(?::(?P<name>[\w.]+))?`")


def references():
    return [match.groups() for match in REFERENCE.finditer(GUIDE.read_text(encoding="utf-8"))]


def defined(body):
    """Names defined at the top of a module's or a class's body, each with its node."""
    names = {}
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names[node.name] = node
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    names[target.id] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names[node.target.id] = node
    return names


def defines(path, dotted):
    node = ast.parse(path.read_text(encoding="utf-8"))
    for part in dotted.split("."):
        if not hasattr(node, "body"):
            return False
        node = defined(node.body).get(part)
        if node is None:
            return False
    return True


def test_each_decision_the_guide_names_exists():
    numbers = set(re.findall(r"\b(00\d\d)\b", GUIDE.read_text(encoding="utf-8")))
    assert numbers
    for number in numbers:
        assert list((ROOT / "docs" / "decisions").glob(f"{number}-*.md")), number


def test_the_guide_names_many_places():
    assert len(references()) > 100


@pytest.mark.parametrize(("path", "name"), references())
def test_each_place_the_guide_names_exists(path, name):
    file = ROOT / path
    assert file.exists(), f"docs/rules.md names {path}, which is not in the tree"
    if name:
        assert file.suffix == ".py", f"{path}:{name} names something in a file not Python"
        assert defines(file, name), f"docs/rules.md names {path}:{name}, not defined there"


def test_a_name_that_is_not_there_is_noticed():
    assert defines(ROOT / "core" / "concurrency.py", "StaleEdit")
    assert not defines(ROOT / "core" / "concurrency.py", "StaleEdits")
    assert defines(ROOT / "actionplans" / "querysets.py", "ActionPlanQuerySet.current_first")
    assert not defines(ROOT / "actionplans" / "querysets.py", "ActionPlanQuerySet.latest")
