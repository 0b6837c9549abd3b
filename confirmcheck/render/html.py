"""The summary as HTML for the top of a mail: the summary's words, laid out the way
mail clients show them.

A mail's HTML is read by clients that drop ``<style>`` blocks, ignore most of CSS
and switch to dark colours on their own, so the layout is a one-cell table (what
every client lays out alike) with inline styles only, at most 600 px wide. The
mail module puts it into the hotel's centred content container, whose width it
takes; where a mail has none, it starts where the hotel's text starts (a box
centred above left-aligned text looked out of place).

It sets no colour at all: the text, and the thin rule on its left
(``currentColor``), take the mail's colours in a light and a dark scheme, and the
words say everything a colour would. Its font family is
the mail's (``inherit``, set on the table too, where quirks-mode documents would
not pass it on by themselves).

The full per-stay list is the detail: in a collapsed ``<details>``, which a mail
client that does not know it shows open; :func:`render_html_detail` gives it on
its own, for the end of a mail, where an open list does not push the hotel's
words down.
"""

from __future__ import annotations

from html import escape

from confirmcheck.render.summary import Section, Summary, as_summary
from confirmcheck.report import Report

__all__ = ["MAX_WIDTH", "render_html", "render_html_detail"]

MAX_WIDTH = 600
"""The widest the summary block gets, in CSS pixels (the width mail layouts use)."""

# The one-cell table that holds a block: as wide as the place it is put in, at most
# MAX_WIDTH, in the mail's font.
_TABLE = (
    '<table role="presentation" width="100%" cellpadding="0" cellspacing="0" '
    'border="0" lang="{locale}" data-confirmcheck="{kind}" '
    'style="width:100%;max-width:{width}px;margin:{margin};'
    'border-collapse:collapse;font-family:inherit;">'
)
# The left rule takes the text colour; left-aligned even in a centred cell.
_CELL = (
    '<td style="padding:2px 0 2px 14px;border-left:3px solid;text-align:left;'
    'font-family:inherit;font-size:15px;line-height:1.5;">'
)
_VERDICT = "margin:0 0 8px 0;font-size:17px;line-height:1.4;font-weight:bold;"
_HEADING = "margin:12px 0 4px 0;font-weight:bold;"
_LIST = "margin:0;padding:0 0 0 20px;"
_ITEM = "margin:0 0 4px 0;"
_SUMMARY = "margin:12px 0 4px 0;cursor:pointer;"


def render_html(
    summary: Report | Summary, *, locale: str | None = None, detail: bool = True
) -> str:
    """The summary as a self-contained HTML fragment for the top of a mail.

    ``summary`` is a report (summarized in ``locale``, English by default) or a
    :class:`Summary` made already (in its own locale; a different ``locale`` is
    an error). With ``detail`` the summary's per-stay list (its
    :attr:`~Summary.details`, when it was made with them) follows, collapsed;
    see :func:`render_html_detail` for it on its own.
    """
    summary = as_summary(summary, locale)
    parts = [
        _TABLE.format(
            locale=summary.locale, kind="summary", width=MAX_WIDTH, margin="0 0 20px 0"
        ),
        "<tr>",
        _CELL,
    ]
    if not summary.sections:
        parts.append(f'<p style="{_VERDICT}">{escape(summary.verdict)}</p>')
    # Each section's heading is its verdict: the first one is the summary's.
    for index, section in enumerate(summary.sections):
        style = _VERDICT if index == 0 else _HEADING
        parts.append(f'<p style="{style}">{escape(section.heading)}</p>')
        if section.items:
            parts.extend(_items(section))
    if detail:
        for section in summary.details:
            parts.extend(_details(section))
    parts += ["</td>", "</tr>", "</table>"]
    return "\n".join(parts)


def render_html_detail(summary: Report | Summary, *, locale: str | None = None) -> str:
    """The summary's per-stay list, collapsed, for the end of a mail; empty when
    the summary has none. Arguments as for :func:`render_html`."""
    summary = as_summary(summary, locale)
    if not summary.details:
        return ""
    return "\n".join(
        [
            _TABLE.format(
                locale=summary.locale,
                kind="detail",
                width=MAX_WIDTH,
                margin="20px 0 0 0",
            ),
            "<tr>",
            _CELL,
            *(part for section in summary.details for part in _details(section)),
            "</td>",
            "</tr>",
            "</table>",
        ]
    )


def _details(section: Section) -> list[str]:
    """The section's items, collapsed under its heading."""
    return [
        "<details>",
        f'<summary style="{_SUMMARY}">{escape(section.heading)}</summary>',
        *_items(section),
        "</details>",
    ]


def _items(section: Section) -> list[str]:
    return [
        f'<ul style="{_LIST}">',
        *(f'<li style="{_ITEM}">{escape(item)}</li>' for item in section.items),
        "</ul>",
    ]
