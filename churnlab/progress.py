"""Progress events for the instructor: what each ``check()``, ``hint()`` and ``solution()`` did, never the answer.

On a cohort server only (``MLFLOW_TRACKING_URI`` an ``http(s)://`` address and
``MLFLOW_TRACKING_USERNAME`` set, as instructor/README.md section 4.5 says),
each call of a question's ``check()``, ``hint()`` or ``solution()`` records one
small event for the instructor's progress page (``instructor/progress.py``):

- the lesson and the question (``05``, ``q2``);
- what happened: ``check``, ``hint`` or ``solution``, and for a check its
  outcome: ``correct``, ``mistake`` (a known mistake, named by the course's own
  sentence for it, e.g. "That run has the *lowest* expected profit ..."),
  ``wrong`` (any other wrong answer) or ``not attempted``;
- how many hints of that question were seen so far, whether its solution was;
- the time.

Never the answer, its value, the code or a message filled with it: a mistake is
named by the *source* of the course's sentence (``{name!r}`` stays a
placeholder), which is the same for every learner.

Turn it off with one line, in a notebook ``from churnlab import progress; progress.turn_off()``,
or for a whole terminal ``export CHURNLAB_PROGRESS=off`` before starting JupyterLab.

Storage: one MLflow run per learner and lesson, named ``progress: lesson 05``,
in the learner's own practice experiment (``churn-lab-practice-<name>``, which
only they may write), tagged ``churnlab.progress=05``. Each event is one tag of
that run, ``event.<ms>.<process>.<n>`` = a JSON object. Tags are appended, never
rewritten, so two notebooks of the same learner cannot overwrite each other's
events, and the admin reads a whole cohort with one paged ``search_runs``
(``read_events``). Events go out in the background, batched (one request per
``FLUSH_SECONDS``, at most 100 tags a request): a check never waits for the
server, and when the server is down the events wait in memory (at most
``MAX_WAITING``) and the learner sees nothing of it.

This module is in the package's lowest layer: it imports only the standard
library (it talks to MLflow's REST API itself, so recording never imports MLflow).
"""
from __future__ import annotations

import ast
import atexit
import base64
import json
import linecache
import os
import re
import secrets
import ssl
import threading
import time
import urllib.parse
import urllib.request
from collections import deque
from dataclasses import dataclass, field
from functools import cache
from typing import Any

__all__ = [
    "OFF_VARIABLE", "Recorder", "enabled", "events_from_run", "is_named", "make_event", "mistake_name", "read_events", "record",
    "turn_off", "turn_on",
]

OFF_VARIABLE = "CHURNLAB_PROGRESS"  # "off" (or 0, no, false) turns recording off
TAG = "churnlab.progress"  # on the progress run: the lesson, "05"
LEARNER_TAG = "churnlab.learner"
EVENT_PREFIX = "event."
PRACTICE_EXPERIMENT_BASE = "churn-lab-practice"  # churnlab.tracking's name for the exercises' experiment
FLUSH_SECONDS = 2.0
BATCH_SIZE = 100  # MLflow's limit of tags per log-batch request
MAX_WAITING = 2000  # events kept while the server is unreachable; beyond that the oldest go
REQUEST_TIMEOUT = 10.0
OUTCOMES = ("correct", "mistake", "wrong", "not attempted")

_turned_off = False
_PROCESS = secrets.token_hex(3)  # in every event's key: two notebooks of one learner never write the same key


def turn_off() -> None:
    """Stop recording progress events in this notebook (until ``turn_on()`` or a new kernel)."""
    global _turned_off
    _turned_off = True


def turn_on() -> None:
    """Record progress events again in this notebook (only on a cohort server)."""
    global _turned_off
    _turned_off = False


def enabled(environ=None) -> bool:
    """True when this notebook records events: a cohort server with a user name, and not turned off."""
    environ = os.environ if environ is None else environ
    uri = environ.get("MLFLOW_TRACKING_URI")  # first: without it (a learner alone), nothing else is looked at
    if not uri or _turned_off or not uri.strip().startswith(("http://", "https://")):
        return False
    if environ.get(OFF_VARIABLE, "").strip().lower() in ("off", "0", "no", "false"):
        return False
    return bool(environ.get("MLFLOW_TRACKING_USERNAME", "").strip())


# --- what an event says -------------------------------------------------------------------------------------

def lesson_of(question: Any) -> str:
    """The lesson a question belongs to, from its module's name ("churnlab.exercises.lesson05" -> "05")."""
    found = re.search(r"lesson(\d+)", type(question).__module__)
    return found.group(1) if found else type(question).__module__.rsplit(".", 1)[-1]


