"""The summary as plain text: the summary's words, filled into lines by textwrap."""

from __future__ import annotations

import textwrap

from confirmcheck.render.summary import KEEP, Summary, as_summary
from confirmcheck.report import Report

__all__ = ["MIN_WIDTH", "TEXT_WIDTH", "render_text"]

TEXT_WIDTH = 78
"""Plain-text lines are filled to this width (mail clients show 78 unbroken)."""
MIN_WIDTH = 20
"""The narrowest width a summary can be laid out in: indents and a word or two."""


def render_text(
    summary: Report | Summary, *, locale: str | None = None, width: int = TEXT_WIDTH
) -> str:
    """The summary as plain text: lines within ``width``, ending in a newline.

    ``summary`` is a report (summarized in ``locale``, English by default) or a
    :class:`Summary` made already (in its own locale; a different ``locale`` is
    an error). Each section is its verdict with the exceptions indented under
    it; a summary made with ``detail=True`` lists every range after it.

    >>> print(render_text(Report(stays=())), end="")
    No stays were requested and none are booked.
    """
    if width < MIN_WIDTH:
        raise ValueError(f"width must be at least {MIN_WIDTH}, not {width}")
    summary = as_summary(summary, locale)
    # A word longer than a line (a room type without blanks) is cut, as textwrap
    # does by default; a line never breaks at a hyphen ("Mo.–Fr.", "B-12").
    heading = textwrap.TextWrapper(
        width=width, subsequent_indent="  ", break_on_hyphens=False
    )
    item = textwrap.TextWrapper(
        width=width,
        initial_indent="  ",
        subsequent_indent="    ",
        break_on_hyphens=False,
    )
    lines = [] if summary.sections else [heading.fill(summary.verdict)]
    for section in summary.sections:
        lines.append(heading.fill(section.heading))
        lines.extend(item.fill(sentence) for sentence in section.items)
    blocks = ["\n".join(lines)]
    listed = textwrap.TextWrapper(
        width=width,
        initial_indent="  - ",
        subsequent_indent="    ",
        break_on_hyphens=False,
    )
    for section in summary.details:
        blocks.append(
            "\n".join(
                [
                    heading.fill(section.heading),
                    *(listed.fill(sentence) for sentence in section.items),
                ]
            )
        )
    # No-break spaces only steer the filling: plain text gets ordinary spaces.
    return "\n\n".join(blocks).replace(KEEP, " ") + "\n"
