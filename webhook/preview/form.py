"""The preview form read into the library's values, every problem by its field.

The same reading serves the page and its downloads: nothing is stored between
two requests, so a download posts the form again and is computed again. What
was typed comes back in :attr:`FormResult.values` so the page can show it again;
an uploaded stays file comes back as text in its box, an uploaded mail as base64
in a hidden field (its bytes must stay exactly as they were).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from werkzeug.datastructures import FileStorage, MultiDict

from confirmcheck import (
    SUPPORTED_LOCALES,
    InputError,
    Problem,
    StaysFile,
    hotel_of,
    pick_locale,
    resolve_locale,
)
from confirmcheck.mail import mail_languages

from ..api import read_side
from .builder import FIELDS, BuiltSeries, build_series, is_used

__all__ = ["FormResult", "Inputs", "read_form"]

T = TypeVar("T")
_TEXT_FIELDS = (
    "requested_text",
    "confirmed_text",
    "mail_kept",
    "mail_name",
    "locale",
    "timezone",
    *FIELDS,
)


@dataclass(frozen=True, slots=True)
class Inputs:
    """Both sides' stays, the guest's locale, and the mail when one was given."""

    requested: StaysFile
    confirmed: StaysFile
    locale: str
    hotel: str | None
    mail: bytes | None


@dataclass(slots=True)
class FormResult:
    """What the form holds: the values to show again, the problems by field
    (``requested``, ``confirmed``, ``mail``, ``locale``, ``timezone`` or a series
    builder field), the built series, and the inputs when there is no problem."""

    values: dict[str, str]
    days: list[str]
    errors: dict[str, list[str]] = field(default_factory=dict)
    built: BuiltSeries | None = None
    inputs: Inputs | None = None

    def add(self, error: InputError) -> None:
        for problem in error.problems:
            path = problem.path
            if path[:1] == ("series",):
                # A builder field, else the series as a whole (its rule).
                named = str(path[1]) if len(path) > 1 else "series"
                key = named if named in (*FIELDS, "days") else "series"
            else:
                key = str(path[0]) if path else "form"
            self.errors.setdefault(key, []).append(str(problem))

    def run(self, read: Callable[[], T]) -> T | None:
        try:
            return read()
        except InputError as error:
            self.add(error)
            return None


def _upload(files: MultiDict[str, FileStorage], name: str) -> bytes | None:
    upload = files.get(name)
    if upload is None or not upload.filename:
        return None
    data: bytes = upload.read()
    return data


def _timezone(text: str) -> str | None:
    name = text.strip()
    if not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            f"{name} is not an IANA time zone (e.g. Europe/Vienna)",
            path=("timezone",),
        ) from None
    return name


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def read_form(
    form: MultiDict[str, str],
    files: MultiDict[str, FileStorage],
    *,
    default_locale: str,
) -> FormResult:
    """Read the posted form; :attr:`FormResult.inputs` is set when all is well."""
    values = {name: form.get(name, "") for name in _TEXT_FIELDS}
    result = FormResult(values, form.getlist("days"))
    timezone = result.run(lambda: _timezone(values["timezone"]))

    requested: StaysFile | None = None
    requested_upload = _upload(files, "requested_file")
    if requested_upload is not None:
        values["requested_text"] = _text(requested_upload)
    requested_data: bytes | str = requested_upload or values["requested_text"]
    if is_used(values):
        built = result.built = result.run(lambda: build_series(values, result.days))
        if requested_data.strip():
            result.errors.setdefault("requested", []).append(
                "requested: give the requested stays here or with the series "
                "builder, not both"
            )
        elif built is not None:
            requested = StaysFile([built.series])
    elif not requested_data.strip():
        result.errors.setdefault("requested", []).append(
            "requested: is empty: paste or upload the guest's request, or use the "
            "series builder"
        )
    else:
        requested = result.run(lambda: read_side(requested_data, "requested", timezone))

    confirmed_upload = _upload(files, "confirmed_file")
    if confirmed_upload is not None:
        values["confirmed_text"] = _text(confirmed_upload)
    confirmed_data: bytes | str = confirmed_upload or values["confirmed_text"]
    mail = result.run(lambda: _mail(files, values))
    confirmed = None
    if confirmed_data.strip():
        confirmed = result.run(lambda: read_side(confirmed_data, "confirmed", timezone))
    elif mail is not None:
        # The mail's own markup (schema.org) says what it confirms, when the
        # library reads that format.
        confirmed = result.run(lambda: _confirmed_in_mail(mail, timezone))
    elif "mail" not in result.errors:
        result.errors.setdefault("confirmed", []).append(
            "confirmed: is empty: paste or upload what the hotel confirmed, or "
            "upload the confirmation mail below"
        )

    locale = result.run(lambda: _locale(values["locale"], mail, default_locale))
    if result.errors or requested is None or confirmed is None or locale is None:
        return result
    result.inputs = Inputs(
        requested, confirmed, locale, hotel_of(requested, confirmed), mail
    )
    return result


def _confirmed_in_mail(mail: bytes, timezone: str | None) -> StaysFile:
    try:
        return read_side(mail, "mail", timezone)
    except InputError as error:
        raise InputError(
            [
                Problem(
                    ("confirmed",),
                    f"is empty, and the confirmed stays could not be read from "
                    f"the mail: {problem}",
                )
                for problem in error.problems
            ]
        ) from None


def _mail(files: MultiDict[str, FileStorage], values: dict[str, str]) -> bytes | None:
    upload = files.get("mail_file")
    if upload is not None and upload.filename:
        data: bytes = upload.read()
        values["mail_kept"] = base64.b64encode(data).decode("ascii")
        values["mail_name"] = upload.filename
        return data or None
    kept = values["mail_kept"]
    if not kept:
        return None
    try:
        return base64.b64decode(kept, validate=True)
    except (binascii.Error, ValueError):
        values["mail_kept"] = values["mail_name"] = ""
        raise InputError(
            "the mail kept in the page is damaged: upload it again", path=("mail",)
        ) from None


def _locale(tag: str, mail: bytes | None, default_locale: str) -> str:
    """The language chosen, else the mail's own, else the service's default."""
    if tag:
        if tag not in SUPPORTED_LOCALES:
            raise InputError(
                f"{tag!r} is not one of " + ", ".join(SUPPORTED_LOCALES),
                path=("locale",),
            )
        return resolve_locale(tag)
    languages = mail_languages(mail) if mail is not None else ()
    return pick_locale(None, [*languages, default_locale])
