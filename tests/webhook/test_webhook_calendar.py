"""Either side of a request may be iCalendar text instead of JSON stays."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.webhook.helpers import ROOT, DocumentedClient, story_body

STORY = ROOT / "examples" / "story"


def event(*lines: str, uid: str = "stay@example.com") -> str:
    return "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//confirmcheck webhook tests//EN",
            "BEGIN:VEVENT",
            f"UID:{uid}",
            "DTSTAMP:20260101T000000Z",
            *lines,
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
    )


def errors(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.get_data(as_text=True)
    return {e["pointer"]: e["detail"] for e in response.get_json()["errors"]}


def test_the_story_as_calendars_gives_the_same_report(client: DocumentedClient) -> None:
    from_json = client.signed("/v1/check", story_body()).get_json()
    body = {
        "requested": (STORY / "requested.ics").read_text("utf-8"),
        "confirmed": (STORY / "confirmed.ics").read_text("utf-8"),
    }
    from_ics = client.signed("/v1/check", body).get_json()
    # The calendar carries the references in UIDs or X-CONFIRMCHECK-REF; what
    # is booked and what is not must be the same.
    for key in ("not_booked", "booked_differently", "unrequested", "totals"):
        assert from_ics["report"][key] == from_json["report"][key]


def test_a_calendar_on_one_side_and_json_on_the_other(client: DocumentedClient) -> None:
    body = story_body()
    body["requested"] = (STORY / "requested.ics").read_text("utf-8")
    answer = client.signed("/v1/check", body).get_json()
    assert answer["text"].startswith("NOT BOOKED: 1 of your 20 weekly stays.")


def test_a_broken_calendar_points_at_its_side(client: DocumentedClient) -> None:
    body = {
        "requested": event("DTSTART;VALUE=DATE:20260105", "DTEND;VALUE=DATE:20260103"),
        "confirmed": [],
    }
    found = errors(client.signed("/v1/check", body))
    assert list(found) == ["/requested"]
    assert "stay@example.com" in found["/requested"]


def test_an_unbounded_rule_needs_until(client: DocumentedClient) -> None:
    weekly = event(
        "DTSTART;VALUE=DATE:20260105",
        "DTEND;VALUE=DATE:20260109",
        "RRULE:FREQ=WEEKLY",
    )
    found = errors(client.signed("/v1/check", {"requested": weekly, "confirmed": []}))
    assert list(found) == ["/requested"]
    body = {"requested": weekly, "confirmed": [], "until": "2026-02-01"}
    answer = client.signed("/v1/check", body).get_json()
    assert answer["report"]["totals"]["requested_stays"] == 4


@pytest.mark.parametrize("until", ["2026-02-30", "1 Feb 2026", 20260201])
def test_until_must_be_a_date(client: DocumentedClient, until: Any) -> None:
    found = errors(client.signed("/v1/check", story_body(until=until)))
    assert list(found) == ["/until"]


def test_the_hotel_time_zone_places_timed_events(client: DocumentedClient) -> None:
    # Check-in 15:00, check-out 11:00, written in UTC: in Vienna (UTC+1 in March)
    # that is still 9 to 13 March, four nights.
    timed = event("DTSTART:20260309T140000Z", "DTEND:20260313T100000Z")
    body = {"requested": timed, "confirmed": [], "timezone": "Europe/Vienna"}
    answer = client.signed("/v1/check", body).get_json()
    assert answer["report"]["not_booked"][0]["check_in"] == "2026-03-09"
    assert answer["report"]["not_booked"][0]["nights"] == 4


def test_text_that_is_neither_a_calendar_nor_json(client: DocumentedClient) -> None:
    body = {"requested": "BEGIN:VEVENT\r\nUID:x\r\nEND:VEVENT\r\n", "confirmed": []}
    found = errors(client.signed("/v1/check", body))
    assert found["/requested"] == (
        "is neither JSON nor an iCalendar file: it starts with 'BEGIN:VEVENT'; "
        "a calendar starts with BEGIN:VCALENDAR"
    )


def test_json_text_is_read_as_the_stays_it_holds(client: DocumentedClient) -> None:
    # The one reader decides the format, for a file and for a field alike.
    as_text = {"requested": json.dumps(story_body()["requested"]), "confirmed": []}
    as_json = {"requested": story_body()["requested"], "confirmed": []}
    answer = client.signed("/v1/check", as_text).get_json()
    assert answer == client.signed("/v1/check", as_json).get_json()


def test_json_text_is_bounded_like_json(client: DocumentedClient) -> None:
    entries = [{"check_in": "2026-03-09", "check_out": "2026-03-10"}] * 1001
    body = {"requested": json.dumps(entries), "confirmed": []}
    found = errors(client.signed("/v1/check", body))
    assert found["/requested"] == "has 1001 entries; at most 1000 are accepted"
