"""What an installed distribution promises: one version from the metadata, help
texts that make sense without the repository, and a service command that says in
one line what to install when the web extra is missing."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from importlib.metadata import metadata, version
from pathlib import Path

import pytest

import confirmcheck
from confirmcheck.cli import build_parser
from webhook import serve

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
#: What the library itself imports; anything web is the extra's.
WEB = {"flask", "gunicorn", "prometheus-client", "werkzeug"}


def test_the_version_comes_from_the_metadata() -> None:
    assert confirmcheck.__version__ == version("confirmcheck")
    assert confirmcheck.__version__ == PYPROJECT["project"]["version"]


@pytest.mark.parametrize(
    ("parser", "prog"),
    [(build_parser, "confirmcheck"), (serve.build_parser, "confirmcheck-webhook")],
)
def test_version_flags(
    parser: object, prog: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert callable(parser)
    with pytest.raises(SystemExit) as exited:
        parser().parse_args(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"{prog} {version('confirmcheck')}\n"


def test_the_library_depends_on_no_web_framework() -> None:
    names = {
        re.split(r"[<>=!~\[; ]", requirement)[0].lower()
        for requirement in PYPROJECT["project"]["dependencies"]
    }
    assert names
    assert names & WEB == set()
    webhook_extra = " ".join(PYPROJECT["project"]["optional-dependencies"]["webhook"])
    for name in ("flask", "gunicorn", "prometheus-client"):
        assert name in webhook_extra


def test_project_urls_are_in_the_metadata() -> None:
    urls = metadata("confirmcheck").get_all("Project-URL") or []
    assert any(url.startswith("Source, https://") for url in urls)
    assert any(url.startswith("Documentation, https://") for url in urls)


def _help_texts() -> list[str]:
    parsers = [build_parser(), serve.build_parser()]
    texts = []
    for parser in parsers:
        texts.append(parser.format_help())
        for action in parser._actions:
            for sub in getattr(action, "choices", None) or {}:
                choice = action.choices[sub]  # type: ignore[index]
                texts.append(choice.format_help())
    return texts


def test_help_texts_point_to_no_repository_path() -> None:
    for text in _help_texts():
        assert not re.search(r"\b(docs|examples|tests)/\S*", text), text


def test_the_service_command_without_its_extra_says_so_in_one_line() -> None:
    # Flask blocked as if it were not installed: the same path as a wheel installed
    # without [webhook] (the wheel test in test_wheel.py runs the real thing).
    script = (
        "import sys; sys.modules['flask'] = None; "
        "from webhook.command import main; sys.exit(main())"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1
    assert "pip install 'confirmcheck[webhook]'" in done.stderr


def test_the_service_command_names_its_version_without_the_extra() -> None:
    script = (
        "import sys; sys.modules['flask'] = None; "
        "from webhook.command import main; sys.exit(main(['--version']))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout == f"confirmcheck-webhook {version('confirmcheck')}\n"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["-m", "confirmcheck_webhook", "--version"], "confirmcheck-webhook "),
        (["-m", "confirmcheck_webhook.client", "--help"], "usage: python -m conf"),
    ],
)
def test_a_checkout_answers_to_the_installed_name(
    tmp_path: Path, args: list[str], expected: str
) -> None:
    # From outside the checkout: the editable install's loader, not the folder.
    done = subprocess.run(
        [sys.executable, *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(expected)
