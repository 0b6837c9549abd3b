"""Renderings of a report for people: what is said, and how it is laid out.

:mod:`~confirmcheck.render.summary` decides the words (one wording for every
output); :mod:`~confirmcheck.render.text`, :mod:`~confirmcheck.render.html` and
:mod:`~confirmcheck.render.ics` (the calendar; loaded when first used, with the
calendar reader whose properties it writes) only lay them out.
"""

from confirmcheck.render.html import render_html
from confirmcheck.render.summary import (
    Section,
    Summary,
    describe_differences,
    summarize,
)
from confirmcheck.render.text import render_text

__all__ = [
    "Section",
    "Summary",
    "describe_differences",
    "render_html",
    "render_text",
    "summarize",
]
