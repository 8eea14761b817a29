"""How long does a learner take to read and run a notebook? The instructor guide's estimate, reproducible.

    python tools/reading_time.py                 # every lesson and exercise
    python tools/reading_time.py notebooks/06_fairness_and_explanations.ipynb
    python tools/reading_time.py --update-guide  # after editing a lesson: the guide's agenda table follows

The method (the instructor guide's section 2 explains it): the notebook's markdown words read at
130 words a minute (careful reading of a technical text by a non-specialist), 30 s per code cell
(read it, run it, glance at the output), its printed output read at 130 words a minute, and 45 s
per chart. An exercise counts what a learner works through that way (its set-up and its required
questions' text and cells, not the optional "go further" question, nor the commented-out cells that
offer a hint), plus 2 minutes per required question (fill the blanks, check, maybe one hint).

It is an estimate to plan a workshop with, not a measurement, and a floor: the times the notebooks
state may be longer, never shorter (tests/test_reading_time.py). Reviewers who worked through the
course as a PM would (issue 21) took 17-22 minutes for exercises 01-04, which this method puts at
17-20 (2 minutes a question; the 5 it used before gave 33-35), and 1.25-1.6 times the estimate
for lessons 06-09, whose stated times follow those timings.
"""
from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
WORDS_PER_MINUTE = 130
SECONDS_PER_CODE_CELL = 30
SECONDS_PER_CHART = 45
MINUTES_PER_QUESTION = 2

LINK_TARGET = re.compile(r"\]\([^)]*\)")  # a link's address is not read
HTML_TAG = re.compile(r"<[^>]+>")
WORD = re.compile(r"[\w$€£%.,'’-]*\w[\w$€£%.,'’-]*")
QUESTION_CHECK = re.compile(r"^\s*q(\d+)\.check\(", re.MULTILINE)
QUESTION_HEADING = re.compile(r"^##\s+Question\s+(\d+)\b")


def words(text: str) -> int:
    """The words a reader reads in ``text`` (markdown or plain), link addresses and HTML tags left out."""
    return len(WORD.findall(HTML_TAG.sub(" ", LINK_TARGET.sub("]", text))))


@dataclass(frozen=True)
class Estimate:
    path: Path
    markdown_words: int
    code_cells: int
    output_words: int
    charts: int
    questions: int  # required questions of an exercise (0 for a lesson)

    @property
    def minutes(self) -> float:
        reading = (self.markdown_words + self.output_words) / WORDS_PER_MINUTE
        running = (self.code_cells * SECONDS_PER_CODE_CELL + self.charts * SECONDS_PER_CHART) / 60
        return reading + running + self.questions * MINUTES_PER_QUESTION


def _output_text(output) -> str:
    if output.get("output_type") == "stream":
        return output.get("text", "")
    data = output.get("data", {})
    if "text/markdown" in data:
        return data["text/markdown"]
    if "text/html" in data and "text/plain" in data and "<table" in data["text/html"]:
        return data["text/plain"]  # a table: its cells, not its HTML
    return data.get("text/plain", "") if "image/png" not in data else ""


