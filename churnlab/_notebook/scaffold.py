"""Scaffolds in a notebook: skip the statements that still hold a blank.

Exercises are scaffolds: each line a learner completes has one blank, ``____``.
So that "Run all" works on an exercise nobody has filled in yet, an IPython input
transformer (installed when an exercise module is imported) skips every statement
that still holds a blank: the variable it would set becomes the blank itself, and
the question's ``check()`` says "not attempted yet".
"""
from __future__ import annotations

import ast

from churnlab._base.blank import BLANK_NAME

_BODIES = ("body", "orelse", "finalbody", "handlers", "cases")
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)


def _mentions_blank(node: ast.AST) -> bool:
    """A ``____`` name, or a ``____`` in the text of an f-string (``f"models:/{name}@____"``, a scaffold's blank)."""
    return any(isinstance(child, ast.Name) and child.id == BLANK_NAME
               or isinstance(child, ast.JoinedStr) and any(
                   isinstance(part, ast.Constant) and BLANK_NAME in str(part.value) for part in child.values)
               for child in ast.walk(node))


def _header_mentions_blank(statement: ast.stmt) -> bool:
    return any(_mentions_blank(value) if isinstance(value, ast.AST) else
               any(_mentions_blank(item) for item in value if isinstance(item, ast.AST)) if isinstance(value, list) else False
               for field, value in ast.iter_fields(statement) if field not in _BODIES)


def _bodies(statement: ast.stmt) -> list[list[ast.stmt]]:
    bodies = [getattr(statement, field) for field in ("body", "orelse", "finalbody") if isinstance(getattr(statement, field, None), list)]
    for part in getattr(statement, "handlers", []) + getattr(statement, "cases", []):
        bodies.append(part.body)
    return bodies


def _assigned_names(statement: ast.stmt) -> list[str]:
    names: list[str] = []
    todo = [statement]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id not in names:
            names.append(node.id)
        if node is statement or not isinstance(node, _SCOPES):
            todo.extend(reversed(list(ast.iter_child_nodes(node))))
    return names


def _stand_in(statement: ast.stmt) -> str:
    """What runs instead of an unfilled statement: its variables set to the blank, or nothing."""
    names = _assigned_names(statement)
    return " = ".join([*names, BLANK_NAME]) if names else "pass"


def _unfilled(body: list[ast.stmt]) -> list[ast.stmt]:
    found = []
    for statement in body:
        if isinstance(statement, _SCOPES) or not _mentions_blank(statement):
            continue
        bodies = _bodies(statement)
        if bodies and not _header_mentions_blank(statement):
            for inner in bodies:
                found += _unfilled(inner)
        else:
            found.append(statement)
    return found


def skip_unfilled_statements(source: str) -> str:
    """``source`` with every statement that still holds a ``____`` replaced by its stand-in.

    ``scores = model.predict_proba(____)[:, 1]`` becomes ``scores = ____``;
    a call that sets nothing becomes ``pass``; a ``with`` or ``for`` whose
    first line holds a blank is skipped whole (its variables become blanks).
    Line numbers are kept, so an error elsewhere still points at the right
    line. Code without blanks, or that Python cannot read, is returned as is.
    """
    if BLANK_NAME not in source:
        return source
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    statements = _unfilled(tree.body)
    if not statements:
        return source
    lines = source.splitlines(keepends=True)
    for statement in sorted(statements, key=lambda s: s.lineno, reverse=True):
        first, last = statement.lineno - 1, statement.end_lineno - 1
        before, after = lines[first][: statement.col_offset], lines[last][statement.end_col_offset:]
        if before.strip() or after.strip() and not after.strip().startswith("#"):
            # Shares a line with another statement (a; b): rebuild the whole cell instead.
            return _skip_by_rebuilding(tree, statements)
        ending = "\n" if lines[last].endswith("\n") else ""
        lines[first: last + 1] = [before + _stand_in(statement) + ending] + ["\n"] * (last - first)
    return "".join(lines)


def _skip_by_rebuilding(tree: ast.Module, statements: list[ast.stmt]) -> str:
    chosen = {id(statement) for statement in statements}

    class StandIns(ast.NodeTransformer):
        def visit(self, node):
            if id(node) in chosen:
                return ast.parse(_stand_in(node)).body[0]
            return super().visit(node)

    return ast.unparse(ast.fix_missing_locations(StandIns().visit(tree))) + "\n"


def _skip_unfilled_lines(lines: list[str]) -> list[str]:
    """IPython input transformer (a list of lines in, a list of lines out) around ``skip_unfilled_statements``."""
    return skip_unfilled_statements("".join(lines)).splitlines(keepends=True)


def install_scaffold_support() -> None:
    """In IPython/Jupyter, let cells with unfilled blanks run (once per session)."""
    try:
        from IPython import get_ipython
    except ImportError:
        return
    shell = get_ipython()
    if shell is None:
        return
    transformers = shell.input_transformers_post
    transformers[:] = [t for t in transformers if getattr(t, "__name__", "") != _skip_unfilled_lines.__name__]
    transformers.append(_skip_unfilled_lines)
