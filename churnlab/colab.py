"""Google Colab set-up, called by the first cell of every notebook when it runs in Colab.

Colab already has pandas, scikit-learn, matplotlib and numpy. We add only the
packages it lacks, and pin what it has so that pip can never replace them.
"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from importlib import metadata

# Packages Colab already ships: never reinstalled, never upgraded.
COLAB_KEEPS = ("pandas", "scikit-learn", "matplotlib", "numpy")
# What the course needs beyond those (name -> requirement passed to pip).
COURSE_EXTRAS: dict[str, str] = {}


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
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as constraints:
        constraints.write("\n".join(pins) + "\n")
    print(f"Installing what Colab lacks: {', '.join(missing)} (about a minute)...")
    run([sys.executable, "-m", "pip", "install", "--quiet", "--constraint", constraints.name, *missing], check=True)
    return missing
