"""Make the exercise notebooks from the solution notebooks (the single source).

    python tools/make_exercises.py          # writes exercises/*.ipynb
    python tools/make_exercises.py --check  # exits 1 if exercises/ differs from what it would write

In a solution notebook:
- a line ending in ``# blank: TEXT`` loses only TEXT, which becomes the blank
  ``____`` (a scaffold line: one blank per line, the rest stays to guide):
  ``scores = model.predict_proba(X_test)[:, 1]  # blank: X_test``
  becomes ``scores = model.predict_proba(____)[:, 1]``; write
  ``# blank: X_test | the test customers`` to leave a comment for the learner
  (``... [:, 1]  # the test customers``); in SQL text, mark the line with
  ``-- blank: TEXT`` instead (an SQL comment, so the solution's query still runs);
- a line ending in ``# answer`` keeps its variable and loses its code (for a
  value read off a table or chart, or a "go further" question):
  ``churn_rate = 0.265  # answer`` becomes ``churn_rate = ____  # your answer``;
- lines between ``# answer begins: NAME`` and ``# answer ends`` become
  ``NAME = ____  # your code here`` (for answers that take several lines);
- cells tagged ``solution-only`` are left out;
- links and badges to ``solutions/X.ipynb`` become ``exercises/X.ipynb``.
Outputs and execution counts are cleared: learners start from a clean notebook.
"""
from __future__ import annotations

import copy
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS, EXERCISES = ROOT / "solutions", ROOT / "exercises"
BLANK_LINE = "{indent}{name} = ____  # your answer"
BLANK_PART = re.compile(r"^(?P<code>.*?)\s*(?P<mark>#|--)\s*blank:\s*(?P<text>.+?)(?:\s+\|\s+(?P<comment>.+?))?\s*$")
ONE_LINE_ANSWER = re.compile(r"^(?P<indent>\s*)(?P<name>[A-Za-z_]\w*)\s*=.*#\s*answer\s*$")
BLOCK_START = re.compile(r"^(?P<indent>\s*)#\s*answer begins:\s*(?P<name>[A-Za-z_]\w*)\s*$")
BLOCK_END = re.compile(r"^\s*#\s*answer ends\s*$")
ANY_ANSWER_MARK = re.compile(r"#\s*answer\s*$")


def blank_out_part(line: str) -> str:
    """A ``# blank: TEXT`` line with TEXT replaced by ``____`` (and the marker by the learner's comment, if any)."""
    match = BLANK_PART.match(line)
    code, mark, text, comment = match.group("code", "mark", "text", "comment")
    if code.count(text) != 1:
        found = "does not appear" if text not in code else "appears more than once"
        raise ValueError(f"'{mark} blank: {text}' {found} in the code of this line; blank a part that appears once: {line.strip()}")
    return code.replace(text, "____") + (f"  {mark} {comment}" if comment else "")


def blank_out_answers(source: str) -> str:
    lines, kept, in_block = source.splitlines(), [], False
    for line in lines:
        if in_block:
            in_block = not BLOCK_END.match(line)
            continue
        if BLANK_PART.match(line):
            kept.append(blank_out_part(line))
        elif start := BLOCK_START.match(line):
            kept.append(BLANK_LINE.format(**start.groupdict()))
            in_block = True
        elif answer := ONE_LINE_ANSWER.match(line):
            kept.append(BLANK_LINE.format(**answer.groupdict()))
        elif ANY_ANSWER_MARK.search(line):
            raise ValueError(f"an '# answer' line must read 'NAME = ...'; use an '# answer begins: NAME' block for: {line.strip()}")
        else:
            kept.append(line)
    if in_block:
        raise ValueError("an '# answer begins:' block has no '# answer ends' line")
    return "\n".join(kept)


def exercise_from_solution(solution: nbformat.NotebookNode) -> nbformat.NotebookNode:
    exercise = copy.deepcopy(solution)
    exercise.cells = [c for c in exercise.cells if "solution-only" not in c.get("metadata", {}).get("tags", [])]
    for cell in exercise.cells:
        cell.source = re.sub(r"\bsolutions/(\w+\.ipynb)", r"exercises/\1", cell.source)
        if cell.cell_type == "code":
            cell.source = blank_out_answers(cell.source)
            cell.outputs, cell.execution_count = [], None
        cell.metadata.pop("execution", None)
    exercise.metadata = {k: v for k, v in exercise.metadata.items() if k in ("kernelspec", "language_info")}
    return exercise


def rendered_exercises() -> dict[Path, str]:
    """Each exercise notebook's path and the exact text the generator writes for it."""
    rendered = {}
    for path in sorted(SOLUTIONS.glob("*.ipynb")):
        exercise = exercise_from_solution(nbformat.read(path, as_version=4))
        rendered[EXERCISES / path.name] = nbformat.writes(exercise) + "\n"
    return rendered


def main(argv: list[str]) -> int:
    rendered = rendered_exercises()
    if "--check" in argv:
        stale = [p for p, text in rendered.items() if not p.exists() or p.read_text(encoding="utf-8") != text]
        extra = [p for p in EXERCISES.glob("*.ipynb") if p not in rendered]
        for path in stale:
            print(f"out of date: {path.relative_to(ROOT)} (run python tools/make_exercises.py)")
        for path in extra:
            print(f"no solution for: {path.relative_to(ROOT)}")
        return 1 if stale or extra else 0
    EXERCISES.mkdir(exist_ok=True)
    for path, text in rendered.items():
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
