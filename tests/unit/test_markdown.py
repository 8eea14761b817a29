"""What a learner reads: markdown that renders as written, glossary links that land, outputs free of our machines.

- **Dollar signs.** JupyterLab, Colab and GitHub typeset the text between two
  ``$`` of a markdown cell as mathematics, so "costs $10 … worth $200" turns
  into an italic formula. Dollars in markdown are written ``\\$10``. That is
  not enough in JupyterLab (issue jupyterlab#8645): its markdown renderer turns
  ``\\$`` into ``$`` and MathJax then pairs two of them that share a run of
  text (a paragraph, a list item, a table cell). So where a run holds two
  amounts, each is wrapped in its own element: ``<span>\\$10</span>`` (GitHub
  documents the span too). This static check covers every notebook in
  ``notebooks/``, ``solutions/`` and ``exercises/``; ``tests/browser/test_browser.py``
  checks what JupyterLab really renders.
- **Dollar signs in stored outputs.** JupyterLab typesets HTML and markdown
  outputs too, not only markdown cells: a table header "profit at $10 ($)"
  shows as an italic formula. JupyterLab 4's MathJax pairs two ``$`` only
  within one run of text (tests/browser/test_browser.py pins that), but other
  renderers and versions need not, and escaping with ``\\$`` shows a backslash
  where MathJax does not run. So an HTML output may hold at most one unescaped
  ``$`` in all; the course's HTML tables write amounts in words ("12,640
  dollars", ``churnlab._base.html.dollar_safe_html``).
  Markdown outputs follow the markdown rules above.
- **The glossary** (``notebooks/glossary.ipynb``): one ``### term`` heading per
  term, in alphabetical order, and every ``glossary.ipynb#anchor`` link in any
  notebook points at one of them.
- **Stored outputs** of lessons and solutions show ``work/`` and ``.venv/``,
  never a path of the machine that ran them.
"""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_FOLDERS = ("notebooks", "solutions", "exercises")
ALL_NOTEBOOKS = sorted(p for folder in NOTEBOOK_FOLDERS for p in (ROOT / folder).glob("*.ipynb"))
WITH_STORED_OUTPUTS = sorted(p for folder in ("notebooks", "solutions") for p in (ROOT / folder).glob("*.ipynb"))
GLOSSARY = ROOT / "notebooks" / "glossary.ipynb"

FENCED_CODE = re.compile(r"^(```|~~~).*?^\1", re.MULTILINE | re.DOTALL)
CODE_SPAN = re.compile(r"(`+)(?:.|\n)*?(?<!`)\1(?!`)")
UNESCAPED_DOLLAR = re.compile(r"(?<!\\)(?:\\\\)*\$")
LATEX_COMMAND = re.compile(r"\\[A-Za-z]+|[_^]\{")
# Text in its own element: MathJax never pairs a $ inside it with one outside.
OWN_ELEMENT = re.compile(r"<span>.*?</span>|\*\*[^*\n]+?\*\*", re.DOTALL)
ESCAPED_DOLLAR = re.compile(r"(?<!\\)\\\$")
GLOSSARY_LINK = re.compile(r"\]\(\s*(?:\.\./notebooks/|\./)?glossary\.ipynb#([^)\s]*)\s*\)")
# What MathJax never typesets in an HTML output, and the tags that end a run of text.
HTML_NOT_TYPESET = re.compile(r"<(style|script|pre|code|textarea)\b.*?</\1\s*>", re.DOTALL | re.IGNORECASE)
HTML_TAG = re.compile(r"<[^>]*>")
# Stored outputs must not show where the authors ran the notebook.
MACHINE_PATHS = re.compile(r"/tmp/|(?<!sqlite://)/work/|/root/|/home/|site-packages|/Users/|[A-Z]:\\\\")


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else source


def prose(markdown: str) -> str:
    """The markdown a renderer may typeset as maths: without code blocks and `code spans` (shown as typed)."""
    return CODE_SPAN.sub(" ", FENCED_CODE.sub(" ", markdown))


