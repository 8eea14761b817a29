"""Google Colab set-up: the first cell of every notebook, and what it installs there.

Colab already has pandas, scikit-learn, matplotlib, numpy, scipy, statsmodels,
DuckDB, Jinja2 and ipywidgets; it lacks MLflow (lessons 05–09) and fairlearn
(lesson 06). Each Colab notebook is its own runtime, so a notebook's first cell
installs only what *that* notebook uses and Colab lacks (``notebook_needs``),
pinning what Colab has so that pip never replaces it. Lessons 00–04 install
nothing.

Nothing here runs outside Colab: the first cell checks for Colab first.
"""
from __future__ import annotations

import ast
import re
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REQUIREMENTS_TXT = PACKAGE_DIR.parent / "requirements.txt"
COLAB_FOLDER = "/content/churn-lab"

# Packages Colab ships that the course relies on: pinned at Colab's versions when anything is added.
COLAB_KEEPS = ("pandas", "scikit-learn", "matplotlib", "numpy", "scipy")
# What the course uses that Colab does not ship: import name -> package name in requirements.txt.
COLAB_LACKS: dict[str, str] = {"mlflow": "mlflow", "fairlearn": "fairlearn"}


def _installed(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def requirement_for(package: str, requirements_txt: Path = REQUIREMENTS_TXT) -> str:
    """The line of requirements.txt for ``package`` (``mlflow>=3.9,<4``): one source for every install."""
    for line in requirements_txt.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if re.match(rf"^{re.escape(package)}(?![\w.-])", line, re.IGNORECASE):
            return line
    raise LookupError(f"{package} is not in {requirements_txt}")


def missing_packages(*needs: str) -> list[str]:
    """The requirements of ``needs`` (package names) that are not installed yet."""
    return [requirement_for(name) for name in needs if _installed(name) is None]


def add_missing_packages(*needs: str, run=subprocess.run) -> list[str]:
    """Install what this notebook needs and Colab lacks (``needs``: package names); returns what was installed."""
    missing = missing_packages(*needs)
    if not missing:
        return []
    pins = [f"{name}=={version}" for name in COLAB_KEEPS if (version := _installed(name))]
    with tempfile.TemporaryDirectory() as folder:
        constraints = Path(folder) / "colab-keeps.txt"
        constraints.write_text("\n".join(pins) + "\n")
        names = ", ".join(requirement.split(">")[0].split("=")[0].split("<")[0] for requirement in missing)
        print(f"Installing what this notebook needs and Colab lacks: {names} (about a minute)...")
        run([sys.executable, "-m", "pip", "install", "--quiet", "--constraint", str(constraints), *missing], check=True)
    return missing


# --- which notebook needs what --------------------------------------------------------------------


def _imported_names(source: str, module_level_only: bool = False) -> set[str]:
    """Module names imported in ``source``: anywhere, or only by its module-level statements."""
    try:
        tree = ast.parse(source)
    except SyntaxError:  # a cell with IPython magics: not imports
        return set()
    nodes = ast.walk(tree) if not module_level_only else _module_level(tree)
    names = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            if node.module == "churnlab":  # from churnlab import tracking: a module of ours
                names.update(f"churnlab.{alias.name}" for alias in node.names)
    return names


def _module_level(tree: ast.Module):
    """The statements that run when a module is imported (not those inside functions or classes)."""
    todo = list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        yield node
        todo.extend(child for child in ast.iter_child_nodes(node) if isinstance(child, ast.stmt))


def declared_needs(source: str) -> tuple[str, ...]:
    """A module's ``COLAB_NEEDS = (...)``: packages Colab lacks that its functions import when they run."""
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "COLAB_NEEDS" for t in node.targets):
            return tuple(ast.literal_eval(node.value))
    return ()


def _churnlab_module_file(name: str) -> Path | None:
    parts = name.split(".")[1:]
    candidates = [PACKAGE_DIR.joinpath(*parts).with_suffix(".py"), PACKAGE_DIR.joinpath(*parts, "__init__.py")]
    return next((path for path in candidates if path.is_file()), None)


def imports_of(sources: list[str]) -> set[str]:
    """Top-level package names ``sources`` use: their imports, and for each churnlab module they import,
    that module's module-level imports (followed through the package) and its declared ``COLAB_NEEDS``."""
    seen: set[str] = set()
    todo = [name for source in sources for name in _imported_names(source)]
    found: set[str] = set()
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        if name == "churnlab" or name.startswith("churnlab."):
            path = _churnlab_module_file(name)
            if path is not None:
                source = path.read_text(encoding="utf-8")
                todo.extend(_imported_names(source, module_level_only=True))
                found.update(declared_needs(source))
        else:
            found.add(name.split(".")[0])
    return found


def notebook_needs(code_cells: list[str]) -> tuple[str, ...]:
    """The packages Colab lacks that a notebook with these code cells uses (in COLAB_LACKS order)."""
    used = imports_of(code_cells)
    return tuple(package for module, package in COLAB_LACKS.items() if module in used)


def bootstrap_cell(repository_url: str, needs: tuple[str, ...] = ()) -> str:
    """The first code cell of every notebook: sets the course up in Colab, does nothing elsewhere."""
    lines = [
        "# In Google Colab: fetch the course files"
        + (" and add what this notebook needs that Colab lacks." if needs else ".")
        + " On your own computer: nothing happens.",
        "import sys",
        'if "google.colab" in sys.modules:',
        "    import subprocess",
        f'    subprocess.run("test -d {COLAB_FOLDER} || git clone --quiet --depth 1 {repository_url} {COLAB_FOLDER}", shell=True, check=True)',
        f'    sys.path.insert(0, "{COLAB_FOLDER}")',
    ]
    if needs:
        lines += ["    from churnlab.colab import add_missing_packages",
                  f"    add_missing_packages({', '.join(repr(name) for name in needs)})"]
    return "\n".join(lines)


def badge_markdown(repository_url: str, notebook_path: str) -> str:
    """An "Open in Colab" badge for a notebook at ``notebook_path`` (relative to the repository root)."""
    owner_repo = repository_url.rstrip("/").removeprefix("https://github.com/")
    return (
        "[![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
        f"(https://colab.research.google.com/github/{owner_repo}/blob/main/{notebook_path})"
    )
