"""The instructor's view of the room: who is where, who is stuck, which mistake half the cohort makes.

    python instructor/progress.py                     # print it, and write progress.html in the cohort folder
    python instructor/progress.py --watch 60          # rewrite it every 60 s (the page reloads itself)

Reads the progress events learners' exercise checks record on the cohort server
(churnlab/progress.py: lesson, question, outcome, hints and solution seen, time;
never an answer), as the admin: set MLFLOW_AUTH_ADMIN_PASSWORD, as for
add_learners.py. Writes one self-contained HTML page (no scripts, nothing
fetched): learners x questions (✅ solved, ❌ tried and not yet solved, – not
checked; 💡n hints seen, 📖 solution seen), the cohort's five most common named
mistakes with the lesson section to revisit, and who is stuck (three or more
failed checks on one question since their last success, or no event for 20
minutes while others are working). Run it again, or use --watch, to refresh.
"""
from __future__ import annotations

import argparse
import contextlib
import html
import os
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import cohortlib

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the course's package, from this checkout
from churnlab import progress

PAGE_FILE = "progress.html"
STUCK_FAILED_CHECKS = 3
QUIET_MINUTES = 20
TOP_MISTAKES = 5
STOP_THE_ROOM_SHARE = 0.25  # a mistake made by a quarter of the working learners is worth five minutes for everyone
FAILED = ("mistake", "wrong")


@dataclass
class Cell:
    """One learner's state on one question."""

    checks: int = 0
    failed_since_success: int = 0
    solved: bool = False
    hints: int = 0
    solution: bool = False

    @property
    def state(self) -> str:
        return "solved" if self.solved else "failed" if self.checks and self.failed_since_success else \
            "checked" if self.checks else "none"

    @property
    def mark(self) -> str:
        return {"solved": "✅", "failed": "❌"}.get(self.state, "–")


@dataclass
class Room:
    """What the page shows, computed from the events (``summarise``)."""

    now: float
    learners: list[str]
    questions: list[tuple[str, str]]  # (lesson, question), in course order
    cells: dict[tuple[str, str, str], Cell]  # (learner, lesson, question)
    mistakes: list[dict]  # the most common named mistakes, most learners first
    stuck: list[dict]  # {"learner", "why"}
    last_event: dict[str, float] = field(default_factory=dict)


def _question_order(key: tuple[str, str]) -> tuple:
    lesson, label = key
    digits = "".join(ch for ch in label if ch.isdigit())
    return (lesson, int(digits) if digits else 0, label)


def summarise(events: list[dict], learners: list[str] = (), now: float | None = None) -> Room:
    """The room from the events (each with learner, lesson, q, do, outcome, mistake, see, hints, solution, t)."""
    now = time.time() if now is None else now
    cells: dict[tuple[str, str, str], Cell] = defaultdict(Cell)
    mistake_learners: dict[tuple, set] = defaultdict(set)
    mistake_counts: Counter = Counter()
    last_event: dict[str, dict] = {}
    for event in sorted(events, key=lambda event: event["t"]):
        who, lesson, label = event["learner"], event["lesson"], event["q"]
        cell = cells[(who, lesson, label)]
        cell.hints = max(cell.hints, int(event.get("hints", 0) or 0))
        cell.solution = cell.solution or bool(event.get("solution"))
        last_event[who] = event
        if event.get("do") != "check":
            continue
        outcome = event.get("outcome")
        if outcome == "not attempted":
            continue
        cell.checks += 1
        if outcome == "correct":
            cell.solved, cell.failed_since_success = True, 0
        elif outcome in FAILED:
            cell.failed_since_success += 1
            if outcome == "mistake" and event.get("mistake"):
                key = (lesson, label, event["mistake"], event.get("see") or f"Lesson {lesson}")
                mistake_learners[key].add(who)
                mistake_counts[key] += 1
    everyone = sorted(set(learners) | {who for who, _, _ in cells})
    questions = sorted({(lesson, label) for _, lesson, label in cells}, key=_question_order)
    working = [who for who, event in last_event.items() if now - event["t"] <= QUIET_MINUTES * 60]
    mistakes = [{"lesson": key[0], "question": key[1], "mistake": key[2], "see": key[3],
                 "learners": len(mistake_learners[key]), "times": mistake_counts[key],
                 "stop_the_room": len(mistake_learners[key]) >= max(2, STOP_THE_ROOM_SHARE * max(len(working), 1))}
                for key in sorted(mistake_counts, key=lambda key: (-len(mistake_learners[key]), -mistake_counts[key], key))]
    stuck = []
    for who in everyone:
        for (lesson, label) in questions:
            cell = cells.get((who, lesson, label))
            if cell and not cell.solved and cell.failed_since_success >= STUCK_FAILED_CHECKS:
                stuck.append({"learner": who, "why": f"{cell.failed_since_success} failed checks on lesson {lesson} {label}"
                              + (f", {cell.hints} hint(s) seen" if cell.hints else ", no hint seen")})
        if working and who not in working:  # others are working, this learner is quiet
            event = last_event.get(who)
            stuck.append({"learner": who, "why": "no event yet while others are working" if event is None else
                          f"no event for {int((now - event['t']) // 60)} min (last: lesson {event['lesson']} {event['q']})"})
    return Room(now=now, learners=everyone, questions=questions, cells=dict(cells), mistakes=mistakes[:TOP_MISTAKES],
                stuck=stuck, last_event={who: event["t"] for who, event in last_event.items()})


