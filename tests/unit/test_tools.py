"""The authoring tools: tools/make_exercises.py and tools/set_repo_url.py."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from churnlab.colab import badge_markdown, bootstrap_cell

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / "tools"
sys.path.insert(0, str(TOOLS))  # tools/ is a folder of scripts, not a package
import make_exercises  # noqa: E402

# --- make_exercises: blank_out_answers ------------------------------------------------------------


def test_one_line_answer_keeps_the_variable_and_loses_the_code():
    source = "churn_rate = customers['churn'].eq('Yes').mean()  # answer\nq1.check()"
    assert make_exercises.blank_out_answers(source) == "churn_rate = ____  # your answer\nq1.check()"


def test_answer_marker_tolerates_spacing():
    assert make_exercises.blank_out_answers("x=1 #answer  ") == "x = ____  # your answer"


def test_indented_answer_keeps_its_indent():
    source = "for _ in range(1):\n    total = 1 + 1  # answer\nprint('done')"
    assert make_exercises.blank_out_answers(source) == "for _ in range(1):\n    total = ____  # your answer\nprint('done')"


def test_blank_marker_blanks_one_part_of_a_line():
    source = "churn_scores = model.predict_proba(X_test)[:, 1]  # blank: X_test\nq1.check()"
    assert make_exercises.blank_out_answers(source) == "churn_scores = model.predict_proba(____)[:, 1]\nq1.check()"


def test_blank_marker_can_leave_a_comment_for_the_learner():
    source = "gap = fairness.recall_gap(scores, 'dependents')  # blank: 'dependents' | a column name, in quotes"
    assert make_exercises.blank_out_answers(source) == "gap = fairness.recall_gap(scores, ____)  # a column name, in quotes"


def test_blank_marker_text_must_appear_exactly_once():
    for source in ("x = f(a, a)  # blank: a", "x = f(a)  # blank: b"):
        with pytest.raises(ValueError, match="blank a part that appears once"):
            make_exercises.blank_out_answers(source)


def test_lines_without_the_marker_are_kept():
    source = "# answer the question below\ncustomers = load_churn()\nx = 1  # answers vary"
    assert make_exercises.blank_out_answers(source) == source


def test_answer_block_becomes_one_blank_line():
    source = "\n".join([
        "from sklearn.model_selection import train_test_split",
        "# answer begins: my_y_test",
        "X_train, X_test, y_train, my_y_test = train_test_split(",
        "    X, y, test_size=0.2, stratify=y, random_state=42",
        ")",
        "# answer ends",
        "q2.check()",
    ])
    assert make_exercises.blank_out_answers(source) == (
        "from sklearn.model_selection import train_test_split\nmy_y_test = ____  # your answer\nq2.check()"
    )


def test_indented_answer_block():
    source = "if True:\n    # answer begins: rate\n    a = 1\n    rate = a / 2\n    # answer ends\n    print(rate)"
    assert make_exercises.blank_out_answers(source) == "if True:\n    rate = ____  # your answer\n    print(rate)"


def test_answer_block_without_an_end_raises():
    with pytest.raises(ValueError, match="no '# answer ends' line"):
        make_exercises.blank_out_answers("# answer begins: rate\nrate = 0.3\nq1.check()")


def test_answer_line_that_cannot_be_blanked_is_not_left_in():
    source = "X_train, X_test, y_train, my_y_test = train_test_split(X, y)  # answer"
    try:
        blanked = make_exercises.blank_out_answers(source)
    except ValueError:
        return  # refusing is fine too
    assert "train_test_split" not in blanked


# --- make_exercises: exercise_from_solution --------------------------------------------------------


def _solution_notebook() -> nbformat.NotebookNode:
    notebook = new_notebook()
    notebook.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
        "widgets": {"state": "lots of it"},
    }
    header = new_markdown_cell(
        "[![Open in Colab](badge.svg)](https://colab.research.google.com/github/o/r/blob/main/solutions/01_frame.ipynb)\n\n# 01 · Frame"
    )
    solved_note = new_markdown_cell("This is the solved copy; practise in exercises/01_frame.ipynb")
    solved_note.metadata["tags"] = ["solution-only"]
    question = new_code_cell("churn_rate = customers['churn'].eq('Yes').mean()  # answer\nq1.check()")
    question.outputs = [new_output("stream", name="stdout", text="✅ q1: correct!\n")]
    question.execution_count = 3
    question.metadata["execution"] = {"iopub.execute_input": "2026-01-01T00:00:00Z"}
    question.metadata["tags"] = ["keep-me"]
    helper = new_code_cell("# q1.hint()\n# q1.solution()")
    helper.execution_count = 4
    link = new_markdown_cell("Next: [the solved lesson 02](solutions/02_model.ipynb) and [setup](../notebooks/00_welcome.ipynb).")
    notebook.cells = [header, solved_note, question, helper, link]
    return notebook


def test_exercise_drops_solution_only_cells():
    exercise = make_exercises.exercise_from_solution(_solution_notebook())
    assert len(exercise.cells) == 4
    assert all("solved copy" not in cell.source for cell in exercise.cells)


def test_exercise_blanks_answers_and_clears_outputs():
    solution = _solution_notebook()
    exercise = make_exercises.exercise_from_solution(solution)
    code_cells = [c for c in exercise.cells if c.cell_type == "code"]
    assert code_cells[0].source == "churn_rate = ____  # your answer\nq1.check()"
    assert all(c.outputs == [] and c.execution_count is None for c in code_cells)
    assert all("execution" not in c.metadata for c in exercise.cells)
    assert code_cells[0].metadata["tags"] == ["keep-me"]
    assert set(exercise.metadata) == {"kernelspec", "language_info"}
    # The solution itself is untouched (the generator works on a copy).
    assert solution.cells[2].outputs and solution.cells[2].execution_count == 3
    assert len(solution.cells) == 5


def test_exercise_links_point_to_exercises():
    exercise = make_exercises.exercise_from_solution(_solution_notebook())
    assert exercise.cells[0].source.startswith(
        "[![Open in Colab](badge.svg)](https://colab.research.google.com/github/o/r/blob/main/exercises/01_frame.ipynb)"
    )
    assert "(exercises/02_model.ipynb)" in exercise.cells[3].source
    assert "../notebooks/00_welcome.ipynb" in exercise.cells[3].source
    assert all("solutions/" not in cell.source for cell in exercise.cells)
    nbformat.validate(exercise)


def test_main_writes_and_checks_exercises(tmp_path, monkeypatch, capsys):
    solutions, exercises = tmp_path / "solutions", tmp_path / "exercises"
    solutions.mkdir()
    nbformat.write(_solution_notebook(), solutions / "01_frame.ipynb")
    monkeypatch.setattr(make_exercises, "ROOT", tmp_path)
    monkeypatch.setattr(make_exercises, "SOLUTIONS", solutions)
    monkeypatch.setattr(make_exercises, "EXERCISES", exercises)

    assert make_exercises.main(["--check"]) == 1  # nothing generated yet
    assert "out of date: exercises/01_frame.ipynb" in capsys.readouterr().out
    assert make_exercises.main([]) == 0
    written = nbformat.read(exercises / "01_frame.ipynb", as_version=4)
    assert written.cells[1].source.startswith("churn_rate = ____")
    assert make_exercises.main(["--check"]) == 0
    (exercises / "99_orphan.ipynb").write_text("{}")
    assert make_exercises.main(["--check"]) == 1
    assert "no solution for: exercises/99_orphan.ipynb" in capsys.readouterr().out


# --- set_repo_url -------------------------------------------------------------------------------

OLD_URL = "https://github.com/churn-lab/churn-lab"
NEW_URL = "https://github.com/new-owner/new.repo"


def _notebook_for(url: str, path: str) -> str:
    notebook = new_notebook()
    notebook.cells = [
        new_markdown_cell(badge_markdown(url, path) + "\n\n# 00 · Welcome"),
        new_code_cell(bootstrap_cell(url)),
        new_code_cell("print('stored outputs stay')", outputs=[new_output("stream", name="stdout", text="stored outputs stay\n")]),
    ]
    return nbformat.writes(notebook)


@pytest.fixture()
def fake_repo(tmp_path) -> Path:
    """A tiny copy of the course layout: the two tools, pyproject, README, notebooks and the instructor guide."""
    (tmp_path / "tools").mkdir()
    for name in ("course_config.py", "set_repo_url.py"):
        shutil.copy(TOOLS / name, tmp_path / "tools" / name)
    (tmp_path / "pyproject.toml").write_text(f'[project]\nname = "x"\n\n[project.urls]\nRepository = "{OLD_URL}"\n')
    (tmp_path / "README.md").write_text(
        f"# Churn lab\n\n{badge_markdown(OLD_URL, 'notebooks/00_welcome.ipynb')}\n\nClone {OLD_URL}.git\n"
        "Binder: https://mybinder.org/v2/gh/churn-lab/churn-lab/HEAD?urlpath=lab\n"
    )
    for folder, name in [("notebooks", "00_welcome.ipynb"), ("solutions", "01_frame.ipynb"), ("exercises", "01_frame.ipynb")]:
        (tmp_path / folder).mkdir(exist_ok=True)
        (tmp_path / folder / name).write_text(_notebook_for(OLD_URL, f"{folder}/{name}"))
    (tmp_path / "instructor").mkdir()
    (tmp_path / "instructor" / "README.md").write_text(f"Fork {OLD_URL} first.\n")
    (tmp_path / "notes.md").write_text(f"Not a course file: {OLD_URL}\n")
    return tmp_path


def _set_repo_url(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "tools/set_repo_url.py", *args], cwd=repo, capture_output=True, text=True, timeout=60
    )


def test_set_repo_url_rewrites_badges_cells_readme_and_guide(fake_repo):
    result = _set_repo_url(fake_repo, NEW_URL)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "churn-lab/churn-lab -> new-owner/new.repo: 6 files updated"

    assert f'Repository = "{NEW_URL}"' in (fake_repo / "pyproject.toml").read_text()
    for folder, name in [("notebooks", "00_welcome.ipynb"), ("solutions", "01_frame.ipynb"), ("exercises", "01_frame.ipynb")]:
        path = fake_repo / folder / name
        notebook = nbformat.read(path, as_version=4)  # still a valid notebook
        assert notebook.cells[0].source.startswith(badge_markdown(NEW_URL, f"{folder}/{name}"))
        assert notebook.cells[1].source == bootstrap_cell(NEW_URL)
        assert notebook.cells[2].outputs[0]["text"] == "stored outputs stay\n"
        assert "churn-lab/churn-lab" not in path.read_text()
    readme = (fake_repo / "README.md").read_text()
    assert badge_markdown(NEW_URL, "notebooks/00_welcome.ipynb") in readme
    assert f"Clone {NEW_URL}.git" in readme
    assert "https://mybinder.org/v2/gh/new-owner/new.repo/HEAD?urlpath=lab" in readme
    assert (fake_repo / "instructor" / "README.md").read_text() == f"Fork {NEW_URL} first.\n"
    assert (fake_repo / "notes.md").read_text() == f"Not a course file: {OLD_URL}\n"


def test_set_repo_url_twice_is_harmless(fake_repo):
    assert _set_repo_url(fake_repo, NEW_URL).returncode == 0
    again = _set_repo_url(fake_repo, NEW_URL + "/")
    assert again.returncode == 0
    assert again.stdout.strip().endswith(": 0 files updated")


@pytest.mark.parametrize(
    "bad_url",
    ["http://github.com/a/b", "https://gitlab.com/a/b", "github.com/a/b", "https://github.com/only-owner", "https://github.com/a/b/c"],
)
def test_set_repo_url_rejects_a_bad_url_and_changes_nothing(fake_repo, bad_url):
    before = {p: p.read_bytes() for p in fake_repo.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    result = _set_repo_url(fake_repo, bad_url)
    assert result.returncode == 1
    assert f"not a GitHub repository URL: {bad_url!r}" in result.stderr
    assert "https://github.com/OWNER/REPO" in result.stderr
    assert all(p.read_bytes() == content for p, content in before.items())


def test_set_repo_url_without_an_argument_prints_its_usage(fake_repo):
    result = _set_repo_url(fake_repo)
    assert result.returncode == 1
    assert "python tools/set_repo_url.py https://github.com/OWNER/REPO" in result.stderr


def test_the_real_repository_url_is_a_valid_one():
    import course_config
    import set_repo_url  # imported here: it reads course_config at import

    assert set_repo_url.owner_repo(course_config.repository_url()) == course_config.repository_url().removeprefix("https://github.com/")


# --- escape_dollars ----------------------------------------------------------------------------------

import escape_dollars  # noqa: E402


@pytest.mark.parametrize("markdown, expected", [
    ("A call costs $10.", "A call costs \\$10."),
    ("A contact costs $10 and is worth $60.", "A contact costs <span>\\$10</span> and is worth <span>\\$60</span>."),
    ("Costs \\$10.\n\n- worth $200 or $30\n- only $5", "Costs \\$10.\n\n- worth <span>\\$200</span> or <span>\\$30</span>\n- only \\$5"),
    ("| $10 | $30 |", "| \\$10 | \\$30 |"),  # one amount per table cell
    ("`$x = $y` and **$10 a call** and $3", "`$x = $y` and **\\$10 a call** and \\$3"),  # code untouched; bold is its own element
    ("a loss of -$3,450 against $12,010", "a loss of -<span>\\$3,450</span> against <span>\\$12,010</span>"),
    ("$x^{2}$ is LaTeX", "$x^{2}$ is LaTeX"),
])
def test_dollar_amounts_are_written_so_no_renderer_typesets_them(markdown, expected):
    assert escape_dollars.escape_markdown(markdown) == expected
    assert escape_dollars.escape_markdown(expected) == expected  # running it twice changes nothing


# --- benchmark: the floor a notebook cannot avoid ------------------------------------------------------

import benchmark  # noqa: E402


def test_the_floor_imports_the_notebooks_own_imports_and_what_its_libraries_load_lazily():
    notebook = new_notebook(cells=[new_code_cell("import json\nfrom pathlib import Path\nx = 1"), new_markdown_cell("text"),
                                   new_code_cell("%matplotlib inline"), new_code_cell("y = json.dumps(x)")])
    assert benchmark.import_statements(notebook) == ["import json", "from pathlib import Path"]
    floor = benchmark.imports_only(notebook, ["email.mime.text"])
    assert len(floor.cells) == 1
    source = floor.cells[0].source
    assert source.startswith("import json\nfrom pathlib import Path\n") and "'email.mime.text'" in source
    namespace: dict = {}
    exec(compile(source, "<floor>", "exec"), namespace)  # a module that fails to import alone is skipped, not fatal
    exec(compile(benchmark.imports_only(notebook, ["not_a_module_xyz"]).cells[0].source, "<floor>", "exec"), {})


def test_the_round_trip_floor_has_one_empty_cell_for_each_other_code_cell():
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_markdown_cell("# title"), nbformat.v4.new_code_cell("import json"),
                      nbformat.v4.new_code_cell("print(json.dumps(1))"), nbformat.v4.new_code_cell("x = 2")]
    assert benchmark.code_cells(notebook) == 3
    floor = benchmark.imports_only(notebook, [], empty_cells=benchmark.code_cells(notebook) - 1)
    assert [cell.source for cell in floor.cells[1:]] == ["pass", "pass"]
    assert floor.cells[0].source.startswith("import json\n")



def test_round_trips_and_compute_are_differences_within_each_run():
    # (floor, floor + empty cells, run all): the third run is slow throughout (a busy machine), which a difference
    # of separate medians would count as compute; the differences within each run do not.
    timings = [(2.0, 2.1, 2.4), (2.2, 2.3, 2.6), (3.0, 3.1, 3.4)]
    whole, floor, round_trips, compute = benchmark.paired_medians(timings)
    assert (whole, floor) == (2.6, 2.2)
    assert round_trips == pytest.approx(0.1) and compute == pytest.approx(0.3)
    # An empty-cell kernel faster than the bare floor counts no round trips, never a negative time.
    assert benchmark.paired_medians([(2.0, 1.9, 2.5)])[2] == 0.0

def test_blank_marker_in_sql_text_is_an_sql_comment():
    source = "query = '''\n    SELECT month\n    FROM predictions  -- blank: predictions | the prediction log\n'''\nq3.check()"
    assert make_exercises.blank_out_answers(source) == "query = '''\n    SELECT month\n    FROM ____  -- the prediction log\n'''\nq3.check()"