def section_of(question: Any) -> str:
    """Where the lesson teaches it, from the question's first hint ("Lesson 05, section 3 (log a run ...)")."""
    hints = getattr(question, "hints", ()) or ("",)
    found = re.match(r"(Lessons? \d+, sections? [^:(.]*?(?: \([^)]*\))?)\s*[:.]", hints[0])
    return found.group(1) if found else f"Lesson {lesson_of(question)}"


def outcome_of(message: str) -> str:
    """A check's outcome from the message it printed: correct, mistake, wrong or not attempted."""
    if message.startswith("✅"):
        return "correct"
    if message.startswith("✏️"):
        return "not attempted"
    return "mistake" if ": not quite." in message.split("\n", 1)[0] else "wrong"


@cache
def _raise_statements(filename: str) -> tuple[tuple[int, int, ast.expr | None, bool], ...]:
    """Each ``raise X(...)`` of a source file: its lines, its first argument, and whether it is a last resort.

    A last resort is a raise straight in a function's body, under no ``if``: a grading's
    "none of the known mistakes" sentence, which is not a named mistake.
    """
    try:
        tree = ast.parse("".join(linecache.getlines(filename)))
    except (SyntaxError, ValueError):
        return ()
    last_resorts = {id(statement) for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                    for statement in node.body}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            found.append((node.lineno, node.end_lineno, node.exc.args[0] if node.exc.args else None, id(node) in last_resorts))
    return tuple(found)


def _template(expression: ast.expr | None) -> str:
    """The course's sentence as written in its source: constants kept, every placeholder as "…"."""
    if isinstance(expression, ast.Constant) and isinstance(expression.value, str):
        return expression.value
    if isinstance(expression, ast.JoinedStr):
        return "".join(part.value if isinstance(part, ast.Constant) else "…" for part in expression.values)
    if isinstance(expression, ast.BinOp):  # "..." + "..." or f"..." f"..." split over lines
        return _template(expression.left) + _template(expression.right)
    return ast.unparse(expression) if expression is not None else ""


def _raise_site(mistake: BaseException) -> tuple[str, bool]:
    """(the sentence's source text, whether it is a last resort) of where ``mistake`` was raised."""
    traceback = mistake.__traceback__
    while traceback is not None and traceback.tb_next is not None:
        traceback = traceback.tb_next
    if traceback is None:
        return type(mistake).__name__, False
    filename, line = traceback.tb_frame.f_code.co_filename, traceback.tb_lineno
    spans = [(end - start, argument, last) for start, end, argument, last in _raise_statements(filename) if start <= line <= end]
    innermost = min(spans, key=lambda span: span[0]) if spans else (0, None, False)
    text = " ".join(_template(innermost[1]).split()) or f"{traceback.tb_frame.f_code.co_name}, line {line}"
    return text, innermost[2]


def mistake_name(mistake: BaseException, limit: int = 160) -> str:
    """A known mistake's name: the source text of the sentence the course raised it with, never its values.

    Two learners who make the same mistake get the same name, whatever they typed.
    """
    text = _raise_site(mistake)[0]
    return text if len(text) <= limit else text[: limit - 1] + "…"


def is_named(mistake: BaseException) -> bool:
    """False for a grading's last-resort sentence ("churn_rate is 0.31. It should be ..."): an "other wrong" answer."""
    return not _raise_site(mistake)[1]


def make_event(question: str, action: str, outcome: str | None = None, mistake: str | None = None, see: str | None = None,
               hints: int = 0, solution: bool = False, t: float | None = None) -> dict:
    """One event as ``record`` builds it (for tests and the load test, which have no Question object).

    ``question``: "q2"; ``action``: "check", "hint" or "solution"; ``outcome`` (checks only): one of ``OUTCOMES``;
    ``mistake``/``see``: a named mistake and the lesson section to revisit; ``t``: seconds since the epoch (now).
    """
    event = {"q": question, "do": action, "hints": int(hints), "solution": bool(solution),
             "t": round(time.time() if t is None else t, 3)}
    if action == "check":
        event["outcome"] = outcome or "wrong"
        if mistake:
            event.update(mistake=mistake, see=see or "")
    return event


# --- recording --------------------------------------------------------------------------------------------------