def math_spans(markdown: str) -> list[str]:
    """The text between pairs of unescaped ``$`` (what JupyterLab, Colab and GitHub would typeset), per paragraph."""
    spans = []
    for paragraph in re.split(r"\n\s*\n", prose(markdown)):
        dollars = [m.end() - 1 for m in UNESCAPED_DOLLAR.finditer(paragraph)]
        spans += [paragraph[start:end + 1] for start, end in zip(dollars[::2], dollars[1::2])]
    return spans


def holds_latex(markdown: str) -> bool:
    """True when a markdown cell means to show a formula (``$x^{2}$``, ``$\\frac{a}{b}$``)."""
    return any(LATEX_COMMAND.search(span) for span in math_spans(markdown))


def text_runs(markdown: str) -> list[str]:
    """The runs of text a renderer keeps in one element: paragraphs, list items, table cells (code removed)."""
    runs = []
    for paragraph in re.split(r"\n\s*\n", OWN_ELEMENT.sub(" ", prose(markdown))):
        for item in re.split(r"\n(?=\s*(?:[-*+]|\d+\.)\s)", paragraph):
            runs += item.split("|") if item.lstrip().startswith("|") else [item]
    return runs


def dollar_problems(markdown: str) -> list[str]:
    """Dollar signs a renderer would, or could, typeset as maths.

    Unescaped: any pair without LaTeX, and any "$10". Escaped (\\$10): two in one
    run of text, which JupyterLab still pairs; each needs its own <span>.
    """
    problems = [f"typeset as maths: {span[:60]!r}" for span in math_spans(markdown) if not LATEX_COMMAND.search(span)]
    text = prose(markdown)
    problems += [f"a dollar amount without a backslash: {text[max(0, m.start() - 20):m.end() + 10]!r}"
                 for m in UNESCAPED_DOLLAR.finditer(text) if text[m.end():m.end() + 1].isdigit()]
    problems += [f"two dollar signs in one run of text, which JupyterLab pairs into a formula even escaped: "
                 f"{run.strip()[:70]!r}; wrap each amount as <span>\\$10</span>"
                 for run in text_runs(markdown) if len(ESCAPED_DOLLAR.findall(run)) >= 2]
    return problems


def html_dollar_problems(markup: str) -> list[str]:
    """Unescaped ``$`` that a renderer could pair into maths anywhere in one HTML output (the whole of it).

    ``&#36;`` counts as a ``$`` once the page is read; <pre>, <code>, <style> and <script> are never typeset.
    """
    text = html.unescape(HTML_TAG.sub(" ", HTML_NOT_TYPESET.sub(" ", markup)))
    dollars = [m.end() - 1 for m in UNESCAPED_DOLLAR.finditer(text)]
    return [f"two unescaped $ in one HTML output, which a renderer may typeset as maths: "
            f"{' '.join(text[start:end + 1].split())[:70]!r}" for start, end in zip(dollars[::2], dollars[1::2])]


def output_dollar_problems(output: dict) -> list[str]:
    """Dollar signs JupyterLab would typeset in one stored output (its HTML or markdown; plain text is never typeset)."""
    data = output.get("data", {})
    joined = {key: "".join(value) if isinstance(value, list) else value for key, value in data.items()}
    if "text/html" in joined:  # JupyterLab shows the richest: HTML wins over markdown and plain text
        return html_dollar_problems(joined["text/html"])
    if "text/markdown" in joined:
        return dollar_problems(joined["text/markdown"])
    return []


def glossary_anchors() -> list[str]:
    """The glossary's terms as link anchors: each ``### term`` heading, spaces as hyphens."""
    return [heading.replace(" ", "-") for heading in glossary_headings()]


def glossary_headings() -> list[str]:
    return [line[4:].strip() for cell in _cells(GLOSSARY) if cell["cell_type"] == "markdown"
            for line in _source(cell).splitlines() if line.startswith("### ")]


# --- the static checks -------------------------------------------------------------------------------


