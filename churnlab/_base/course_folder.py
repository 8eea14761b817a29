"""The course folder: where the data, the notebooks and (by default) the work folder are."""
from __future__ import annotations

from pathlib import Path

DATA_FILE_IN_COURSE = Path("datasets") / "telco_churn.csv"


def find_course_root(package_dir: Path | None = None, start: Path | None = None) -> Path:
    """The course folder: the one that holds ``datasets/telco_churn.csv``.

    Normally the folder above this package (``pip install -e .``, Colab). When
    the package was copied into site-packages instead (``pip install .``, as
    Binder's repo2docker does after installing requirements.txt), the course
    folder is found from the working directory (a notebook runs in
    ``notebooks/``) or its parents. Falls back to the folder above the package,
    so a missing file is reported there by ``load_churn``.
    """
    beside_package = (package_dir or Path(__file__).resolve().parent.parent).parent
    if (beside_package / DATA_FILE_IN_COURSE).is_file():
        return beside_package
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / DATA_FILE_IN_COURSE).is_file():
            return folder
    return beside_package


REPO_ROOT = find_course_root()