# --- the page ------------------------------------------------------------------------------------------------------

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1.5rem; color: #1a1a1a; }
h1 { font-size: 1.5rem; margin-bottom: .2rem; } h2 { font-size: 1.15rem; margin-top: 1.6rem; }
table { border-collapse: collapse; } th, td { border: 1px solid #bbb; padding: .3rem .5rem; text-align: center; }
th[scope=row], td.text { text-align: left; } caption { text-align: left; font-weight: 600; padding: .3rem 0; }
td.solved { background: #e3f2fd; } td.failed { background: #fff3cd; }
.stop { font-weight: 700; } .note { color: #444; max-width: 60rem; }
"""


def _cell_text(cell: Cell | None) -> str:
    if cell is None:
        return "–"
    extra = (f" 💡{cell.hints}" if cell.hints else "") + (" 📖" if cell.solution else "")
    return cell.mark + extra


def render(room: Room, refresh_seconds: int | None = None) -> str:
    """One self-contained HTML page (inline style, no script, nothing fetched)."""
    e = html.escape
    stamp = datetime.fromtimestamp(room.now).strftime("%Y-%m-%d %H:%M:%S")
    head = ['<!DOCTYPE html>', '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">']
    if refresh_seconds:
        head.append(f'<meta http-equiv="refresh" content="{int(refresh_seconds)}">')
    head += [f"<title>Cohort progress, {e(stamp)}</title>", f"<style>{STYLE}</style></head><body><main>",
             "<h1>Cohort progress</h1>",
             f'<p class="note">As of {e(stamp)}. {len(room.learners)} learner(s). '
             + ("The page reloads itself every " + str(int(refresh_seconds)) + " s." if refresh_seconds else
                "Run <code>python instructor/progress.py</code> again to refresh.")
             + " From the learners' exercise checks: outcomes, hints and solutions seen, never their answers.</p>"]
    parts = head

    parts.append("<h2>Who is stuck</h2>")
    if room.stuck:
        parts.append('<ul id="stuck">' + "".join(
            f'<li data-learner="{e(item["learner"])}"><strong>{e(item["learner"])}</strong>: {e(item["why"])}</li>'
            for item in room.stuck) + "</ul>")
    else:
        parts.append('<p id="stuck">Nobody: no one has failed a question three times, and no one has been quiet for '
                     f"{QUIET_MINUTES} minutes while others work.</p>")

    parts.append("<h2>The most common mistakes</h2>")
    if room.mistakes:
        rows = "".join(
            f'<tr data-mistake-rank="{rank}"><td>{rank}</td><td>{e(item["lesson"])} {e(item["question"])}</td>'
            f'<td class="text">{e(item["mistake"])}</td><td>{item["learners"]}</td><td>{item["times"]}</td>'
            f'<td class="text">{e(item["see"])}</td>'
            f'<td class="{"stop" if item["stop_the_room"] else ""}">{"stop the room" if item["stop_the_room"] else "one to one"}</td></tr>'
            for rank, item in enumerate(room.mistakes, 1))
        parts.append('<table id="mistakes"><caption>Named mistakes, by how many learners made them</caption><thead><tr>'
                     '<th scope="col">#</th><th scope="col">question</th><th scope="col">mistake (the course\'s message)</th>'
                     '<th scope="col">learners</th><th scope="col">times</th><th scope="col">revisit</th>'
                     f'<th scope="col">suggestion</th></tr></thead><tbody>{rows}</tbody></table>')
    else:
        parts.append('<p id="mistakes">No named mistake recorded yet.</p>')

    parts.append("<h2>Learners × questions</h2>")
    if room.questions:
        header = "".join(f'<th scope="col">{e(lesson)} {e(label)}</th>' for lesson, label in room.questions)
        body = []
        for who in room.learners:
            cells = "".join(
                f'<td class="{(cell.state if cell else "none")}" data-learner="{e(who)}" data-question="{e(lesson)} {e(label)}"'
                f' data-state="{cell.state if cell else "none"}" data-hints="{cell.hints if cell else 0}">{_cell_text(cell)}</td>'
                for lesson, label in room.questions for cell in [room.cells.get((who, lesson, label))])
            last = room.last_event.get(who)
            seen = f"{int((room.now - last) // 60)} min ago" if last is not None else "never"
            body.append(f'<tr><th scope="row">{e(who)}</th>{cells}<td>{e(seen)}</td></tr>')
        parts.append('<table id="grid"><caption>✅ solved · ❌ checked, not solved yet · – not checked · 💡n hints seen · '
                     f'📖 solution seen</caption><thead><tr><th scope="col">learner</th>{header}'
                     f'<th scope="col">last event</th></tr></thead><tbody>{"".join(body)}</tbody></table>')
    else:
        parts.append('<p id="grid">No event yet. Learners record events once they check an exercise while connected to '
                     "this server (instructor/README.md, section 4.5).</p>")
    parts.append("</main></body></html>")
    return "\n".join(parts)


def as_text(room: Room) -> str:
    """What the script prints: the same facts, for a terminal."""
    lines = [f"{len(room.learners)} learner(s), {len(room.questions)} question(s) with events."]
    for who in room.learners:
        marks = "  ".join(f"{lesson} {label} {_cell_text(room.cells.get((who, lesson, label)))}"
                          for lesson, label in room.questions)
        lines.append(f"  {who}: {marks}")
    lines.append("Most common mistakes:" if room.mistakes else "No named mistake yet.")
    for rank, item in enumerate(room.mistakes, 1):
        lines.append(f"  {rank}. {item['lesson']} {item['question']} ({item['learners']} learner(s), {item['times']}x): "
                     f"{item['mistake']} -> revisit {item['see']}" + ("  [stop the room]" if item["stop_the_room"] else ""))
    lines.append("Stuck:" if room.stuck else "Nobody stuck.")
    lines += [f"  {item['learner']}: {item['why']}" for item in room.stuck]
    return "\n".join(lines)


def cohort_learners(client) -> list[str]:
    """Every learner with a practice experiment on the server (add_learners.py creates one each)."""
    prefix = progress.PRACTICE_EXPERIMENT_BASE + "-"
    return sorted(experiment.name[len(prefix):] for experiment in client.search_experiments(max_results=50000)
                  if experiment.name.startswith(prefix) and "-taken-" not in experiment.name)


def read_room(url: str, now: float | None = None) -> Room:
    from mlflow import MlflowClient

    client = MlflowClient(tracking_uri=url)
    return summarise(progress.read_events(client), cohort_learners(client), now)


def write_page(room: Room, path: Path, refresh_seconds: int | None = None) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(render(room, refresh_seconds), encoding="utf-8")
    os.chmod(temporary, 0o600)  # learners' names and progress: the instructor's eyes only
    temporary.replace(path)  # a browser reloading it never reads half a page
    return path


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__.split("\n\n", 2)[2])
    parser.add_argument("--url", default=f"http://{cohortlib.DEFAULT_HOST}:{cohortlib.DEFAULT_PORT}",
                        help="the server's address as this machine reaches it (default http://127.0.0.1:5000)")
    parser.add_argument("--data-dir", type=Path, default=cohortlib.DEFAULT_DATA_DIR,
                        help=cohortlib.DATA_DIR_HELP + f"; the page goes there as {PAGE_FILE}")
    parser.add_argument("--out", type=Path, default=None, help=f"where to write the page (default: <data-dir>/{PAGE_FILE})")
    parser.add_argument("--watch", type=int, default=0, metavar="SECONDS",
                        help="rewrite the page every SECONDS (and let it reload itself) until Ctrl+C")
    args = parser.parse_args(argv)
    admin_password = os.environ.get("MLFLOW_AUTH_ADMIN_PASSWORD", "")
    if not admin_password:
        print("Set MLFLOW_AUTH_ADMIN_PASSWORD to the admin password the server was started with.", file=sys.stderr)
        return 2
    out = args.out or args.data_dir.expanduser() / PAGE_FILE
    with _as_admin(admin_password):  # the caller's environment is left as it was (tests call main() in-process)
        return _report(args.url, out, args.watch)


@contextlib.contextmanager
def _as_admin(admin_password: str):
    """Read the server as the admin, with progress recording off, and put the environment back afterwards."""
    settings = {"MLFLOW_TRACKING_USERNAME": cohortlib.ADMIN_USERNAME, "MLFLOW_TRACKING_PASSWORD": admin_password,
                "MLFLOW_LOGGING_LEVEL": os.environ.get("MLFLOW_LOGGING_LEVEL", "WARNING"),
                progress.OFF_VARIABLE: "off"}  # the admin's own calls are not a learner's progress
    saved = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _report(url: str, out: Path, watch: int) -> int:
    while True:
        try:
            cohortlib.wait_until_healthy(url, timeout=10)
            room = read_room(url)
        except cohortlib.CohortError as error:
            print(f"Cannot read progress: {error}", file=sys.stderr)
            return 2
        except Exception as error:  # noqa: BLE001 - an instructor needs one line, not a traceback
            print(f"Cannot read progress from {url}: {type(error).__name__}: {str(error)[:300]}", file=sys.stderr)
            return 2
        print(as_text(room))
        print(f"Page: {write_page(room, out, watch or None).resolve().as_uri()}")
        if not watch:
            return 0
        try:
            time.sleep(watch)
        except KeyboardInterrupt:
            return 0


if __name__ == "__main__":
    sys.exit(main())
