"""Progress events (churnlab/progress.py) and the instructor's progress page (instructor/progress.py).

- Without a cohort server nothing is recorded anywhere (no thread, no request, no file) and a check is
  not slower (measured against the same check with the recording call removed).
- With the server down, a check prints exactly what it prints without one, as fast.
- On a cohort server (basic auth; the session's, shared with other tests: tests/browser/conftest.py), real
  checks, hints and solutions arrive as events, named by the course's own sentence and never carrying the answer.
- The page: several learners with planted outcomes, read back from the page in headless Chromium.

Tests on the shared server use learner names of their own (``cohort_server.learner_names``), and the pages they
build show only their own learners (``_room_of``): other tests' learners on that server are another room.
"""
from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import statistics
import sys
import threading
import time
from pathlib import Path

import pytest
from local_servers import CHROMIUM, CHROMIUM_ARGS, axe_blocking_violations, free_port

from churnlab import progress

REPO = Path(__file__).resolve().parents[2]
RIGHT, PERCENTAGE, STAYED = 0.2654, 26.54, 0.7346  # lesson 01, q1 (the base rate): right, and two named mistakes


def _instructor_progress():
    sys.path.insert(0, str(REPO / "instructor"))
    try:
        if "instructor_progress" in sys.modules:
            return sys.modules["instructor_progress"]
        spec = importlib.util.spec_from_file_location("instructor_progress", REPO / "instructor" / "progress.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(REPO / "instructor"))


@pytest.fixture
def fresh_progress(monkeypatch):
    """progress's module state reset before and after (recorder, hints seen, turned off)."""
    for name, value in [("_recorder", None), ("_seen", {}), ("_last_mistake", None), ("_turned_off", False)]:
        monkeypatch.setattr(progress, name, value)
    monkeypatch.delenv(progress.OFF_VARIABLE, raising=False)
    yield
    if progress._recorder is not None:
        progress._recorder._waiting.clear()  # a test's unsent events go nowhere else


def _q1():
    from churnlab.exercises.lesson01 import q1

    return q1


def _progress_threads():
    return [thread for thread in threading.enumerate() if thread.name == "churnlab-progress"]


# --- what an event says ------------------------------------------------------------------------------------------

def test_recording_needs_a_cohort_server_and_a_user(fresh_progress):
    server = {"MLFLOW_TRACKING_URI": "https://mlflow.example.org", "MLFLOW_TRACKING_USERNAME": "ana"}
    assert progress.enabled(server)
    assert not progress.enabled({})
    assert not progress.enabled({**server, "MLFLOW_TRACKING_URI": "sqlite:///work/mlflow.db"})
    assert not progress.enabled({**server, "MLFLOW_TRACKING_URI": "/home/ana/mlruns"})
    assert not progress.enabled({**server, "MLFLOW_TRACKING_USERNAME": ""})
    for off in ("off", "OFF", "0", "no", "false"):
        assert not progress.enabled({**server, progress.OFF_VARIABLE: off})
    progress.turn_off()
    assert not progress.enabled(server)
    progress.turn_on()
    assert progress.enabled(server)


def test_a_mistake_is_named_by_the_course_sentence_never_by_the_answer():
    from churnlab.exercises.core import Mistake

    q1 = _q1()
    names = []
    for answer in (PERCENTAGE, 26.3, 0.31):  # two different wrong percentages: one mistake; then no known mistake
        try:
            q1.grade(answer)
        except Mistake as mistake:
            names.append((progress.mistake_name(mistake), progress.is_named(mistake)))
    percentage = "… looks like a percentage. Give the rate as a fraction between 0 and 1 (divide by 100)."
    assert names[0] == names[1] == (percentage, True)
    assert names[2][0].startswith("churn_rate is …, which is not the base rate.") and names[2][1] is False
    assert not any(typed in name for name, _ in names for typed in ("26.54", "26.3", "0.31"))
    assert progress.section_of(q1) == "Lesson 01, section 1 (Frame the problem)"
    assert progress.lesson_of(q1) == "01"


@pytest.mark.parametrize("message, outcome", [
    ("✅ q1: correct! 26.5% of customers left", "correct"),
    ("❌ q1: not quite. That is the share of customers who stayed", "mistake"),
    ("❌ q1: I could not check this answer (KeyError).", "wrong"),
    ("❌ q1: q1.check() takes 1 answer(s), for churn_rate; it got 2.", "wrong"),
    ("✏️ q1: not attempted yet. Replace each ____", "not attempted"),
])
def test_outcome_of_a_check(message, outcome):
    assert progress.outcome_of(message) == outcome


# --- no cohort server: nothing recorded, nothing slower -------------------------------------------------------------

def _median_seconds(call, repeat=7, number=30) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            call()
        times.append((time.perf_counter() - start) / number)
    return statistics.median(times)


def test_without_a_cohort_server_nothing_is_recorded_anywhere_and_no_check_is_slower(fresh_progress, monkeypatch, tmp_path,
                                                                                    capsys):
    """Nothing recorded, and no check slower: the recording call returns after one environment look-up.

    "Not slower" is shown by what the call does, not by timing it (timed asserts fail on a busy machine):
    every step recording takes fails this test if it is reached. The times are printed for the report.
    """
    import urllib.request

    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", "ana")  # a user name alone is not a cohort server
    monkeypatch.setenv("CHURNLAB_WORKDIR", str(tmp_path / "work"))
    q1 = _q1()
    untimed = {"without": [], "with": []}

    def three_checks():
        for answer in (RIGHT, PERCENTAGE, STAYED):
            q1.check(answer)

    for _ in range(5):  # what a check cost before progress events existed, alternated with what it costs now
        with monkeypatch.context() as patch:
            patch.setattr(progress, "record", lambda *a, **k: None)
            patch.setattr(progress, "remember_mistake", lambda *a, **k: None)
            untimed["without"].append(_median_seconds(three_checks, repeat=1, number=10))
        untimed["with"].append(_median_seconds(three_checks, repeat=1, number=10))

    def reached(*args, **kwargs):
        pytest.fail("recording went further than its first look-up without a cohort server")

    for step in ("lesson_of", "outcome_of", "mistake_name", "is_named", "section_of", "Recorder"):
        monkeypatch.setattr(progress, step, reached)
    monkeypatch.setattr(urllib.request, "urlopen", reached)
    monkeypatch.setattr(threading, "Thread", reached)
    before = set(threading.enumerate())
    capsys.readouterr()
    for answer in (RIGHT, PERCENTAGE, STAYED, "____", (1, 2)):
        q1.check(*answer) if isinstance(answer, tuple) else q1.check(answer)
    q1.hint(), q1.hint(2), q1.solution()
    assert capsys.readouterr().out.count("q1") >= 8
    assert progress._recorder is None and not _progress_threads() and set(threading.enumerate()) <= before
    assert progress._seen == {} and progress._last_mistake is None
    assert not (tmp_path / "work").exists() or not any((tmp_path / "work").rglob("*"))
    with capsys.disabled():
        print(f"\n3 checks, fastest of 5 rounds: {min(untimed['with']) * 1e3:.3f} ms with the recording calls, "
              f"{min(untimed['without']) * 1e3:.3f} ms without")


def test_with_the_server_down_a_check_prints_the_same_and_never_waits(fresh_progress, monkeypatch, capsys):
    q1 = _q1()
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    q1.check(PERCENTAGE)
    alone = capsys.readouterr()
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"http://127.0.0.1:{free_port()}")  # nothing listens there
    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", "ana")
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", "a-password-long-enough")
    calls = []
    real_call = progress.Recorder._call

    def call_from(recorder, endpoint, body=None):
        calls.append(threading.current_thread().name)
        return real_call(recorder, endpoint, body)

    monkeypatch.setattr(progress.Recorder, "_call", call_from)
    q1.check(PERCENTAGE)
    q1.hint()
    down = capsys.readouterr()
    assert down.out.startswith(alone.out) and down.err == alone.err == ""
    assert not progress._recorder.flush(timeout=1.0)  # the events wait in memory
    assert len(progress._recorder._waiting) == 2 and progress._recorder.failures >= 1
    assert calls and set(calls) == {"churnlab-progress"}  # every request from the background thread, none from the check
    assert capsys.readouterr().err == ""


