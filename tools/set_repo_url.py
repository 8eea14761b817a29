"""Point the course at another repository (a fork, a workshop copy).

    python tools/set_repo_url.py https://github.com/OWNER/REPO

Rewrites the URL in pyproject.toml (its one home), and so in every "Open in
Colab" badge and Colab set-up cell of the notebooks, in the README (Colab and
Binder links, clone commands) and in the instructor guide (the pre-flight email).
Stored outputs are untouched, so notebooks need no re-run.
"""
from __future__ import annotations

import re
import sys

from course_config import PYPROJECT, ROOT, all_notebooks, repository_url


def owner_repo(url: str) -> str:
    match = re.fullmatch(r"https://github\.com/([\w.-]+/[\w.-]+?)/?", url.strip())
    if not match:
        raise SystemExit(f"not a GitHub repository URL: {url!r} (expected https://github.com/OWNER/REPO)")
    return match.group(1)


def main(new_url: str) -> None:
    old, new = owner_repo(repository_url()), owner_repo(new_url)
    files = [PYPROJECT, ROOT / "README.md", *all_notebooks(), *sorted(ROOT.glob("instructor/*.md"))]
    changed = 0
    for path in files:
        if not path.exists():
            continue
        text = path.read_text(encoding="utf-8")
        updated = re.sub(rf"(github\.com/|colab\.research\.google\.com/github/|mybinder\.org/v2/gh/){re.escape(old)}(?=\.git\b|[^\w.-]|$)", rf"\g<1>{new}", text)
        if updated != text:
            path.write_text(updated, encoding="utf-8")
            changed += 1
    print(f"{old} -> {new}: {changed} files updated")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(sys.argv[1])
