"""The summaries a guest reads: golden files per locale, layout rules, languages."""

from __future__ import annotations

import datetime as dt
import json
import os
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from confirmcheck import LocaleError, Series, Stay, diff
from confirmcheck.i18n import resolve_locale
from confirmcheck.readers import load_stays, read_stays
from confirmcheck.render import Summary, render_html, render_text, summarize
from confirmcheck.render.summary import KEEP, RoomTypes, Section
from confirmcheck.render.text import MIN_WIDTH
from confirmcheck.report import Report

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.stem for p in (GOLDEN / "cases").glob("*.json"))
EXAMPLES = Path(__file__).parent.parent / "examples"
LOCALES = ("en", "de", "es", "fr", "it", "nl", "pl")
# Set CONFIRMCHECK_UPDATE_GOLDENS=1 to rewrite the golden files after a deliberate
# change of wording or layout; review the diff before committing it.
UPDATE = os.environ.get("CONFIRMCHECK_UPDATE_GOLDENS") == "1"


def case_report(name: str) -> Report:
    return case(name)[0]


def case(name: str) -> tuple[Report, tuple[Stay | Series, ...], RoomTypes]:
    """A case's report, its confirmed stays (their refs) and the hotel's names
    of its room types."""
    if name == "story":
        requested = load_stays(EXAMPLES / "story" / "requested.json")
        confirmed = load_stays(EXAMPLES / "story" / "confirmed.json")
        report = diff(requested.stays, confirmed.stays)
        return report, confirmed.stays, confirmed.room_types
    data = json.loads((GOLDEN / "cases" / f"{name}.json").read_text("utf-8"))
    requested = read_stays(data["requested"])
    confirmed = read_stays(data["confirmed"])
    return (
        diff(requested.stays, confirmed.stays),
        confirmed.stays,
        data.get("room_types", {}),
    )


def case_summary(name: str, locale: str) -> Summary:
    report, confirmed, room_types = case(name)
    return summarize(report, locale=locale, confirmed=confirmed, room_types=room_types)


def check_golden(path: Path, actual: str) -> None:
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), (
        f"{path.name} is missing: run with CONFIRMCHECK_UPDATE_GOLDENS=1"
    )
    assert actual == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("name", ["story", *CASES])
def test_text_matches_golden_file(name: str, locale: str) -> None:
    text = render_text(case_summary(name, locale))
    check_golden(GOLDEN / f"{name}.{locale}.txt", text)
    assert all(len(line) <= 78 for line in text.splitlines())


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("name", ["story", *CASES])
def test_html_matches_golden_file(name: str, locale: str) -> None:
    check_golden(
        GOLDEN / f"{name}.{locale}.html",
        render_html(case_summary(name, locale)) + "\n",
    )


def test_the_story_says_what_the_guest_should_have_read() -> None:
    text = render_text(case_summary("story", "en"))
    assert text.splitlines()[:2] == [
        "NOT BOOKED: 1 of your 20 weekly stays.",
        "  Mon, 9 Mar – Fri, 13 Mar 2026 (4 nights): no room is reserved.",
    ]
    said = " ".join(text.split())
    assert (
        "Booked as requested: every week Mon–Fri, 5 Jan – 22 May 2026, except "
        "9–13 Mar (19 stays, 76 nights, single room, 1 guest, AB-4711 – AB-4719, "
        "AB-4721 – AB-4730)."
    ) in said
    # The weeks booked as requested are said once, as the series, not one by one.
    assert "16 Mar" not in said


def test_the_story_in_austrian_german() -> None:
    report, confirmed, room_types = case("story")
    text = render_text(
        summarize(report, locale="de-AT", confirmed=confirmed, room_types=room_types)
    )
    said = " ".join(text.split())
    assert (
        text.splitlines()[0] == "NICHT GEBUCHT: 1 Ihrer 20 wöchentlichen Aufenthalte."
    )
    assert "Mo., 9. – Fr., 13. März 2026" in said
    assert "jede Woche Mo.–Fr., 5. Jän. – 22. Mai 2026, außer 9.–13. März" in said
    assert "Einzelzimmer" in said
    # The heading is said once, not again above its items.
    assert said.count("NICHT GEBUCHT") == 1