def test_the_checks_see_what_a_renderer_sees():
    assert math_spans("costs $10 and saves $200") == ["$10 and saves $"]
    assert dollar_problems("a contact costs \\$10; a saved customer is worth <span>\\$200</span>") == []
    assert dollar_problems("a contact costs \\$10, a saved customer is worth \\$200")  # JupyterLab pairs these
    assert dollar_problems("- a contact costs \\$10;\n- a saved customer \\$200") == []  # list items are apart
    assert dollar_problems("**\\$12,220** against **\\$12,640**") == []
    assert dollar_problems("| \\$10 | \\$30 |\n|---|---|") == []
    assert dollar_problems("one call costs $10.") and dollar_problems("from $10 to $30")
    assert dollar_problems("`$10` and ```\n$20 $30\n```") == []  # code is shown as typed
    assert math_spans("first $10\n\nthen $30") == []  # a blank line ends a paragraph, and a formula with it
    assert holds_latex("the area is $\\pi r^{2}$") and not holds_latex("from $10 to $30")
    assert html_dollar_problems("<th>profit at $10 ($)</th>")  # the two $ of one header pair into a formula
    assert html_dollar_problems("<td>from &#36;10 to &#36;30</td>")  # an entity is a $ once the page is read
    assert html_dollar_problems("<td>earns $12,640</td></tr><tr><td>earns $12,220</td>")  # across cells too
    assert html_dollar_problems("<td>pays 107 dollars</td><td>earns 12,640 dollars</td>") == []  # dollar_safe_html's way
    assert html_dollar_problems("<th>cost ($)</th><pre>$1 $2</pre><code>$3</code><style>a{}</style>") == []
    assert html_dollar_problems("<td>earns \\$12,640</td><td>earns \\$12,220</td>") == []  # escaped: shown as $
    assert html_dollar_problems("<p>one $ alone</p>") == []
    assert output_dollar_problems({"data": {"text/markdown": "from $10 to $30", "text/plain": "x"}})
    assert output_dollar_problems({"data": {"text/plain": "from $10 to $30"}}) == []  # plain text is shown as typed
    assert GLOSSARY_LINK.findall("[threshold](glossary.ipynb#threshold) and [ROC-AUC](../notebooks/glossary.ipynb#roc-auc)") \
        == ["threshold", "roc-auc"]


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_dollar_signs_in_markdown_are_escaped(path):
    problems = [f"cell {index}: {problem}" for index, cell in enumerate(_cells(path)) if cell["cell_type"] == "markdown"
                for problem in dollar_problems(_source(cell))]
    assert not problems, "write dollars as \\$10 in markdown:\n" + "\n".join(problems)


