"""The times a learner is promised: tools/reading_time.py's estimate, the notebooks' stated times, the README's table."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tools"))  # tools/ is a folder of scripts, not a package
import reading_time  # noqa: E402

LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
README_ROW = re.compile(r"^\| (\d\d) \| .*\| (\d+)(?: \+ (\d+))? min \|$", re.MULTILINE)


def test_words_leave_out_link_addresses_and_html_tags():
    assert reading_time.words("Pick the [threshold](glossary.ipynb#threshold) at <span>\\$10</span> a contact.") == 7


def test_estimate_counts_words_cells_outputs_and_charts(tmp_path):
    chart = new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"})
    printed = new_output("stream", name="stdout", text="one two three four five six seven eight nine ten\n")
    notebook = new_notebook(cells=[new_markdown_cell(" ".join(["word"] * 260)),
                                   new_code_cell("print(1)", outputs=[printed]),
                                   new_code_cell("plot()", outputs=[chart])])
    path = tmp_path / "notebooks" / "99_x.ipynb"
    path.parent.mkdir()
    nbformat.write(notebook, path)
    found = reading_time.estimate(path)
    assert (found.markdown_words, found.code_cells, found.output_words, found.charts, found.questions) == (260, 2, 10, 1, 0)
    assert found.minutes == pytest.approx(270 / 130 + (2 * 30 + 45) / 60)


def test_an_exercise_counts_its_required_questions_not_the_optional_one(tmp_path):
    cells = [new_code_cell(f"answer = ____\nq{number}.check()") for number in (1, 2, 3, 4, 5)]
    path = tmp_path / "exercises" / "99_x.ipynb"
    path.parent.mkdir()
    nbformat.write(new_notebook(cells=cells), path)
    assert reading_time.estimate(path).questions == 4


def _readme_times() -> dict[str, tuple[int, int | None]]:
    table = (ROOT / "README.md").read_text(encoding="utf-8")
    return {number: (int(lesson), int(exercise) if exercise else None)
            for number, lesson, exercise in README_ROW.findall(table)}


def test_the_readme_lists_every_lesson_with_its_time():
    assert sorted(_readme_times()) == [path.name[:2] for path in LESSONS]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda path: path.name[:2])
def test_stated_times_agree_and_never_promise_less_than_the_estimate(lesson):
    readme_lesson, readme_exercise = _readme_times()[lesson.name[:2]]
    stated = reading_time.stated_minutes(lesson)
    assert stated == readme_lesson, f"{lesson.name} states {stated} minutes, the README {readme_lesson}"
    assert stated >= reading_time.estimate(lesson).minutes, f"{lesson.name}: the estimate is longer than the stated time"
    exercise = ROOT / "exercises" / lesson.name
    if not exercise.exists():
        assert readme_exercise is None
        return
    stated_exercise = reading_time.stated_minutes(exercise)
    assert stated_exercise == readme_exercise, f"exercise {lesson.name} states {stated_exercise} minutes, the README {readme_exercise}"
    assert stated_exercise >= round(reading_time.estimate(exercise).minutes), \
        f"exercise {lesson.name}: the estimate ({reading_time.estimate(exercise).minutes:.0f} min) is longer than the stated time"


def test_the_readmes_total_is_the_sum_of_its_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    total = re.search(r"In all, about (\d+) h (\d+) min of lessons and (\d+) h (\d+) min of exercises", readme)
    assert total, "the README states the course's total time under its table"
    times = _readme_times().values()
    lessons, exercises = sum(lesson for lesson, _ in times), sum(exercise or 0 for _, exercise in times)
    hours = [int(number) for number in total.groups()]
    assert (hours[0] * 60 + hours[1], hours[2] * 60 + hours[3]) == (lessons, exercises)


GUIDE_ROW = re.compile(r"^\| \[(?:\d\d · [^\]]+|exercise \d\d)\]\(\.\./((?:notebooks|exercises)/\d\d_[\w]+\.ipynb)\) \(([^)]*)\) "
                       r"\| (\d+) min \| (\d+) min \|", re.MULTILINE)


def test_update_guide_rewrites_a_stale_row_and_leaves_a_right_one_alone():
    guide = (ROOT / "instructor" / "README.md").read_text(encoding="utf-8")
    assert reading_time.updated_guide(guide) == guide  # the committed guide is up to date (see the test below)
    stale = re.sub(r"(06_fairness_and_explanations\.ipynb\) \()[\d,]+ · \d+ · \d+(\) \| )\d+", r"\g<1>1 · 2 · 3\g<2>7", guide)
    assert stale != guide
    assert reading_time.updated_guide(stale) == guide


def test_the_instructor_guides_table_is_what_the_estimate_says():
    guide = (ROOT / "instructor" / "README.md").read_text(encoding="utf-8")
    rows = {path: (detail, int(estimate), int(stated)) for path, detail, estimate, stated in GUIDE_ROW.findall(guide)}
    notebooks = [path.relative_to(ROOT).as_posix() for path in reading_time.course_notebooks()]
    assert sorted(rows) == sorted(notebooks), "the guide's agenda table lists every lesson and exercise"
    for path, (detail, estimate, stated) in rows.items():
        found = reading_time.estimate(ROOT / path)
        assert estimate == round(found.minutes), f"{path}: the guide says {estimate} min, tools/reading_time.py {found.minutes:.0f}"
        assert stated == reading_time.stated_minutes(ROOT / path), f"{path}: the guide's stated time is not the notebook's"
        if path.startswith("notebooks/"):
            assert detail == f"{found.markdown_words:,} · {found.code_cells} · {found.charts}", path


def test_an_exercise_leaves_out_its_optional_question_and_its_hint_cells(tmp_path):
    cells = [new_markdown_cell("# Exercise\n\nRead me."),
             new_markdown_cell("## Question 1 · Base rate\n\nTwo words."),
             new_code_cell("answer = ____\nq1.check()"), new_code_cell("# q1.hint()\n# q1.solution()"),
             new_markdown_cell("## Question 2 · Go further\n\nMany words here, not counted."),
             new_code_cell("answer = ____\nq2.check()"), new_code_cell("# q2.hint()"),
             new_markdown_cell("## Done\n\nBye.")]
    path = tmp_path / "exercises" / "99_x.ipynb"
    path.parent.mkdir()
    nbformat.write(new_notebook(cells=cells), path)
    found = reading_time.estimate(path)
    # "Exercise Read me." + "Question 1 · Base rate Two words." + "Done Bye.": the optional section and hints left out
    assert (found.markdown_words, found.code_cells, found.questions) == (3 + 6 + 2, 1, 1)
    assert found.minutes == pytest.approx(11 / 130 + 30 / 60 + reading_time.MINUTES_PER_QUESTION)