def test_complete_says_so_just_as_explicitly() -> None:
    text = render_text(case_report("complete"))
    assert text.splitlines()[0] == (
        "All 3 of your stays are booked as requested (12 nights)."
    )
    one = render_text(case_report("single-stay"))
    assert one.splitlines()[0] == "Your stay is booked as requested (3 nights)."
    german = render_text(case_report("single-stay"), locale="de")
    assert german.splitlines()[0] == (
        "Ihr Aufenthalt ist wie angefragt gebucht (3 Übernachtungen)."
    )


def test_sections_come_in_order_of_severity() -> None:
    summary = summarize(case_report("everything"))
    assert [s.kind for s in summary.sections] == [
        "not_booked",
        "booked_differently",
        "unrequested",
        "booked",
    ]
    assert summary.verdict.startswith(
        "NOT BOOKED: 1 of your 4 requested stays. PARTLY BOOKED: 1 of your 4"
    )


def test_exceptions_are_listed_in_date_order() -> None:
    summary = case_summary("series-two-gaps", "en")
    (not_booked, booked) = summary.sections
    assert [item.split(" (")[0] for item in not_booked.items] == [
        "Mon, 19 Oct – Thu, 22 Oct 2026".replace(" ", KEEP),
        "Mon, 16 Nov – Thu, 19 Nov 2026".replace(" ", KEEP),
    ]
    assert "except 19–22\u00a0Oct, 16–19\u00a0Nov" in booked.heading


def test_the_full_list_of_stays_is_there_on_request() -> None:
    report, confirmed, _names = case("story")
    summary = summarize(report, confirmed=confirmed, detail=True)
    text = render_text(summary)
    assert "Stay 11 of 20, Mon, 16 Mar – Fri, 20 Mar 2026" in " ".join(text.split())
    assert [s.kind for s in summary.details] == ["not_booked", "booked"]
    assert len(summary.details[1].items) == 19
    assert summarize(report).details == ()


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        ("en", "en"),
        ("en-GB", "en"),
        ("de", "de"),
        ("de_AT", "de"),
        ("de-CH", "de"),
        ("DE", "de"),
    ],
)
def test_regional_locales_fall_back_to_their_language(tag: str, expected: str) -> None:
    assert resolve_locale(tag) == expected


@pytest.mark.parametrize("tag", ["sv", "sv-SE", "", "12", "de--AT", "en US"])
def test_an_unsupported_locale_is_an_error_listing_the_supported_ones(tag: str) -> None:
    with pytest.raises(LocaleError, match="supported: de, en, es, fr, it, nl, pl"):
        render_text(Report(stays=()), locale=tag)


# --- layout rules, for any report --------------------------------------------------

room_types = st.one_of(
    st.none(),
    st.sampled_from(
        ["double", "single", "Superior King with a very long name and balcony"]
    ),
    st.text(
        alphabet="abcdefghijklmnopqrstuvwxyz<>&\"' ", min_size=1, max_size=90
    ).filter(lambda s: s.strip() != ""),
)


@st.composite
def stays(draw: st.DrawFn) -> Stay:
    start = dt.date(2026, 1, 1) + dt.timedelta(days=draw(st.integers(0, 30)))
    nights = draw(st.integers(1, 9))
    return Stay(
        start,
        start + dt.timedelta(days=nights),
        rooms=draw(st.integers(1, 3)),
        room_type=draw(room_types),
        guests=draw(st.one_of(st.none(), st.integers(1, 12))),
    )


@given(
    st.lists(stays(), max_size=6),
    st.lists(stays(), max_size=6),
    st.sampled_from(LOCALES),
)
def test_plain_text_lines_stay_within_78_characters(
    requested: list[Stay], confirmed: list[Stay], locale: str
) -> None:
    text = render_text(diff(requested, confirmed), locale=locale)
    assert text.endswith("\n")
    assert all(len(line) <= 78 for line in text.splitlines())
    assert "\u00a0" not in text


