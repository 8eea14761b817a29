"""Numbers and learner text as each kind of output shows them (notebook, Markdown, HTML)."""
from __future__ import annotations

import re

from churnlab._base.html import dollar_safe_html
from churnlab.brief.settings import TEMPLATES
from churnlab.monitoring.kept import KEPT_FOLDER
from churnlab.workspace import work_dir

# --- rendering -----------------------------------------------------------------------------------------------------

def _notebook_text(text: str) -> str:
    """Learner text for JupyterLab's Markdown output, which typesets $...$ as maths: amounts in words ("20 dollars").

    The course's HTML outputs do the same (``churnlab._base.html.dollar_safe_html``): no ``$`` is left to pair,
    and no backslash shows where MathJax does not run.
    """
    return dollar_safe_html(str(text).replace("\\$", "$"))


def _plain_text(text: str) -> str:
    """Learner text for the Markdown file: plain, except a ``$`` right after a non-space, escaped.

    GitHub (like pandoc and most wikis) reads ``$...$`` as maths only when the closing ``$`` follows a
    non-space character, so "$20 ... $70" stays text; "($70" would close it, hence the one escape.
    """
    return re.sub(r"(?<=[^\s\\])\$", r"\\$", str(text))


def _dollars(amount: float | None) -> str:
    if amount is None:
        return "not logged"
    sign = "−" if amount < 0 else ""
    return f"{sign}${abs(amount):,.0f}"


def _dollars_in_words(amount: float | None) -> str:
    """An amount for the notebook's Markdown output: "12,650 dollars", "−430 dollars" (no $ for MathJax to pair)."""
    return "not logged" if amount is None else dollar_safe_html(_dollars(amount))


def _plain_dollars(amount: float | None) -> str:
    """An amount for the Markdown file: "minus $1,234" rather than "−$1,234", whose $ could close a maths span."""
    if amount is None:
        return "not logged"
    return f"{'minus ' if amount < 0 else ''}${abs(amount):,.0f}"


def _percent(share: float | None, digits: int = 1) -> str:
    return "not logged" if share is None else f"{100 * share:.{digits}f} %"


def _points(share: float | None, digits: int = 1) -> str:
    if share is None:
        return "not logged"
    value = 100 * share
    return f"{'−' if value < 0 else '+'}{abs(value):.{digits}f} points"


def _number_text(value, digits: int = 3) -> str:
    if value is None:
        return "not logged"
    value = float(value)
    return f"{value:,.0f}" if value == int(value) and abs(value) >= 10 else f"{value:.{digits}g}"


def _compiled_templates():
    """Where the templates' compiled code is kept: the work folder's kept results (Jinja checks each template's source,
    so an edited template compiles again). A re-run reads the compiled templates instead of parsing them."""
    from jinja2 import FileSystemBytecodeCache

    folder = work_dir() / KEPT_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    return FileSystemBytecodeCache(str(folder), "brief-template-%s.cache")


def _environment(kind: str):
    from jinja2 import Environment, PackageLoader, StrictUndefined

    environment = Environment(loader=PackageLoader("churnlab", TEMPLATES), autoescape=kind == "html",
                              undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                              bytecode_cache=_compiled_templates())
    if kind == "notebook":  # JupyterLab pairs any two $ as maths: amounts in words, as the course's HTML tables
        environment.filters["dollars"] = _dollars_in_words
        environment.filters["text"] = _notebook_text
    elif kind == "markdown":  # the file: plain Markdown, to paste into a wiki, a pull request, Slack or an e-mail
        environment.filters["dollars"] = _plain_dollars
        environment.filters["text"] = _plain_text
    else:
        environment.filters["dollars"] = _dollars
        environment.filters["text"] = str
    environment.filters.update(percent=_percent, points=_points, number=_number_text)
    return environment


_MONEY = {"notebook": _dollars_in_words, "markdown": _plain_dollars, "html": _dollars}

