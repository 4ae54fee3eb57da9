"""Reading facts from Python source by parsing it with `ast`, never by executing it."""

from __future__ import annotations

import ast
from pathlib import Path


def parse(path: Path) -> ast.Module | None:
    try:
        return ast.parse(path.read_bytes(), filename=str(path))
    except (OSError, SyntaxError, ValueError):
        return None


def top_level_names(tree: ast.Module) -> set[str]:
    """Names bound at module level: assignments, defs, classes and imports."""
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign | ast.AugAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return names


def string_call_argument(tree: ast.Module, method: str, first: str) -> str | None:
    """The second string argument of a call `….method(first, "value")` anywhere in the
    tree: how manage.py names its settings module in
    `os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mysite.settings")`."""
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == method
            and len(node.args) >= 2
        ):
            key, value = node.args[:2]
            if (
                isinstance(key, ast.Constant)
                and key.value == first
                and isinstance(value, ast.Constant)
                and isinstance(value.value, str)
            ):
                return value.value
    return None


def setup_py_name(tree: ast.Module) -> str | None:
    """The literal `name=` given to `setup(...)`."""
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) == "setup"
        ):
            for kw in node.keywords:
                if kw.arg == "name" and isinstance(kw.value, ast.Constant):
                    return str(kw.value.value)
    return None