# --- on a server ----------------------------------------------------------------------------------------------------

def _as_learner(monkeypatch, cohort_server, name: str) -> str:
    """A new learner on the shared server (made as add_learners.py makes one), logged in through the environment."""
    [(learner, password)] = cohort_server.add_learners(*cohort_server.learner_names(name).values()).items()
    monkeypatch.setenv("MLFLOW_TRACKING_URI", cohort_server.url)
    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", learner)
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", password)
    return learner


@contextlib.contextmanager
def _room_of(instructor_progress, learners):
    """instructor/progress.py reads only ``learners`` (their events, their practice experiments) from the server."""
    read_events, cohort_learners = progress.read_events, instructor_progress.cohort_learners
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(progress, "read_events", lambda client: [e for e in read_events(client) if e["learner"] in learners])
        patch.setattr(instructor_progress, "cohort_learners",
                      lambda client: [name for name in cohort_learners(client) if name in learners])
        yield


def test_checks_hints_and_solutions_arrive_as_events(fresh_progress, cohort_server, monkeypatch, capsys):
    from mlflow import MlflowClient

    ana = _as_learner(monkeypatch, cohort_server, "ana")
    server = cohort_server.url
    q1 = _q1()
    q1.check("____")
    q1.check(PERCENTAGE)
    q1.hint()
    q1.check(STAYED)
    q1.hint(2)
    q1.check(RIGHT)
    q1.solution()
    printed = capsys.readouterr()
    assert progress._recorder.flush(timeout=30), "events not sent"
    events = [event for event in progress.read_events(MlflowClient(tracking_uri=server)) if event["learner"] == ana]
    assert [(event["do"], event.get("outcome")) for event in events] == [
        ("check", "not attempted"), ("check", "mistake"), ("hint", None), ("check", "mistake"), ("hint", None),
        ("check", "correct"), ("solution", None)]
    assert {event["lesson"] for event in events} == {"01"} and {event["q"] for event in events} == {"q1"}
    assert [event["hints"] for event in events] == [0, 0, 1, 1, 2, 2, 2]
    assert [event["solution"] for event in events] == [False] * 6 + [True]
    assert events[1]["mistake"].endswith("looks like a percentage. Give the rate as a fraction between 0 and 1 (divide by 100).")
    assert events[3]["mistake"] == "That is the share of customers who stayed (\"No\"). The churn rate is the share who left."
    assert events[1]["see"] == "Lesson 01, section 1 (Frame the problem)"
    assert printed.err == ""
    # One run per learner and lesson, in the learner's practice experiment; never an answer in it.
    client = MlflowClient(tracking_uri=server)
    experiment = client.get_experiment_by_name(f"churn-lab-practice-{ana}")
    runs = client.search_runs([experiment.experiment_id])
    assert [run.info.run_name for run in runs] == ["progress: lesson 01"]
    stored = json.dumps(runs[0].data.tags)
    assert "26.54" not in stored and "0.7346" not in stored and "0.2654" not in stored
    assert not runs[0].data.metrics and not runs[0].data.params


