"""Either side may be OpenTravel / AlpineBits XML or schema.org markup, as text;
/v1/attach reads the confirmed stays from the mail's markup when they are left out."""

from __future__ import annotations

import base64
from typing import Any

from tests.formats.support import DATA, shared_samples
from tests.webhook.helpers import ROOT, DocumentedClient

EXAMPLE = ROOT / "examples" / "alpinebits"


def errors(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.get_data(as_text=True)
    return {e["pointer"]: e["detail"] for e in response.get_json()["errors"]}


def test_an_alpinebits_request_against_a_marked_up_page(
    client: DocumentedClient,
) -> None:
    body = {
        "requested": (EXAMPLE / "request.xml").read_text("utf-8"),
        "confirmed": (DATA / "schemaorg" / "microdata.html").read_text("utf-8"),
    }
    answer = client.signed("/v1/check", body)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    report = answer.get_json()["report"]
    assert report["totals"]["requested_stays"] == 2


def test_the_modification_pair_as_xml_on_both_sides(client: DocumentedClient) -> None:
    body = {
        "requested": (DATA / "modification" / "new-reservation.xml").read_text("utf-8"),
        "confirmed": (DATA / "modification" / "modified-to-three-nights.xml").read_text(
            "utf-8"
        ),
    }
    report = client.signed("/v1/check", body).get_json()["report"]
    assert [(r["check_in"], r["nights"]) for r in report["not_booked"]] == [
        ("2026-03-12", 1)
    ]


def test_hostile_xml_is_refused_at_its_side(client: DocumentedClient) -> None:
    for name in ("billion-laughs", "external-entity", "end-before-start"):
        xml = (DATA / "refused" / f"{name}.xml").read_text("utf-8")
        found = errors(client.signed("/v1/check", {"requested": [], "confirmed": xml}))
        assert list(found) == ["/confirmed"], name
        assert "line" in found["/confirmed"], name


def test_attach_reads_the_confirmed_stays_from_the_mail(
    client: DocumentedClient,
) -> None:
    mail = (EXAMPLE / "confirmation.eml").read_bytes()
    body = {
        "requested": (EXAMPLE / "request.xml").read_text("utf-8"),
        "mail": base64.b64encode(mail).decode("ascii"),
    }
    answer = client.signed("/v1/attach", body, headers={"Accept": "application/json"})
    assert answer.status_code == 200, answer.get_data(as_text=True)
    report = answer.get_json()["report"]
    assert [(r["check_in"], r["room_type"]) for r in report["not_booked"]] == [
        ("2026-03-12", "EZ")
    ]


def test_attach_without_confirmed_needs_markup_in_the_mail(
    client: DocumentedClient,
) -> None:
    mail = b"From: hotel@example.com\r\nSubject: Booked\r\n\r\nSee you!\r\n"
    body = {"requested": [], "mail": base64.b64encode(mail).decode("ascii")}
    found = errors(client.signed("/v1/attach", body))
    assert found == {
        "/mail": "carries no schema.org LodgingReservation markup (JSON-LD or "
        "microdata); without confirmed, the confirmed stays are read from the "
        "mail's schema.org markup"
    }


def test_a_quote_request_and_a_cancellation_reach_the_report(
    client: DocumentedClient,
) -> None:
    samples = shared_samples() / "alpinebits"
    quote = samples / (
        "alpinebits-2018-10_GuestRequests-OTA_ResRetrieveRS-request-with-roomtype.xml"
    )
    body = {
        "requested": quote.read_text("utf-8"),
        "confirmed": [
            {"check_in": "2017-10-05", "check_out": "2017-10-09", "room_type": "A"}
        ],
    }
    (stay,) = client.signed("/v1/check", body).get_json()["report"]["stays"]
    assert (stay["check_in"], stay["earliest_arrival"], stay["latest_arrival"]) == (
        "2017-10-05",
        "2017-10-03",
        "2017-10-08",
    )
    cancellation = samples / (
        "alpinebits-2015-07b_GuestRequests-OTA_ResRetrieveRS-cancellation.xml"
    )
    body = {
        "requested": [
            {
                "check_in": "2012-04-02",
                "check_out": "2012-04-06",
                "ref": "c24e8b15ca469388",
            }
        ],
        "confirmed": cancellation.read_text("utf-8"),
    }
    answer = client.signed("/v1/check", body).get_json()
    assert answer["report"]["stays"][0]["cancelled"] is True
    assert "The reservation is cancelled." in " ".join(answer["text"].split())