def _only_comments(source: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") for line in source.splitlines())


def worked_through(cells: list, optional_question: int | None) -> list:
    """An exercise's cells a learner works through: not the optional question's section (its heading up to the
    next ``## `` heading), nor cells that only hold comments (``# q1.hint()``, run only when stuck)."""
    kept, in_optional = [], False
    for cell in cells:
        if cell.cell_type == "markdown" and cell.source.startswith("## "):
            heading = QUESTION_HEADING.match(cell.source)
            in_optional = bool(heading) and int(heading.group(1)) == optional_question
        if in_optional or (cell.cell_type == "code" and _only_comments(cell.source)):
            continue
        kept.append(cell)
    return kept


def estimate(path: Path, optional_question: int | None = None) -> Estimate:
    """The reading-and-running estimate of one notebook (an exercise: of its solved copy's outputs too)."""
    notebook = nbformat.read(path, as_version=4)
    cells = [cell for cell in notebook.cells if "solution-only" not in cell.metadata.get("tags", [])]
    questions = set()
    if path.parent.name == "exercises":
        questions = {int(number) for cell in cells if cell.cell_type == "code"
                     for number in QUESTION_CHECK.findall(cell.source)}
        optional_question = max(questions, default=None)  # the last one is the optional "go further"
        questions.discard(optional_question)
    if optional_question is not None:
        cells = worked_through(cells, optional_question)
    markdown = sum(words(cell.source) for cell in cells if cell.cell_type == "markdown")
    code = [cell for cell in cells if cell.cell_type == "code"]
    outputs = [output for cell in code for output in cell.get("outputs", [])]
    output_words = sum(words(_output_text(output)) for output in outputs)
    charts = sum("image/png" in output.get("data", {}) for output in outputs)
    if path.parent.name == "exercises":
        # an exercise is read unfilled: its outputs are what the learner produces, so read the solved copy's
        solved = ROOT / "solutions" / path.name
        if solved.exists():
            solved_estimate = estimate(solved, optional_question)
            output_words, charts = solved_estimate.output_words, solved_estimate.charts
    return Estimate(path, markdown, len(code), output_words, charts, len(questions))


def stated_minutes(path: Path) -> int | None:
    """The time a lesson's first cell states ("**Time:** about 55 minutes"), without optional parts."""
    notebook = nbformat.read(path, as_version=4)
    match = re.search(r"\*\*Time:\*\*\s*about\s+(\d+)\s+minutes", notebook.cells[0].source if notebook.cells else "")
    return int(match.group(1)) if match else None


def course_notebooks() -> list[Path]:
    lessons = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    exercises = sorted((ROOT / "exercises").glob("[0-9][0-9]_*.ipynb"))
    return lessons + exercises


GUIDE = ROOT / "instructor" / "README.md"
# A row of the guide's agenda table: "| [06 · Title](../notebooks/06_x.ipynb) (6,222 · 39 · 4) | 85 min | 90 min |"
# (an exercise's parentheses hold its questions instead of words · code cells · charts).
GUIDE_ROW = re.compile(r"^(\| \[(?:\d\d · [^\]]+|exercise \d\d)\]\(\.\./((?:notebooks|exercises)/\d\d_[\w]+\.ipynb)\) \()"
                       r"([^)]*)(\) \| )(\d+)( min \| )(\d+)( min \|)", re.MULTILINE)


def updated_guide(guide: str, root: Path = ROOT) -> str:
    """The guide's text with each agenda row's counts, estimate and stated time recomputed from its notebook."""
    def row(match: re.Match) -> str:
        path = root / match.group(2)
        found, stated = estimate(path), stated_minutes(path)
        detail = (f"{found.markdown_words:,} · {found.code_cells} · {found.charts}" if match.group(2).startswith("notebooks/")
                  else match.group(3))
        return (f"{match.group(1)}{detail}{match.group(4)}{round(found.minutes)}{match.group(6)}"
                f"{stated if stated is not None else match.group(7)}{match.group(8)}")

    return GUIDE_ROW.sub(row, guide)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path, help="notebooks to estimate (default: every lesson and exercise)")
    parser.add_argument("--update-guide", action="store_true",
                        help="rewrite the agenda table of instructor/README.md with these estimates, then stop")
    arguments = parser.parse_args(argv)
    if arguments.update_guide:
        old = GUIDE.read_text(encoding="utf-8")
        new = updated_guide(old)
        GUIDE.write_text(new, encoding="utf-8")
        changed = sum(a != b for a, b in zip(old.splitlines(), new.splitlines()))
        print(f"{GUIDE.relative_to(ROOT)}: {changed} row(s) updated")
        return 0
    paths = arguments.notebooks or course_notebooks()
    print(f"{'notebook':<50} {'words':>6} {'cells':>5} {'output':>6} {'charts':>6} {'questions':>9} {'estimate':>9} {'stated':>7}")
    for path in paths:
        found = estimate(path.resolve())
        stated = stated_minutes(path)
        print(f"{str(path.resolve().relative_to(ROOT)):<50} {found.markdown_words:>6} {found.code_cells:>5} "
              f"{found.output_words:>6} {found.charts:>6} {found.questions:>9} {found.minutes:>7.0f} m "
              f"{(str(stated) + ' m') if stated else '-':>7}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
