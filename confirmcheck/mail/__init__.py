"""Put the booking summary into a confirmation mail: MIME bytes in, bytes out.

:func:`attach_summary` renders a report and puts it at the top of the mail the
guest reads; :func:`insert_summary` does the MIME work for summaries rendered
elsewhere. Both copy every byte outside the parts they change; docs/mail.md says
what changes where, which headers are added and what is refused.
"""

from __future__ import annotations

from confirmcheck.mail._attach import attach_summary, mail_date, mail_languages
from confirmcheck.mail._blocks import HTML_BEGIN, HTML_END, TEXT_BEGIN, TEXT_END
from confirmcheck.mail._change import (
    CALENDAR_FILENAME,
    COMPLETE_HEADER,
    MAX_PREFIX_CHARS,
    PART_HEADER,
    PREFIX_HEADER,
    insert_summary,
)
from confirmcheck.mail._structure import (
    MAX_DEPTH,
    MAX_MAIL_BYTES,
    MAX_PARTS,
    DkimSignedError,
    MailError,
    SignedMailError,
)

__all__ = [
    "CALENDAR_FILENAME",
    "COMPLETE_HEADER",
    "HTML_BEGIN",
    "HTML_END",
    "MAX_DEPTH",
    "MAX_MAIL_BYTES",
    "MAX_PARTS",
    "MAX_PREFIX_CHARS",
    "PART_HEADER",
    "PREFIX_HEADER",
    "TEXT_BEGIN",
    "TEXT_END",
    "DkimSignedError",
    "MailError",
    "SignedMailError",
    "attach_summary",
    "insert_summary",
    "mail_date",
    "mail_languages",
]
