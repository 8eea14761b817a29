"""Write every notebook's first code cell: the Colab set-up, installing only what that notebook needs.

    python tools/colab_cells.py          # rewrite the cells (after adding an import to a notebook)
    python tools/colab_cells.py --check  # exit 1 if a notebook's cell is not what it should be

What a notebook needs is read from its imports, followed through the churnlab
modules it uses (churnlab.colab.notebook_needs): lessons 00–04 install nothing
in Colab, lesson 05 MLflow, lesson 06 MLflow and fairlearn, and so on. The
cell prints nothing outside Colab, so stored outputs do not change.
"""
from __future__ import annotations

import sys

import nbformat

from course_config import ROOT, all_notebooks, repository_url

sys.path.insert(0, str(ROOT))
from churnlab.colab import bootstrap_cell, notebook_needs  # noqa: E402


def expected_cell(notebook: nbformat.NotebookNode) -> str:
    code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    return bootstrap_cell(repository_url(), notebook_needs(code[1:]))


def main(argv: list[str]) -> int:
    stale = []
    for path in all_notebooks():
        notebook = nbformat.read(path, as_version=4)
        first = next(cell for cell in notebook.cells if cell.cell_type == "code")
        wanted = expected_cell(notebook)
        if first.source != wanted:
            stale.append(path)
            if "--check" not in argv:
                first.source = wanted
                nbformat.write(notebook, path)
    for path in stale:
        print(f"{'out of date' if '--check' in argv else 'rewrote'}: {path.relative_to(ROOT)}")
    return 1 if stale and "--check" in argv else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
