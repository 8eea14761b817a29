"""Google Colab set-up, called by the first cell of every notebook when it runs in Colab.

Colab already has pandas, scikit-learn, matplotlib and numpy. We add only the
packages it lacks, and pin what it has so that pip can never replace them.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path
from importlib import metadata

# Packages Colab already ships: never reinstalled, never upgraded.
COLAB_KEEPS = ("pandas", "scikit-learn", "matplotlib", "numpy")
# What the course needs beyond those (name -> requirement passed to pip).
COURSE_EXTRAS: dict[str, str] = {"mlflow": "mlflow>=3.7,<4"}


def _installed(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def missing_packages() -> list[str]:
    """The course's extra requirements that are not installed yet."""
    return [requirement for name, requirement in COURSE_EXTRAS.items() if _installed(name) is None]


def add_missing_packages(run=subprocess.run) -> list[str]:
    """Install what the course needs and Colab lacks; returns what was installed."""
    missing = missing_packages()
    if not missing:
        return []
    pins = [f"{name}=={version}" for name in COLAB_KEEPS if (version := _installed(name))]
    with tempfile.TemporaryDirectory() as folder:
        constraints = Path(folder) / "colab-keeps.txt"
        constraints.write_text("\n".join(pins) + "\n")
        print(f"Installing what Colab lacks: {', '.join(missing)} (about a minute)...")
        run([sys.executable, "-m", "pip", "install", "--quiet", "--constraint", str(constraints), *missing], check=True)
    return missing


COLAB_FOLDER = "/content/churn-lab"


def bootstrap_cell(repository_url: str) -> str:
    """The first code cell of every notebook: sets the course up in Colab, does nothing elsewhere."""
    return (
        "# In Google Colab: fetch the course files and add only what Colab lacks. On your own computer: nothing happens.\n"
        "import sys\n"
        'if "google.colab" in sys.modules:\n'
        "    import subprocess\n"
        f'    subprocess.run("test -d {COLAB_FOLDER} || git clone --quiet --depth 1 {repository_url} {COLAB_FOLDER}", shell=True, check=True)\n'
        f'    sys.path.insert(0, "{COLAB_FOLDER}")\n'
        "    from churnlab.colab import add_missing_packages\n"
        "    add_missing_packages()"
    )


def badge_markdown(repository_url: str, notebook_path: str) -> str:
    """An "Open in Colab" badge for a notebook at ``notebook_path`` (relative to the repository root)."""
    owner_repo = repository_url.rstrip("/").removeprefix("https://github.com/")
    return (
        "[![Open in Colab](https://colab.research.google.com/assets/colab-badge.svg)]"
        f"(https://colab.research.google.com/github/{owner_repo}/blob/main/{notebook_path})"
    )