@dataclass
class Recorder:
    """Sends one learner's events to their cohort server in the background, batched.

    ``url``, ``username``, ``password``: the server and the learner's account (the
    load test makes one recorder per simulated learner). ``add(lesson, event)``
    queues an event and returns at once; ``flush(timeout)`` waits until every
    queued event is stored (True) or the time is up (False).
    """

    url: str
    username: str
    password: str = field(default="", repr=False)
    token: str = field(default="", repr=False)
    flush_seconds: float = FLUSH_SECONDS
    sent: int = field(default=0, init=False)  # events stored so far
    failures: int = field(default=0, init=False)  # requests that failed (the events were kept and sent again)
    _waiting: deque = field(default_factory=lambda: deque(maxlen=MAX_WAITING), init=False, repr=False)
    _runs: dict = field(default_factory=dict, init=False, repr=False)
    _experiment_id: str | None = field(default=None, init=False, repr=False)
    _lock: threading.Condition = field(default_factory=threading.Condition, init=False, repr=False)
    _thread: threading.Thread | None = field(default=None, init=False, repr=False)
    _in_flight: int = field(default=0, init=False, repr=False)
    _count: int = field(default=0, init=False, repr=False)
    _hurry: bool = field(default=False, init=False, repr=False)

    @classmethod
    def from_environment(cls, environ=None) -> Recorder:
        environ = os.environ if environ is None else environ
        return cls(url=environ["MLFLOW_TRACKING_URI"].strip().rstrip("/"),
                   username=environ["MLFLOW_TRACKING_USERNAME"].strip(),
                   password=environ.get("MLFLOW_TRACKING_PASSWORD", ""), token=environ.get("MLFLOW_TRACKING_TOKEN", ""))

    def add(self, lesson: str, event: dict) -> None:
        with self._lock:
            self._count += 1
            key = f"{EVENT_PREFIX}{int(event['t'] * 1000):013d}.{_PROCESS}.{self._count:05d}"
            self._waiting.append((lesson, key, json.dumps(event, ensure_ascii=False, separators=(",", ":"))))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="churnlab-progress", daemon=True)
                self._thread.start()

    def flush(self, timeout: float = 10.0) -> bool:
        """Send what waits now; True when everything queued so far is stored."""
        deadline = time.monotonic() + timeout
        with self._lock:
            self._hurry = True  # also when the thread is not waiting yet: it then skips its pause
            self._lock.notify_all()
            while self._waiting or self._in_flight:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(min(left, 0.1))
        return True

    # --- the background thread ---------------------------------------------------------------------------------
    def _run(self) -> None:
        pause = self.flush_seconds
        while True:
            with self._lock:
                if not self._hurry:
                    self._lock.wait(pause)
                self._hurry = False
                batch = [self._waiting.popleft() for _ in range(min(BATCH_SIZE, len(self._waiting)))]
                self._in_flight = len(batch)
            if not batch:
                with self._lock:
                    self._in_flight = 0
                    self._lock.notify_all()
                pause = self.flush_seconds
                continue
            try:
                self._send(batch)
                self.sent += len(batch)
                pause = 0.0 if self._waiting else self.flush_seconds
            except Exception:  # noqa: BLE001 - server down, refused, slow: keep the events, retry later, say nothing
                self.failures += 1
                with self._lock:
                    self._waiting.extendleft(reversed(batch))
                pause = min(60.0, self.flush_seconds * 2 ** min(self.failures, 5))
            finally:
                with self._lock:
                    self._in_flight = 0
                    self._lock.notify_all()

    def _send(self, batch: list[tuple[str, str, str]]) -> None:
        by_lesson: dict[str, list[dict]] = {}
        for lesson, key, value in batch:
            by_lesson.setdefault(lesson, []).append({"key": key, "value": value})
        for lesson, tags in by_lesson.items():
            self._call("runs/log-batch", {"run_id": self._run_id(lesson), "tags": tags})

    def _run_id(self, lesson: str) -> str:
        if lesson in self._runs:
            return self._runs[lesson]
        if self._experiment_id is None:
            name = f"{PRACTICE_EXPERIMENT_BASE}-{self.username}"
            found = self._call("experiments/get-by-name?" + urllib.parse.urlencode({"experiment_name": name}))
            self._experiment_id = found["experiment"]["experiment_id"]
        runs = self._call("runs/search", {"experiment_ids": [self._experiment_id], "max_results": 1,
                                          "filter": f"tags.`{TAG}` = '{lesson}'", "order_by": ["attributes.start_time ASC"]})
        if runs.get("runs"):
            run_id = runs["runs"][0]["info"]["run_id"]
        else:
            now = int(time.time() * 1000)
            created = self._call("runs/create", {
                "experiment_id": self._experiment_id, "run_name": f"progress: lesson {lesson}", "start_time": now,
                "tags": [{"key": TAG, "value": lesson}, {"key": LEARNER_TAG, "value": self.username},
                         {"key": "mlflow.note.content", "value": "Progress events for the instructor's page: "
                          "outcomes of check(), hint() and solution(), never answers. See churnlab/progress.py."}]})
            run_id = created["run"]["info"]["run_id"]
            self._call("runs/update", {"run_id": run_id, "status": "FINISHED", "end_time": now})
        self._runs[lesson] = run_id
        return run_id

    def _call(self, endpoint: str, body: dict | None = None) -> dict:
        request = urllib.request.Request(f"{self.url}/api/2.0/mlflow/{endpoint}",
                                         data=None if body is None else json.dumps(body).encode(),
                                         method="GET" if body is None else "POST")
        request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        elif self.username:
            credentials = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
            request.add_header("Authorization", f"Basic {credentials}")
        context = None
        if os.environ.get("MLFLOW_TRACKING_INSECURE_TLS", "").lower() == "true":
            context = ssl._create_unverified_context()
        with urllib.request.urlopen(request, timeout=REQUEST_TIMEOUT, context=context) as response:
            return json.loads(response.read() or b"{}")


