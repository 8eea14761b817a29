"""The package's layers (CONTRIBUTING.md, "Layers"): no import circle, and no module-level import that runs up.

Read from the source (AST), not by importing. An import names the module it loads: ``from churnlab import
plots`` depends on ``churnlab.plots``, ``from churnlab.monitoring.drift import psi`` on ``churnlab.monitoring.drift``.
"""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[2] / "churnlab"

# Bottom first. A name is a module or a folder (every module in it, unless a module of it is named on its own);
# a module imports only from its own layer or below at module level (an import inside a function may run up,
# but never closes a circle).
LAYERS = [
    ("_base", "errors", "validate"),  # errors, the blank, the argument checks; errors/validate: their old addresses
    ("colab", "workspace", "kept_results", "data", "progress"),  # progress: the events a cohort server records; kept_results: results computed once
    ("rules", "economics", "model", "uncertainty"),  # uncertainty: the intervals of lessons 03-06
    ("plots.style", "plots.basics", "plots.comparisons", "plots.alt_text", "plots.kept"),  # lessons 01-05's charts (comparisons: lessons 03-04's), and every chart's alt text: tracking logs them, monitoring's page draws with the style
    ("explain", "tracking"),
    ("fairness", "world", "product"),
    ("abtest", "monitoring"),
    ("plots",),  # plots.launch, the launch lessons' charts, and the package that gathers all the charts
    ("records",),
    ("brief",),
    ("_notebook",),  # how errors and scaffolds behave in a notebook
    ("exercises",),  # nothing below imports the exercises
    ("doctor", "__main__", "__init__"),  # the package's own entry points
]


def _modules() -> dict[str, Path]:
    modules = {}
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        parts = ["churnlab", *path.relative_to(PACKAGE_DIR).with_suffix("").parts]
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return modules


MODULES = _modules()


def _layer(module: str) -> int:
    name = module.removeprefix("churnlab").removeprefix(".") or "__init__"
    while name:  # the longest name the table knows: plots.style, else plots
        found = [number for number, names in enumerate(LAYERS) if name in names]
        if found:
            return found[0]
        name = name.rpartition(".")[0]
    return -1


def _imports(path: Path) -> list[tuple[str, bool]]:
    """Each churnlab module ``path`` imports, and whether the import runs when the module is imported."""
    found = []

    def visit(node: ast.AST, module_level: bool) -> None:
        if isinstance(node, ast.Import):
            found.extend((alias.name, module_level) for alias in node.names if alias.name.startswith("churnlab"))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("churnlab"):
            for alias in node.names:  # from churnlab import plots: the module churnlab.plots, not churnlab itself
                submodule = f"{node.module}.{alias.name}"
                found.append((submodule if submodule in MODULES else node.module, module_level))
        inside = module_level and not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        for child in ast.iter_child_nodes(node):
            visit(child, inside)

    visit(ast.parse(path.read_text(encoding="utf-8")), True)
    return found


IMPORTS = {module: _imports(path) for module, path in MODULES.items()}


def test_every_module_has_a_layer():
    for module in MODULES:
        assert _layer(module) >= 0, module


def test_no_module_level_import_runs_up_a_layer():
    upward = [f"{module} (layer {_layer(module)}) imports {imported} (layer {_layer(imported)})"
              for module, imports in IMPORTS.items() for imported, module_level in imports
              if module_level and imported in MODULES and _layer(imported) > _layer(module)]
    assert not upward, "\n".join(upward)


def test_no_import_circle():
    graph = {module: {imported for imported, _ in imports if imported in MODULES and imported != module}
             for module, imports in IMPORTS.items()}
    circles, done = [], set()

    def walk(module: str, path: list[str]) -> None:  # depth first; a module met again on the path closes a circle
        if module in path:
            circles.append(" -> ".join(path[path.index(module):] + [module]))
            return
        if module in done:
            return
        for imported in sorted(graph[module]):
            walk(imported, path + [module])
        done.add(module)

    for module in sorted(graph):
        walk(module, [])
    assert not circles, "\n".join(circles)
