"""Dependencies run one way (ARCHITECTURE.md): a surface says what happened and never
imports who listens. Read from the source, so a new import fails here at once."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

HAVEN = Path(__file__).resolve().parents[2]
SURFACES = ("chats", "friends", "community")
LISTENERS = ("haven.automod", "haven.moderation", "haven.notifications")


def _imports(app: str) -> dict[str, set[str]]:
    """Every module each non-test source file of `app` imports."""
    found: dict[str, set[str]] = {}
    for path in (HAVEN / app).rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
        found[str(path.relative_to(HAVEN.parent))] = names
    return found


@pytest.mark.parametrize("app", SURFACES)
def test_a_surface_imports_no_listener(app):
    broken = {
        path: sorted(n for n in names if n.startswith(LISTENERS))
        for path, names in _imports(app).items()
        if any(n.startswith(LISTENERS) for n in names)
    }
    assert broken == {}, f"{app} must say what happened (haven.core.events), not call: {broken}"


def test_the_check_sees_imports():
    assert "haven.chats.events" in _imports("chats")["haven/chats/actions.py"]