class _Audit(HTMLParser):
    """Collects what a mail client would object to in an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.text: list[str] = []
        self.balanced = True

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack.append(tag)
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.balanced = False

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@given(
    st.lists(stays(), max_size=6),
    st.lists(stays(), max_size=6),
    st.sampled_from(LOCALES),
)
def test_html_is_a_self_contained_fragment_with_every_value_escaped(
    requested: list[Stay], confirmed: list[Stay], locale: str
) -> None:
    report = diff(requested, confirmed)
    fragment = render_html(report, locale=locale)
    audit = _Audit()
    audit.feed(fragment)
    audit.close()
    assert audit.balanced
    assert not audit.stack
    assert audit.tags <= {"div", "p", "ul", "li"}
    assert audit.attributes <= {"style", "lang", "data-confirmcheck"}
    assert "url(" not in fragment
    assert "@import" not in fragment
    # Everything a person reads is the text rendering's words, escaped, not markup.
    words = " ".join("".join(audit.text).replace("\u00a0", " ").split())
    summary = summarize(report, locale=locale)
    for section in summary.sections or (Section("", summary.verdict, (), ""),):
        assert " ".join(section.heading.replace("\u00a0", " ").split()) in words
    # Room types are the guest's or the hotel's words: shown as text, never markup.
    shown = {
        s.room_type
        for s in requested + confirmed
        if s.room_type
        and any(s.room_type in i for sec in summary.sections for i in sec.items)
    }
    for room_type in shown:
        assert " ".join(room_type.split()) in words


def test_html_does_not_rely_on_colour() -> None:
    fragment = render_html(case_report("story"))
    assert "NOT BOOKED: 1 of your 20 weekly stays." in fragment
    # No text or background colour: dark mode keeps its own; the border only helps.
    assert "background" not in fragment
    assert ";color:" not in fragment.replace(" ", "")
    assert '"color:' not in fragment


def test_plurals_follow_the_language() -> None:
    one = diff([Stay(dt.date(2026, 1, 1), dt.date(2026, 1, 2))], [])
    two = diff([Stay(dt.date(2026, 1, 1), dt.date(2026, 1, 3), rooms=2)], [])
    assert "(1 night)" in render_text(one)
    assert "(2 nights, 2 rooms)" in render_text(two)
    assert "(1 Übernachtung)" in " ".join(render_text(one, locale="de").split())
    assert "(2 Übernachtungen, 2 Zimmer)" in " ".join(
        render_text(two, locale="de").split()
    )
    assert render_text(one).startswith("NOT BOOKED: your requested stay.")
    assert render_text(one, locale="de").startswith(
        "NICHT GEBUCHT: Ihr angefragter Aufenthalt."
    )
    # Polish has three forms: 1 noc, 2 noce, 5 nocy.
    nights = {
        n: render_text(
            diff([Stay(dt.date(2026, 1, 1), dt.date(2026, 1, 1 + n))], []), locale="pl"
        )
        for n in (1, 2, 5)
    }
    assert "(1 noc)" in nights[1]
    assert "(2 noce)" in nights[2]
    assert "(5 nocy)" in nights[5]


def test_runs_of_blanks_in_a_room_type_are_said_as_one_space() -> None:
    # Room types as people typed them: the summary says their blanks as one
    # space in every output (the text layout, textwrap, would keep a run).
    report = diff(
        [Stay(dt.date(2026, 1, 1), dt.date(2026, 1, 2), room_type="Superior \t King")],
        [],
    )
    assert "(1 night, Superior King):" in " ".join(render_text(report).split("\n    "))
    assert "Superior King" in render_html(report)


def test_a_word_longer_than_a_line_is_cut_and_hyphens_are_no_breaks() -> None:
    report = diff(
        [Stay(dt.date(2026, 1, 1), dt.date(2026, 1, 2), room_type="x" * 100)], []
    )
    text = render_text(report, width=40)
    assert all(len(line) <= 40 for line in text.splitlines())
    assert "".join(line.strip(" -") for line in text.splitlines()).count("x") == 100
    hyphens = diff(
        [Stay(dt.date(2026, 1, 1), dt.date(2026, 1, 2), room_type="twin-double-a")],
        [],
    )
    assert "twin-double-a" in render_text(hyphens, width=30).replace("\n    ", " ")


def test_a_summary_made_once_is_laid_out_in_its_own_locale() -> None:
    summary = summarize(case_report("story"), locale="de")
    assert render_text(summary) == render_text(case_report("story"), locale="de")
    assert render_html(summary, locale="de") == render_html(
        case_report("story"), locale="de"
    )
    with pytest.raises(ValueError, match="in de, not in de-AT"):
        render_text(summary, locale="de-AT")
    with pytest.raises(ValueError, match="in de, not in en"):
        render_text(summary, locale="en")


def test_a_width_too_narrow_for_a_summary_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 20"):
        render_text(Report(stays=()), width=MIN_WIDTH - 1)