def test_turned_off_in_one_line_nothing_arrives(fresh_progress, cohort_server, monkeypatch, capsys):
    from mlflow import MlflowClient

    eve = _as_learner(monkeypatch, cohort_server, "eve")
    progress.turn_off()
    _q1().check(PERCENTAGE)
    assert progress._recorder is None
    assert not [event for event in progress.read_events(MlflowClient(tracking_uri=cohort_server.url))
                if event["learner"] == eve]


# --- the instructor's page ---------------------------------------------------------------------------------------

def _plant(server: str, learner: str, password: str, events: list[dict]) -> None:
    recorder = progress.Recorder(url=server, username=learner, password=password, flush_seconds=0.1)
    for lesson, event in events:
        recorder.add(lesson, event)
    assert recorder.flush(timeout=30)


def _check(q, outcome, t, mistake=None, hints=0, solution=False):
    event = {"q": q, "do": "check", "outcome": outcome, "hints": hints, "solution": solution, "t": t}
    if mistake:
        event.update(mistake=mistake, see="Lesson 05, section 5 (compare runs)")
    return "05", event


LOWEST = "That run has the *lowest* expected profit: without DESC, order_by puts the lowest first."
ROC = "That run has the best ROC-AUC, but the question asks for the best expected profit."


@pytest.fixture(scope="module")
def page(cohort_server, tmp_path_factory):
    """(the page open in Chromium, the URLs it requested, {name: this module's learner name})."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")
    if CHROMIUM is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    names = cohort_server.learner_names("ben", "chen", "dan", "eve")
    ben, chen, dan, eve = names.values()
    passwords = cohort_server.add_learners(ben, chen, dan, eve)  # eve: a practice experiment, no event
    server = cohort_server.url
    now = time.time()
    ago = lambda minutes: now - minutes * 60
    _plant(server, ben, passwords[ben], [_check("q1", "correct", ago(9)), _check("q2", "mistake", ago(8), LOWEST),
                           ("05", {"q": "q2", "do": "hint", "hints": 2, "solution": False, "t": ago(7)}),
                           _check("q2", "correct", ago(6), hints=2)])
    _plant(server, chen, passwords[chen], [_check("q1", "correct", ago(12)), _check("q2", "mistake", ago(5), LOWEST),
                            _check("q2", "mistake", ago(4), LOWEST), _check("q2", "wrong", ago(3)),
                            _check("q2", "mistake", ago(2), ROC)])
    _plant(server, dan, passwords[dan], [_check("q1", "mistake", ago(45), LOWEST), _check("q1", "correct", ago(40))])
    folder = tmp_path_factory.mktemp("page")
    instructor_progress = _instructor_progress()
    with pytest.MonkeyPatch.context() as patch, _room_of(instructor_progress, set(names.values())):
        patch.setenv("MLFLOW_AUTH_ADMIN_PASSWORD", cohort_server.admin_password)
        watched = ("MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD", progress.OFF_VARIABLE)
        for name in watched:
            patch.setenv(name, "learner's own")
        code = instructor_progress.main(["--url", server, "--out", str(folder / "progress.html")])
        # main() reads as the admin, then puts the caller's environment back (this fixture outlives a test)
        assert {name: os.environ[name] for name in watched} == dict.fromkeys(watched, "learner's own")
    assert code == 0
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        browser_page = chromium.new_page(viewport={"width": 1400, "height": 1000})
        requests = []
        browser_page.on("request", lambda request: requests.append(request.url))
        browser_page.goto((folder / "progress.html").as_uri())
        browser_page.wait_for_load_state("load")
        yield browser_page, requests, names
        chromium.close()


def _cell(browser_page, learner, question):
    cell = browser_page.locator(f'#grid td[data-learner="{learner}"][data-question="05 {question}"]')
    return cell.get_attribute("data-state"), cell.inner_text().strip()


def test_the_page_has_no_serious_accessibility_violation(page):
    violations = axe_blocking_violations(page[0])
    assert not violations, "\n".join(violations)


def test_the_page_shows_each_learners_state(page):
    browser_page, requests, names = page
    assert requests == [browser_page.url], "the page fetches nothing"
    assert _cell(browser_page, names["ben"], "q1") == ("solved", "✅")
    assert _cell(browser_page, names["ben"], "q2") == ("solved", "✅ 💡2")
    assert _cell(browser_page, names["chen"], "q2") == ("failed", "❌")
    assert _cell(browser_page, names["dan"], "q2") == ("none", "–")
    learners = browser_page.locator("#grid tbody th").all_inner_texts()
    assert sorted(learners) == sorted(names.values())  # eve has a practice experiment, no event on lesson 05


def test_the_page_ranks_the_named_mistakes_with_the_section_to_revisit(page):
    browser_page, _, _ = page
    first = browser_page.locator('#mistakes tr[data-mistake-rank="1"] td').all_inner_texts()
    assert first[1] == "05 q2" and first[2] == LOWEST and first[3] == "2" and first[4] == "3"
    assert first[5] == "Lesson 05, section 5 (compare runs)" and first[6] == "stop the room"
    questions = browser_page.locator("#mistakes tbody tr td:nth-child(2)").all_inner_texts()
    assert sorted(question for question in questions if question.startswith("05")) == ["05 q1", "05 q2", "05 q2"]


def test_the_page_says_who_is_stuck(page):
    browser_page, _, names = page
    stuck = browser_page.locator("#stuck li").all_inner_texts()
    assert any(line.startswith(f"{names['chen']}: 4 failed checks on lesson 05 q2") for line in stuck), stuck
    assert any(line.startswith(f"{names['dan']}: no event for 40 min") for line in stuck), stuck
    assert not any(line.startswith(names["ben"]) for line in stuck), stuck


def test_reset_removes_the_progress_events_and_keeps_the_learners_runs(tmp_path, monkeypatch, capsys):
    """reset_cohort.py --yes archives the folder without the progress runs and page (a stopped SQLite cohort)."""
    from mlflow.entities import RunTag, ViewType
    from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore

    sys.path.insert(0, str(REPO / "instructor"))
    try:
        spec = importlib.util.spec_from_file_location("instructor_reset_cohort", REPO / "instructor" / "reset_cohort.py")
        reset_cohort = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(reset_cohort)
    finally:
        sys.path.remove(str(REPO / "instructor"))
    cohort = tmp_path / "cohort"
    reset_cohort.cohortlib.make_cohort_folder(cohort)
    reset_cohort.cohortlib.write_auth_config(cohort)
    (cohort / "progress.html").write_text("<p>ana: ❌</p>")
    store = SqlAlchemyStore(reset_cohort.cohortlib.sqlite_backend(cohort), (cohort / "artifacts").as_uri())
    experiment_id = store.create_experiment("churn-lab-practice-ana")
    kept = store.create_run(experiment_id, "ana", 0, [], "model C=0.3").info.run_id
    for lesson in ("01", "05"):
        store.create_run(experiment_id, "ana", 0, [RunTag(progress.TAG, lesson), RunTag("event.1.a.1", "{}")],
                         f"progress: lesson {lesson}")
    store.engine.dispose()

    assert reset_cohort.main(["--data-dir", str(cohort)]) == 0
    assert "remove the learners' progress events" in capsys.readouterr().out
    assert reset_cohort.main(["--data-dir", str(cohort), "--yes"]) == 0
    assert "removed the learners' progress events (2 progress run(s))" in capsys.readouterr().out
    [archive] = tmp_path.glob("cohort-archive-*")
    assert not (archive / "progress.html").exists()
    store = SqlAlchemyStore(reset_cohort.cohortlib.sqlite_backend(archive), (archive / "artifacts").as_uri())
    runs = store.search_runs([experiment_id], "", ViewType.ALL)
    assert [run.info.run_id for run in runs] == [kept]


@pytest.mark.skipif(os.environ.get("CHURNLAB_INSTRUCTOR_SMOKE") != "1",
                    reason="runs the cohort recipe with basic auth (add_learners.py, learners' own passwords); "
                           "set CHURNLAB_INSTRUCTOR_SMOKE=1 to run")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # raised inside MLflow's imports, not ours
def test_on_the_cohort_recipe_with_basic_auth(fresh_progress, cohort_server, tmp_path, monkeypatch, capsys):
    """Learners added by add_learners.py record with their own password; the admin's page reads them; off means off."""
    import csv

    sys.path.insert(0, str(REPO / "instructor"))
    try:
        import add_learners
        import cohortlib
    finally:
        sys.path.remove(str(REPO / "instructor"))
    ana, ben = cohort_server.learner_names("ana", "ben").values()
    data_dir = tmp_path / "cohort"  # this test's learners.csv; the server keeps its own folder
    cohortlib.make_cohort_folder(data_dir)
    cohortlib.write_auth_config(data_dir)
    url = cohort_server.url
    for name, value in [("MLFLOW_AUTH_ADMIN_PASSWORD", cohort_server.admin_password), ("MLFLOW_TRACKING_URI", url),
                        ("MLFLOW_TRACKING_USERNAME", "unset"), ("MLFLOW_TRACKING_PASSWORD", "unset"),
                        ("MLFLOW_LOGGING_LEVEL", "WARNING"), (progress.OFF_VARIABLE, "off")]:
        monkeypatch.setenv(name, value)  # add_learners.py sets the admin's: put them back afterwards
    (tmp_path / "learners.txt").write_text(f"{ana}\n{ben}\n")
    assert add_learners.main([str(tmp_path / "learners.txt"), "--url", url, "--data-dir", str(data_dir)]) == 0
    with open(data_dir / cohortlib.CREDENTIALS_FILE) as file:
        passwords = {row["username"]: row["password"] for row in csv.DictReader(file)}
    capsys.readouterr()
    q1 = _q1()
    for learner, answers in [(ana, (PERCENTAGE, RIGHT)), (ben, (STAYED,))]:
        monkeypatch.setenv("MLFLOW_TRACKING_URI", url)
        monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", learner)
        monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", passwords[learner])
        monkeypatch.setenv(progress.OFF_VARIABLE, "off" if learner == ben else "on")  # ben's one line
        for answer in answers:
            q1.check(answer)
    assert progress._recorder.flush(timeout=60) and progress._recorder.failures == 0
    assert progress._recorder.username == ana
    out = tmp_path / "progress.html"
    instructor_progress = _instructor_progress()
    with _room_of(instructor_progress, {ana, ben}):
        assert instructor_progress.main(["--url", url, "--out", str(out)]) == 0
    page = out.read_text()
    assert f'data-learner="{ana}" data-question="01 q1" data-state="solved"' in page
    assert f'data-learner="{ben}" data-question="01 q1" data-state="none"' in page
    assert "looks like a percentage" in page and "26.54" not in page
    assert oct(out.stat().st_mode & 0o777) == "0o600"
