"""The notebooks as a whole: exercises match their solutions, run unfilled, and read like lessons."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))
import make_exercises  # noqa: E402  (tools/ is a folder of scripts, not a package)

LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))  # numbered: the glossary is not a lesson
SOLUTIONS = sorted((ROOT / "solutions").glob("*.ipynb"))
EXERCISES = sorted((ROOT / "exercises").glob("*.ipynb"))


def _code_cells(path: Path) -> list[dict]:
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [c for c in cells if c["cell_type"] == "code" and "".join(c["source"]).strip()]


def test_the_course_has_its_lessons_and_exercises():
    assert len(LESSONS) >= 3 and len(SOLUTIONS) >= 2
    assert [p.name for p in EXERCISES] == [p.name for p in SOLUTIONS]
    lesson_names = {p.name for p in LESSONS}
    assert all(p.name in lesson_names for p in SOLUTIONS), "every solution notebook practises a lesson of the same name"


def test_committed_exercises_are_what_the_generator_makes():
    rendered = make_exercises.rendered_exercises()
    stale = [p.name for p, text in rendered.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
    assert not stale, f"exercises out of date with their solutions: {stale}; run python tools/make_exercises.py"


@pytest.mark.parametrize("path", LESSONS + SOLUTIONS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_stored_outputs_come_from_one_clean_top_to_bottom_run(path):
    counts = [c["execution_count"] for c in _code_cells(path)]
    assert counts == list(range(1, len(counts) + 1)), "re-run the notebook top to bottom in a fresh kernel"
    errors = [o for c in _code_cells(path) for o in c["outputs"] if o["output_type"] == "error"]
    assert not errors


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_a_lesson_opens_with_audience_goals_and_time_and_ends_with_a_recap(path):
    notebook = nbformat.read(path, as_version=4)
    opening = notebook.cells[0].source
    for words in ("# ", "Who it is for", "you will be able to", "Time:"):
        assert words in opening, f"the first cell should say {words!r}"
    markdown = [c.source for c in notebook.cells if c.cell_type == "markdown"]
    assert "## Recap" in markdown[-1] or "## Recap" in markdown[-2]
    assert sum("Takeaway" in text for text in markdown) >= 3


@pytest.mark.parametrize("path", LESSONS + SOLUTIONS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_plot_is_read_out_in_the_next_markdown_cell(path):
    cells = nbformat.read(path, as_version=4).cells
    for position, cell in enumerate(cells):
        has_plot = any("image/png" in o.get("data", {}) for o in cell.get("outputs", []))
        if has_plot:
            following = cells[position + 1] if position + 1 < len(cells) else None
            assert following is not None and following.cell_type == "markdown", f"cell {position}: say what to see under the plot"


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.name)
def test_an_unfilled_exercise_runs_top_to_bottom_and_says_not_attempted(path, tmp_path, monkeypatch):
    monkeypatch.setenv("CHURNLAB_WORKDIR", str(tmp_path))
    notebook = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in notebook.cells if c.cell_type == "code"), "exercises ship without outputs"
    NotebookClient(notebook, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}).execute()
    printed = [o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "stream"]
    stderr = [o.get("text", "") for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.get("name") == "stderr"]
    not_attempted = [line.split(":")[0].removeprefix("✏️ ") for text in printed for line in text.splitlines()
                     if ": not attempted yet" in line]
    checked = [c.source.strip().splitlines()[-1] for c in notebook.cells if c.cell_type == "code" and ".check()" in c.source]
    count = len(checked)
    assert count >= 5 and checked == [f"q{n}.check()" for n in range(1, count + 1)], \
        "at least four questions and the go-further one, each checked once, in order"
    assert not_attempted == [f"q{n}" for n in range(1, count + 1)], "every unfilled question should say 'not attempted yet'"
    assert not [text for text in printed if "✅" in text or "❌" in text or "🛑" in text], "an unfilled exercise shows no verdict"
    assert not stderr, f"warnings or errors on stderr: {stderr}"


@pytest.mark.parametrize("path", EXERCISES, ids=lambda p: p.name)
def test_every_scaffold_line_has_exactly_one_blank(path):
    lines = [line for cell in _code_cells(path) for line in "".join(cell["source"]).splitlines() if "____" in line]
    assert lines, "an exercise has blanks to fill"
    crowded = [line for line in lines if line.count("____") != 1]
    assert not crowded, f"one blank per line: {crowded}"


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.name)
def test_an_exercise_has_four_questions_a_go_further_and_a_hint_cell_after_each(path):
    cells = nbformat.read(path, as_version=4).cells
    headings = [c.source.splitlines()[0] for c in cells if c.cell_type == "markdown" and c.source.startswith("## Question")]
    count = len(headings)
    assert count >= 5 and [h.split("·")[0].strip() for h in headings] == [f"## Question {n}" for n in range(1, count + 1)]
    assert "Go further (for those who code)" in headings[-1]
    assert not any("Go further" in h for h in headings[:-1]), "only the last question is the optional one"
    opening = cells[0].source
    for words in ("# Exercise", "Who it is for", "you will be able to", "Time:", "How it works"):
        assert words in opening, f"the first cell should say {words!r}"
    for n in range(1, count + 1):
        checks = [i for i, c in enumerate(cells) if c.cell_type == "code" and f"q{n}.check()" in c.source]
        assert len(checks) == 1 and cells[checks[0] + 1].source == f"# q{n}.hint()\n# q{n}.solution()"
    markdown = "\n".join(c.source for c in cells if c.cell_type == "markdown")
    assert not re.search(r"(?<!\\)\$\d", markdown), "write dollars as \\$10 in markdown (a bare $ starts maths)"


@pytest.mark.parametrize("path", LESSONS + SOLUTIONS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_test_markers_are_cell_tags_not_comments_a_learner_reads(path):
    cells = nbformat.read(path, as_version=4).cells
    commented = [i for i, c in enumerate(cells) if c.cell_type == "code" and "NBVAL_" in c.source]
    assert not commented, f"cells {commented}: use the cell tag nbval-ignore-output instead of a # NBVAL_ comment"