_recorder: Recorder | None = None
_seen: dict[tuple[str, str], dict[str, Any]] = {}  # (lesson, question) -> hints seen, solution seen, in this kernel
_last_mistake: BaseException | None = None


def remember_mistake(mistake: BaseException) -> None:
    """Called by a check that found a known mistake: kept (only when recording) until the check records its event."""
    global _last_mistake
    if enabled():
        _last_mistake = mistake


def record(question: Any, action: str, message: str = "", step: int = 0) -> None:
    """Record one event for ``question`` (``action``: "check", "hint" or "solution"); never raises, never waits.

    ``message``: what the check printed (only its outcome is kept); ``step``: the hint's number.
    Does nothing at all without a cohort server, or when turned off.
    """
    global _recorder, _last_mistake
    if not enabled():
        _last_mistake = None
        return
    try:
        lesson, label = lesson_of(question), str(getattr(question, "label", "?"))
        seen = _seen.setdefault((lesson, label), {"hints": 0, "solution": False})
        if action == "hint":
            seen["hints"] = max(seen["hints"], int(step or 1))
        elif action == "solution":
            seen["solution"] = True
        event = {"q": label, "do": action, "hints": seen["hints"], "solution": seen["solution"], "t": round(time.time(), 3)}
        if action == "check":
            event["outcome"] = outcome_of(message)
            if event["outcome"] == "mistake" and (_last_mistake is None or not is_named(_last_mistake)):
                event["outcome"] = "wrong"
            elif event["outcome"] == "mistake":
                event["mistake"] = mistake_name(_last_mistake)
                event["see"] = section_of(question)
        _last_mistake = None
        if _recorder is None or _recorder.url != os.environ["MLFLOW_TRACKING_URI"].strip().rstrip("/"):
            _recorder = Recorder.from_environment()
        _recorder.add(lesson, event)
    except Exception:  # noqa: BLE001 - recording must never disturb a check
        _last_mistake = None


@atexit.register
def _send_the_rest() -> None:
    """At the kernel's end: a last, short chance to send what waits (never holds the kernel up long)."""
    if _recorder is not None:
        _recorder.flush(timeout=2.0)


# --- reading (the instructor's side) ------------------------------------------------------------------------

def events_from_run(run: Any, learner: str | None = None) -> list[dict]:
    """The events stored in one progress run (an MLflow ``Run``), oldest first, each with its lesson and learner."""
    tags = run.data.tags
    lesson = tags.get(TAG, "?")
    learner = learner or tags.get(LEARNER_TAG, "?")
    events = []
    for key in sorted(key for key in tags if key.startswith(EVENT_PREFIX)):
        try:
            event = json.loads(tags[key])
        except ValueError:
            continue
        if isinstance(event, dict) and "q" in event and "t" in event:
            events.append({**event, "lesson": lesson, "learner": learner})
    return events


def read_events(client: Any) -> list[dict]:
    """Every learner's events on the server, oldest first (``client``: an admin's ``MlflowClient``).

    The learner is read from the experiment's name (``churn-lab-practice-<name>``, which only that
    learner may write), not from what the run says about itself.
    """
    experiments = {experiment.experiment_id: experiment.name  # active ones: MLflow's default
                   for experiment in client.search_experiments(max_results=50000)}
    events: list[dict] = []
    ids = list(experiments)
    for start in range(0, len(ids), 100):
        token = None
        while True:
            page = client.search_runs(ids[start:start + 100], filter_string=f"tags.`{TAG}` LIKE '%'",
                                      max_results=1000, page_token=token)
            for run in page:
                name = experiments.get(run.info.experiment_id, "")
                prefix = PRACTICE_EXPERIMENT_BASE + "-"
                learner = name[len(prefix):] if name.startswith(prefix) else run.data.tags.get(LEARNER_TAG, "?")
                events.extend(events_from_run(run, learner))
            token = page.token
            if not token:
                break
    return sorted(events, key=lambda event: event["t"])
