"""AUTH over TLS: users of the users file may send, nobody else."""

from __future__ import annotations

import os
import shutil
import smtplib
import ssl
import subprocess
from pathlib import Path

import pytest

from confirmcheck.relay.users import hash_password, read_users, verify_password
from tests.relay.conftest import StartRelay
from tests.relay.support import WAIT_SECONDS, Sink, confirmation_mail


@pytest.fixture
def auth_args(tmp_path: Path) -> tuple[str, ...]:
    if shutil.which("openssl") is None:
        if os.environ.get("CI"):
            pytest.fail("openssl is not installed, and CI is set: .ci/run installs it")
        pytest.skip("openssl is not installed (it makes the test's certificate)")
    cert, key = tmp_path / "relay.crt", tmp_path / "relay.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=120,
    )  # fmt: skip
    users = tmp_path / "relay.users"
    users.write_text(f"# the PMS\npms:{hash_password('s3cret-pw')}\n")
    return ("--tls-cert", str(cert), "--tls-key", str(key), "--auth-users", str(users))


def client(port: int) -> smtplib.SMTP:
    smtp = smtplib.SMTP("127.0.0.1", port, timeout=WAIT_SECONDS)
    smtp.starttls(context=ssl._create_unverified_context())
    return smtp


def test_auth_is_required_and_a_wrong_password_refused(
    start_relay: StartRelay, sink: Sink, auth_args: tuple[str, ...]
) -> None:
    relay = start_relay(access=auth_args)
    with client(relay.port) as smtp, pytest.raises(smtplib.SMTPSenderRefused) as no:
        smtp.sendmail("a@example.com", ["b@example.com"], confirmation_mail())
    assert no.value.smtp_code == 530
    with client(relay.port) as smtp, pytest.raises(smtplib.SMTPAuthenticationError):
        smtp.login("pms", "wrong")
    with client(relay.port) as smtp:
        smtp.login("pms", "s3cret-pw")
        smtp.sendmail("a@example.com", ["b@example.com"], confirmation_mail())
    assert len(sink.mails) == 1


def test_hashes_are_werkzeugs() -> None:
    from werkzeug.security import check_password_hash, generate_password_hash

    ours = hash_password("pässword")
    assert check_password_hash(ours, "pässword")
    for method in ("scrypt", "pbkdf2:sha256:1000"):
        theirs = generate_password_hash("pässword", method=method)
        assert verify_password("pässword", theirs)
        assert not verify_password("other", theirs)


def test_a_bad_users_file_names_the_line() -> None:
    from confirmcheck import InputError

    with pytest.raises(InputError, match="line 2"):
        read_users("a:scrypt:16384:8:1$salt$00\nb:plain\n", name="users")
