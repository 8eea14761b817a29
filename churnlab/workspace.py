"""Where the course writes its own files (experiment store, saved charts).

Default: ``work/`` in the course folder. Set ``CHURNLAB_WORKDIR`` to use
another folder (a read-only install, a shared workshop machine).
"""
from __future__ import annotations

import os
from pathlib import Path

from churnlab._base.course_folder import REPO_ROOT


def work_dir() -> Path:
    """The course's working folder, created if needed."""
    folder = Path(os.environ.get("CHURNLAB_WORKDIR") or REPO_ROOT / "work")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def course_relative(path: Path | str) -> str | None:
    """``path`` relative to the course folder (``work/mlflow.db``, ``.venv/bin/python``), or None if outside it.

    What the course prints for a learner: the README's commands run in the
    course folder, so a relative path works as printed and shows nothing of
    the machine it was printed on.
    """
    try:
        return str(Path(os.path.abspath(path)).relative_to(Path(os.path.abspath(REPO_ROOT))))
    except ValueError:
        return None


def shown_path(path: Path | str) -> str:
    """A path as the course prints it: relative to the course folder when inside it, else in full."""
    relative = course_relative(path)
    return relative if relative is not None else str(path)


def write_whole(path: Path, write) -> None:
    """``write(file_path)`` into a file of its own next to ``path``, then moved into place: whole or not at all.

    Two kernels (or two test workers) writing the same file at once never read half a file, nor move away each
    other's: whichever finishes last replaces it with an identical one.
    """
    import uuid

    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f"{path.stem}.{os.getpid()}.{uuid.uuid4().hex}.partial{path.suffix}")
    try:
        write(partial)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)


def kept(path: Path, compute):
    """``compute()``, kept at ``path`` (a pickle) and read back from there next time.

    Only for a result that the file's name pins down (a fingerprint of the code, data and arguments that make it):
    a different input must give a different name. A file cut short by a crash, or written by another Python, is
    removed and computed again; a work folder that cannot be written keeps nothing and loses nothing.
    """
    import pickle

    try:
        if path.is_file():
            with path.open("rb") as file:
                return pickle.load(file)
    except Exception:
        path.unlink(missing_ok=True)
    value = compute()

    def dump(file_path: Path) -> None:
        with file_path.open("wb") as file:
            pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)

    try:
        write_whole(path, dump)
    except OSError:
        pass
    return value


def fingerprint(paths, versions: tuple[str, ...] = ()) -> str:
    """A SHA-256 of ``versions`` (the libraries' version strings) and of each file in ``paths``: its name and bytes.

    What names a result kept in the work folder or frozen with the course: change a file or a library, and the name
    changes. Line endings are read as ``\\n``, so a checkout with Windows line endings gives the same fingerprint.
    """
    import hashlib

    digest = hashlib.sha256(" ".join(versions).encode())
    for path in paths:
        path = Path(path)
        digest.update(path.name.encode())
        digest.update(path.read_bytes().replace(b"\r\n", b"\n"))
    return digest.hexdigest()
