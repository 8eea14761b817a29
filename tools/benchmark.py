"""How long does a learner wait on "Run all"? A report, not a test.

    python tools/benchmark.py            # every notebook in notebooks/ and solutions/, 3 runs each
    python tools/benchmark.py --runs 5 notebooks/02_first_churn_model.ipynb
    python tools/benchmark.py --suite    # also time the test suite (pytest, this environment)
    python tools/benchmark.py --functions  # only the package functions a lesson calls on every customer

For each notebook it reports, as medians over the runs:
- run all: a fresh kernel executing the notebook top to bottom (what a learner waits for);
- floor: a fresh kernel importing every module the notebook ends up loading (the part no lesson
  can avoid): its own import statements, and the modules its libraries import lazily while it
  runs (MLflow loads its SQL store and skops only when first used; that is import time too);
- round trips: what its code cells cost as cells, whatever they hold (a fresh kernel running the floor's imports,
  then one empty cell for each of the notebook's other code cells, minus the floor): each cell is a message to the
  kernel and back (about 10-20 ms on a 2-core machine). A lesson's short cells are part of its teaching, so this is
  not counted as its compute; the last column shows the share with it, for comparison;
- compute: run all minus the floor and the round trips, and its share of the floor. The course's target is at
  most 25 %. Each run times the three kernels back to back and the differences are taken within a run, then the
  median over runs (a shared machine's speed drifts; differences of separate medians would carry that drift).

The runs share one working folder, so a lesson that creates the MLflow store pays that once, in
its first run; the medians show a learner's re-runs.
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
TARGET_SHARE = 0.25


LOADED_MODULES = "import json, sys; print(json.dumps(sorted(sys.modules)))"


def import_statements(notebook: nbformat.NotebookNode) -> list[str]:
    """Every import statement of ``notebook``, in order."""
    statements = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:  # IPython magics: not imports anyway
            continue
        statements += [ast.unparse(node) for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))]
    return statements


def imports_only(notebook: nbformat.NotebookNode, modules: list[str] = (), empty_cells: int = 0) -> nbformat.NotebookNode:
    """A notebook whose first cell holds the import statements of ``notebook``, then imports each module in
    ``modules``; then ``empty_cells`` cells that do nothing (each costs a round trip to the kernel, as any cell does)."""
    lines = import_statements(notebook)
    lines += ["import importlib", "for _name in " + repr(list(modules)) + ":",
              "    try:", "        importlib.import_module(_name)", "    except Exception:", "        pass"]
    floor = nbformat.v4.new_notebook(metadata=notebook.metadata)
    floor.cells = [nbformat.v4.new_code_cell("\n".join(lines))] + [nbformat.v4.new_code_cell("pass") for _ in range(empty_cells)]
    return floor


def code_cells(notebook: nbformat.NotebookNode) -> int:
    return sum(cell.cell_type == "code" for cell in notebook.cells)


def modules_loaded_by(notebook: nbformat.NotebookNode, folder: Path) -> list[str]:
    """The modules a full run of ``notebook`` leaves loaded (beyond its own imports), in import order."""
    probe = nbformat.from_dict(notebook)
    probe.cells.append(nbformat.v4.new_code_cell(LOADED_MODULES))
    NotebookClient(probe, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute(
        stderr=subprocess.DEVNULL)
    printed = "".join(o.get("text", "") for o in probe.cells[-1].outputs if o.get("output_type") == "stream")
    return [name for name in json.loads(printed) if not name.startswith(("__main__", "_ipython"))]


def seconds_to_run(notebook: nbformat.NotebookNode, folder: Path) -> float:
    copy = nbformat.from_dict(notebook)
    started = time.perf_counter()
    # The kernel's own log lines (e.g. ipykernel's note on TCP transport) would bury the table.
    NotebookClient(copy, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute(
        stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def measure(path: Path, runs: int) -> tuple[float, float, float, float]:
    """Medians over ``runs`` of: run all, the floor (kernel + imports), the cells' round trips and the compute.

    Each run times three fresh kernels one after the other: the floor, the floor plus as many empty cells as the
    notebook has code cells, and the notebook itself. The round trips are the second minus the first, the compute the
    third minus the second, within the same run; the medians are taken over those differences. On a shared machine
    whose speed drifts from minute to minute, differences inside one run vary far less than differences of
    separate medians do."""
    notebook = nbformat.read(path, as_version=4)
    modules = modules_loaded_by(notebook, path.parent)
    floor_notebook = imports_only(notebook, modules)
    cells_notebook = imports_only(notebook, modules, empty_cells=code_cells(notebook) - 1)
    timings = []
    for _ in range(runs):  # interleaved, so a busy moment hurts all three alike
        floor_seconds = seconds_to_run(floor_notebook, path.parent)
        with_cells_seconds = seconds_to_run(cells_notebook, path.parent)
        timings.append((floor_seconds, with_cells_seconds, seconds_to_run(notebook, path.parent)))
    return paired_medians(timings)


def paired_medians(timings: list[tuple[float, float, float]]) -> tuple[float, float, float, float]:
    """Run all, floor, round trips and compute (medians) from each run's (floor, floor + empty cells, run all) seconds.

    The round trips and the compute are differences within each run, then their median over the runs."""
    return (statistics.median(whole for _, _, whole in timings),
            statistics.median(floor for floor, _, _ in timings),
            statistics.median(max(with_cells - floor, 0.0) for floor, with_cells, _ in timings),
            statistics.median(whole - with_cells for _, with_cells, whole in timings))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--suite", action="store_true", help="also time the whole pytest suite in this environment")
    parser.add_argument("--functions", action="store_true", help="only time the package's per-customer functions")
    args = parser.parse_args()
    if args.functions:
        report_function_speeds()
        return 0
    paths = args.notebooks or sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")) + sorted((ROOT / "solutions").glob("*.ipynb"))
    os.environ.setdefault("CHURNLAB_WORKDIR", tempfile.mkdtemp(prefix="churnlab-bench-"))

    print("| notebook | run all (s) | floor: kernel + imports (s) | code cells: their round trips (s) | compute (s) "
          "| compute / floor | compute and round trips / floor |")
    print("|---|---|---|---|---|---|---|")
    over = []
    for path in paths:
        whole, floor, round_trips, compute = measure(path.resolve(), args.runs)
        share = compute / floor
        flag = "" if share <= TARGET_SHARE else " ⚠"
        over += [path.name] if flag else []
        print(f"| {path.parent.name}/{path.name} | {whole:.2f} | {floor:.2f} | {code_cells(nbformat.read(path, 4))}: "
              f"{round_trips:.2f} | {compute:.2f} | {share:.0%}{flag} | {(compute + round_trips) / floor:.0%} |")
    print(f"\nmedians of {args.runs} runs; target: compute at most {TARGET_SHARE:.0%} of the floor"
          + (f"; over target: {', '.join(over)}" if over else "; every notebook is within it"))

    try:
        from churnlab import tracking
    except ImportError:
        tracking = None
    if tracking is not None and hasattr(tracking, "measure_logging_overhead"):
        print(f"\nMLflow: logging one run, model included, costs {tracking.measure_logging_overhead():.2f} s beyond training")

    if args.suite:
        command = [sys.executable, "-m", "pytest", "-q", "-n", "2", "--dist", "loadfile", "--nbval", "--nbval-current-env",
                   "--nbval-sanitize-with", "tests/nbval_sanitize.cfg", "tests", "notebooks", "solutions"]
        started = time.perf_counter()
        result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        tail = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "no output"
        print(f"\ntest suite (one version set): {time.perf_counter() - started:.0f} s wall; {tail}")
    return 0


def report_function_speeds(repeats: int = 5) -> None:
    """Best-of-``repeats`` seconds of the package functions lessons call on every test customer.

    A report, not a test: timings on a shared 2-core machine vary too much to assert on."""
    import numpy as np

    from churnlab import explain
    from churnlab.economics import profit_curve
    from churnlab.exercises.core import course_model, course_split

    split, model = course_split(), course_model()
    rng = np.random.default_rng(1)
    outcomes, scores = rng.integers(0, 2, 20_000), rng.random(20_000)
    calls = {
        f"explain.reason_codes, {len(split.X_test):,} customers (lesson 06)":
            lambda: explain.reason_codes(model, split.X_train, split.X_test),
        "economics.profit_curve, 20,000 customers (lessons 03-04)": lambda: profit_curve(outcomes, scores),
    }
    print("| function | best of %d (s) |\n|---|---|" % repeats)
    for name, call in calls.items():
        call()  # warm-up: first calls pay one-off imports
        best = min(_seconds(call) for _ in range(repeats))
        print(f"| {name} | {best:.3f} |")


def _seconds(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


if __name__ == "__main__":
    sys.exit(main())