@pytest.mark.parametrize("path", WITH_STORED_OUTPUTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_dollar_signs_in_stored_outputs_are_not_typeset(path):
    problems = [f"cell {index}: {problem}" for index, cell in enumerate(_cells(path))
                for output in cell.get("outputs", []) for problem in output_dollar_problems(output)]
    assert not problems, ("JupyterLab typesets HTML outputs too: keep at most one $ per table header or cell "
                          "(\"profit at 10 dollars ($)\" or \"profit ($)\"), or put each amount in its own <span> "
                          "(churnlab._base.html.dollar_safe_html writes amounts in words), then re-run the notebook:\n" + "\n".join(problems))


def test_the_glossary_is_a_page_of_terms_in_alphabetical_order():
    cells = _cells(GLOSSARY)
    assert all(cell["cell_type"] == "markdown" for cell in cells), "the glossary is reading matter: no code cells"
    assert _source(cells[0]).lstrip().startswith("# "), "the glossary opens with a title"
    headings = glossary_headings()
    assert len(headings) >= 40
    assert headings == sorted(headings, key=str.lower), "keep the glossary's terms in alphabetical order"
    assert len(set(headings)) == len(headings), "a term appears twice"
    # A heading's anchor is its text with spaces as hyphens in JupyterLab, and lower-cased without punctuation on
    # GitHub: terms in lower case, of letters, digits, spaces and hyphens, give the same anchor in both.
    odd = [h for h in headings if not re.fullmatch(r"[a-z0-9]+(?:[ -][a-z0-9]+)*", h)]
    assert not odd, f"write these headings in lower case, with letters, digits, spaces and hyphens only: {odd}"


def test_every_glossary_term_says_where_it_first_appears():
    for cell in _cells(GLOSSARY):
        source = _source(cell)
        for entry in re.split(r"^### ", source, flags=re.MULTILINE)[1:]:
            term, _, definition = entry.partition("\n")
            assert definition.strip(), f"{term}: no definition"
            assert re.search(r"First met in \[\d\d · ", definition), f"{term}: say in which lesson it first appears"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_glossary_links_land_on_a_term(path):
    anchors = set(glossary_anchors())
    links = [anchor for cell in _cells(path) if cell["cell_type"] == "markdown"
             for anchor in GLOSSARY_LINK.findall(_source(cell))]
    missing = sorted({anchor for anchor in links if anchor not in anchors})
    assert not missing, f"links to terms the glossary does not have: {missing}"


@pytest.mark.parametrize("path", ALL_NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_glossary_links_use_the_path_of_their_folder(path):
    # notebooks/ sits beside the glossary; solutions/ and exercises/ reach it through ../notebooks/.
    expected = "glossary.ipynb#" if path.parent.name == "notebooks" else "../notebooks/glossary.ipynb#"
    targets = [m.group(0) for c in _cells(path) if c["cell_type"] == "markdown"
               for m in re.finditer(r"\]\(\s*[^)\s]*glossary\.ipynb#", _source(c))]
    wrong = sorted({t for t in targets if t[2:].strip() != expected})
    assert not wrong, f"link the glossary as ]({expected}term) from {path.parent.name}/: {wrong}"


def test_every_lesson_links_its_terms_to_the_glossary():
    for lesson in sorted((ROOT / "notebooks").glob("0[0-8]_*.ipynb")):
        links = [a for c in _cells(lesson) if c["cell_type"] == "markdown" for a in GLOSSARY_LINK.findall(_source(c))]
        assert len(links) >= 5, f"{lesson.name}: link the terms it introduces to the glossary at their first use"
        assert len(links) == len(set(links)), f"{lesson.name}: link a term at its first use only, not every use"


def test_each_term_is_linked_from_the_lesson_the_glossary_names():
    for cell in _cells(GLOSSARY):
        for entry in re.split(r"^### ", _source(cell), flags=re.MULTILINE)[1:]:
            term, _, definition = entry.partition("\n")
            lesson = re.search(r"First met in \[[^\]]*\]\(([^)#]+\.ipynb)\)", definition)
            assert lesson, f"{term}: end with 'First met in [NN · Title](NN_file.ipynb).'"
            path = GLOSSARY.parent / lesson.group(1)
            linked = {a for c in _cells(path) if c["cell_type"] == "markdown" for a in GLOSSARY_LINK.findall(_source(c))}
            assert term.replace(" ", "-") in linked, f"{term}: {path.name} does not link it to the glossary"


@pytest.mark.parametrize("path", WITH_STORED_OUTPUTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_stored_outputs_show_no_path_of_the_authors_machine(path):
    found = []
    for index, cell in enumerate(_cells(path)):
        for output in cell.get("outputs", []):
            texts = [output.get("text", "")] + [value for key, value in output.get("data", {}).items() if key.startswith("text/")]
            for text in texts:
                text = "".join(text) if isinstance(text, list) else text
                found += [f"cell {index}: {text[max(0, m.start() - 30):m.end() + 30]!r}" for m in MACHINE_PATHS.finditer(text)]
    assert not found, "re-run with tools/execute_notebooks.py, or print a path relative to the course folder:\n" + "\n".join(found)


LESSONS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_a_lessons_code_cells_are_short(path):
    """A PM reads every line of a lesson's code: at most 12 per cell (longer mechanics belong in the package)."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    long_cells = [index for index, cell in enumerate(cells)
                  if cell["cell_type"] == "code" and len("".join(cell["source"]).splitlines()) > 12]
    assert not long_cells, f"{path.name}: code cells {long_cells} have more than 12 lines"
