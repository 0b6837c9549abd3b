"""Why a mail is refused is in the error's class, so that callers (the webhook's
metrics) can tell signed mail from DKIM-signed mail from mail they cannot read."""

from __future__ import annotations

from pathlib import Path

import pytest

from confirmcheck.mail import DkimSignedError, MailError, SignedMailError
from tests.mail.test_refused import REFUSED, _change

SIGNED = {"multipart-signed", "multipart-encrypted", "nested-signed", "pkcs7-mime"}
DKIM = {"dkim-signed"}


def _kind(stem: str) -> type[MailError]:
    if stem in SIGNED:
        return SignedMailError
    if stem in DKIM:
        return DkimSignedError
    return MailError


@pytest.mark.parametrize("path", REFUSED, ids=lambda p: p.stem)
def test_the_class_says_why(path: Path) -> None:
    with pytest.raises(MailError) as caught:
        _change(path.read_bytes())
    assert type(caught.value) is _kind(path.stem)
    # Seen from further out (as the webhook does) it keeps its kind.
    assert type(caught.value.under(("body",))) is _kind(path.stem)


def test_every_named_file_exists() -> None:
    assert {path.stem for path in REFUSED} >= SIGNED | DKIM
