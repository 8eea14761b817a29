"""HTML that JupyterLab shows without typesetting dollar amounts as maths.

JupyterLab runs MathJax over HTML outputs too. MathJax pairs two ``$`` only within one run of text between
tags: "from $10 to $30" in one table cell becomes an italic formula, while "$10" in one cell and "$30" in the
next stay plain (checked in JupyterLab 4 by tests/browser/test_browser.py). So each amount goes into its own
``<span>``; unlike an escaped ``\\$``, that shows a plain "$" in every renderer (JupyterLab, Colab, GitHub).
"""
from __future__ import annotations

import re

# An amount ($107, $7,133, -$20) or a lone $; only in the text between tags, never inside a tag.
_AMOUNT = re.compile(r"[-−]?\$(?:[\d,.]*\d)?")
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")


def dollar_safe_html(markup: str) -> str:
    """HTML with every dollar amount in its own ``<span>``: ``pays $107`` becomes ``pays <span>$107</span>``.

    JupyterLab typesets the text between two ``$`` of an HTML output as maths
    (MathJax pairs two ``$`` of one run of text between tags), so a table cell
    "from $10 to $30" would show as an italic formula. An amount alone in its
    element has no partner to pair with; every renderer (JupyterLab, Colab,
    GitHub, nbconvert) still shows a plain "$107", with no backslash.
    """
    parts = _TAG_OR_TEXT.split(markup)
    return "".join(part if part.startswith("<") else _AMOUNT.sub(lambda m: f"<span>{m.group(0)}</span>", part)
                   for part in parts)
