"""Dependencies run one way (ARCHITECTURE.md), read from the source so that a new
import fails here at once (function-level imports count too):

- a surface (chats, friends, community) says what happened and never imports who
  listens (automod, moderation, notifications);
- haven/core knows no domain app (members plugs in what core needs by setting);
- members knows nothing of the desk (moderation, support) nor of automod;
- no two modules import each other, directly or around a loop.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

HAVEN = Path(__file__).resolve().parents[2]
DOMAINS = (
    "members",
    "safety",
    "community",
    "chats",
    "friends",
    "moderation",
    "support",
    "audit",
    "helpcenter",
    "notifications",
    "automod",
    "exports",
    "demo",
    "bench",
)
RULES = {
    "chats": ("haven.automod", "haven.moderation", "haven.notifications"),
    "friends": ("haven.automod", "haven.moderation", "haven.notifications"),
    "community": ("haven.automod", "haven.moderation", "haven.notifications"),
    "core": tuple(f"haven.{app}" for app in DOMAINS),
    "members": ("haven.moderation", "haven.support", "haven.automod"),
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in HAVEN.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        name = ".".join(path.relative_to(HAVEN.parent).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("app", sorted(RULES))
def test_an_app_imports_nothing_above_it(app):
    forbidden = RULES[app]
    broken = {
        name: sorted(n for n in _imports(path) if n.startswith(forbidden))
        for name, path in _modules().items()
        if name.startswith(f"haven.{app}.") or name == f"haven.{app}"
    }
    assert {name: found for name, found in broken.items() if found} == {}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Groups of modules that reach each other (Tarjan's strongly connected components)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in graph:
        if node not in index:
            visit(node)
    return found


def test_no_modules_import_each_other():
    modules = _modules()
    graph = {name: _imports(path) & modules.keys() - {name} for name, path in modules.items()}
    assert _cycles(graph) == []


def test_the_checks_see_imports_and_loops():
    assert "haven.chats.events" in _imports(HAVEN / "chats" / "actions.py")
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": set()}) == [["a", "b", "c"]]
