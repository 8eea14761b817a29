"""Write dollar amounts in markdown cells so that no renderer typesets them as maths.

    python tools/escape_dollars.py notebooks/06_fairness_and_explanations.ipynb ...
    python tools/escape_dollars.py            # every notebook in notebooks/, solutions/, exercises/

JupyterLab, Colab and GitHub read the text between two ``$`` as a formula. The
course writes an amount as ``\\$10``; where one run of text (a paragraph, a list
item, a table cell) holds two or more amounts, each goes in its own element,
``<span>\\$10</span>``, because JupyterLab turns ``\\$`` back into ``$`` before its
maths renderer pairs them (tests/test_markdown.py has the rules). Code, code spans
and cells with real LaTeX are left alone. Outputs are not touched: no re-run needed.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

from course_config import NOTEBOOK_FOLDERS, ROOT

CODE = re.compile(r"```.*?```|~~~.*?~~~|(`+)(?:.|\n)*?(?<!`)\1(?!`)", re.DOTALL)
# Text in its own element: a $ inside never pairs with one outside (but is still escaped).
OWN_ELEMENT = re.compile(r"<span>.*?</span>|\*\*[^*\n]+?\*\*", re.DOTALL)
# An amount: $ (escaped or not) before a digit, with its digits, separators and a k/m suffix.
AMOUNT = re.compile(r"(?<![\\>])\\?\$(?=[-−]?\d)([-−]?[\d,.]*\d[kKmM]?)")
LATEX = re.compile(r"\$[^$\n]*(\\[A-Za-z]+|[_^]\{)[^$\n]*\$")
RUN_BREAK = re.compile(r"\n\s*\n|\n(?=\s*(?:[-*+]|\d+\.)\s)|\|")


def escape_markdown(markdown: str) -> str:
    """A markdown cell with its dollar amounts written safely; code and LaTeX untouched."""
    if LATEX.search(markdown):
        return markdown
    code = [m.span() for m in CODE.finditer(markdown)]
    own = [m.span() for m in OWN_ELEMENT.finditer(markdown)]

    def inside(position, regions):
        return any(start <= position < end for start, end in regions)

    amounts = [m for m in AMOUNT.finditer(markdown) if not inside(m.start(), code)]
    breaks = [0, *(m.end() for m in RUN_BREAK.finditer(markdown) if not inside(m.start(), code)), len(markdown) + 1]

    def run_of(position):
        return max(i for i, b in enumerate(breaks) if b <= position)

    loose = [m for m in amounts if not inside(m.start(), own)]
    per_run: dict[int, int] = {}
    for m in loose:
        per_run[run_of(m.start())] = per_run.get(run_of(m.start()), 0) + 1
    pieces, last = [], 0
    for m in amounts:
        escaped = f"\\${m.group(1)}"
        wrap = m in loose and per_run[run_of(m.start())] >= 2
        pieces += [markdown[last:m.start()], f"<span>{escaped}</span>" if wrap else escaped]
        last = m.end()
    return "".join(pieces) + markdown[last:]


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted(p for folder in NOTEBOOK_FOLDERS for p in (ROOT / folder).glob("*.ipynb"))
    for path in paths:
        notebook = nbformat.read(path, as_version=4)
        changed = False
        for cell in notebook.cells:
            if cell.cell_type == "markdown":
                fixed = escape_markdown(cell.source)
                changed |= fixed != cell.source
                cell.source = fixed
        if changed:
            nbformat.write(notebook, path)
            print(f"rewrote dollars in {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
