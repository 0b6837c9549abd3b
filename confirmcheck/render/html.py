"""The summary as an HTML fragment for the top of a mail: the summary's words,
laid out with inline styles only (mail clients drop ``<style>`` blocks and
external resources).

No text or background colour is set, so dark mode keeps its own; the coloured
border only helps, the words say it all.
"""

from __future__ import annotations

from html import escape

from confirmcheck.render.summary import Summary, as_summary
from confirmcheck.report import Report

__all__ = ["render_html"]

_BOX = (
    "margin:0 0 16px 0;padding:12px 16px;border:3px solid {colour};"
    "border-radius:4px;font-family:Arial,Helvetica,sans-serif;font-size:15px;"
    "line-height:1.45;"
)
_VERDICT = "margin:0 0 8px 0;font-size:17px;font-weight:bold;"
_HEADING = "margin:12px 0 4px 0;font-weight:bold;"
_LIST = "margin:0;padding:0 0 0 20px;"
_ITEM = "margin:0 0 4px 0;"
_PROBLEM = "#c62828"
_FINE = "#2e7d32"


def render_html(summary: Report | Summary, *, locale: str | None = None) -> str:
    """The summary as a self-contained HTML fragment for the top of a mail.

    ``summary`` is a report (summarized in ``locale``, English by default) or a
    :class:`Summary` made already (in its own locale; a different ``locale`` is
    an error).
    """
    summary = as_summary(summary, locale)
    colour = _FINE if summary.complete else _PROBLEM
    parts = [
        f'<div lang="{summary.locale}" data-confirmcheck="summary" '
        f'style="{_BOX.format(colour=colour)}">',
    ]
    if not summary.sections:
        parts.append(f'<p style="{_VERDICT}">{escape(summary.verdict)}</p>')
    # Each section's heading is its verdict: the first one is the summary's.
    for index, section in enumerate(summary.sections):
        style = _VERDICT if index == 0 else _HEADING
        parts.append(f'<p style="{style}">{escape(section.heading)}</p>')
        if section.items:
            parts.append(f'<ul style="{_LIST}">')
            parts.extend(
                f'<li style="{_ITEM}">{escape(item)}</li>' for item in section.items
            )
            parts.append("</ul>")
    parts.append("</div>")
    return "\n".join(parts)
