"""HTML that JupyterLab shows without typesetting dollar amounts as maths.

JupyterLab runs MathJax over HTML outputs too: the text between two ``$`` of an output can turn into an
italic formula ("profit at $10 ($)" shows as "profit at 10()"). Escaping them (``\\$``) only helps where
MathJax runs (Colab and GitHub show the backslash), so the course's HTML tables write amounts in words:
"$12,640" becomes "12,640 dollars", a lone "($)" becomes "(dollars)". Their plain text keeps "$12,640".
"""
from __future__ import annotations

import re

# An amount ($107, $7,133, -$20) or a lone $; only in the text between tags, never inside a tag.
_AMOUNT = re.compile(r"([-−]?)\$([\d,.]*\d)?")
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")


def _in_words(match: re.Match) -> str:
    sign, number = match.group(1), match.group(2)
    return f"{sign}{number} dollars" if number else "dollars"


def dollar_safe_html(markup: str) -> str:
    """HTML with no ``$`` left in its text: ``pays $107`` becomes ``pays 107 dollars``, ``profit ($)`` ``profit (dollars)``.

    Every renderer (JupyterLab, Colab, GitHub, nbconvert) then shows the same words, and MathJax finds no
    ``$`` to pair. Tags (attributes) are left alone.
    """
    parts = _TAG_OR_TEXT.split(markup)
    return "".join(part if part.startswith("<") else _AMOUNT.sub(_in_words, part) for part in parts)
