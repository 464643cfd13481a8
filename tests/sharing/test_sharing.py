"""Anonymised sharing: no personal data leaves, suppression, schema, hostile files, export -> compare."""
from __future__ import annotations

import datetime as dt
import json
import random
import re
from pathlib import Path

import pandas as pd
import pytest

from complaint_insight.actions import LogEntry, SQLiteLearningLog
from complaint_insight.cli import main
from complaint_insight.errors import InputError
from complaint_insight.privacy import make_nhs_number
from complaint_insight.sharing import (
    SharingExport,
    build_export,
    compare_exports,
    json_schema,
    parse_export,
    read_export,
    write_export,
)

REPO = Path(__file__).resolve().parents[2]
CREATED = dt.datetime(2024, 6, 1, tzinfo=dt.timezone.utc)
FIRST = ["Aisha", "Gareth", "Bernadette", "Callum", "Priya", "Dennis", "Sandra", "Kerry"]
LAST = ["Okonkwo", "Fitzgerald", "Adeyemi", "Kowalska", "Henderson", "McAllister", "O'Brien", "Patel"]
STREETS = ["Wellington Road", "Acacia Avenue", "Brunswick Street", "Oakfield Close", "Sycamore Drive"]
POSTCODES = ["LS6 2QT", "BD7 1JQ", "S10 3TR", "M4 6EP", "CF14 3NP"]


def seeded_frame(n: int = 60, seed: int = 0) -> tuple[pd.DataFrame, set[str]]:
    """Complaints full of synthetic personal data, and the identifiers planted in them."""
    rng = random.Random(seed)
    rows, planted = [], set()
    themes = [
        ("waiting", "Waiting times in A&E", "timeliness_of_care;appointment_arrangements"),
        ("discharge", "Discharge without medication", "discharge;kept_informed_clarity"),
        ("attitude", "Rude staff", "staff_manner_attributes"),
    ]
    for i in range(n):
        tid, label, cats = themes[i % 3]
        first, last = rng.choice(FIRST), rng.choice(LAST)
        nhs = make_nhs_number(rng)
        nhs_text = f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"
        phone = f"07700 900{rng.randint(100, 999)}"
        email = f"{first.lower()}.{last.lower().replace(chr(39), '')}{i}@example.com"
        house = f"{rng.randint(1, 99)} {rng.choice(STREETS)}"
        postcode = rng.choice(POSTCODES)
        dob = f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/19{rng.randint(30, 99)}"
        hosp = f"RX{rng.randint(1000000, 9999999)}"
        text = rng.choice(
            [
                f"Dr {last} kept my mum waiting 9 hours. NHS number {nhs_text}, DOB {dob}. Call {phone}.",
                f"My husband {first} was sent home to {house}, {postcode} with no tablets. Email {email}.",
                f"Nurse {first} was rude to my dad (hospital number {hosp}), please ring {phone}.",
            ]
        )
        planted |= {last, first, nhs_text, phone, email, house, postcode, dob, hosp}
        rows.append({"text": text, "theme_id": tid, "theme_label": label, "categories": cats,
                     "date": f"2024-0{1 + i % 6}-1{i % 9}", "site": "North" if i % 2 else "South"})
    return pd.DataFrame(rows), planted


@pytest.fixture
def log_path(tmp_path):
    log = SQLiteLearningLog(tmp_path / "learning.db")
    log.add(LogEntry(theme_id="waiting", theme_label="Waiting times in A&E",
                     action_text="Nurse Kerry Walsh to run a rapid assessment bay; call 07700 900123 for the rota",
                     owner="ED matron", date_agreed=dt.date(2024, 3, 14), status="done",
                     evidence="Minutes of meeting with Dr Okonkwo", public_summary="We opened a rapid assessment bay."))
    log.add(LogEntry(theme_id="parking", theme_label="Parking", action_text="More disabled bays",
                     owner="estates", date_agreed=dt.date(2024, 2, 1)))
    return tmp_path / "learning.db"


def test_export_contains_no_planted_personal_data(log_path):
    frame, planted = seeded_frame()
    export = build_export(frame, taxonomy="qdc", log=log_path, organisation="Our Trust", created=CREATED)
    dumped = export.model_dump_json()
    leaked = sorted(p for p in planted if p in dumped)
    assert not leaked, f"personal data in the export: {leaked}"
    assert all(q for t in export.themes for q in t.quotes)  # quotes are there, only redacted
    assert "[NAME]" in dumped and "[NHS_NUMBER]" in dumped and "[PHONE]" in dumped
    # Internal fields of the learning log never leave.
    assert "ED matron" not in dumped and "Minutes of meeting" not in dumped and "Walsh" not in dumped


def test_export_counts_rates_and_actions(log_path):
    frame, _ = seeded_frame(n=60)
    export = build_export(frame, taxonomy="qdc", log=log_path, date_column="date", group_column="site",
                          created=CREATED)
    assert export.schema_version == "1.0" and export.taxonomy == "qdc"
    assert export.total_complaints == 60
    by_id = {c.id: c for c in export.categories}
    assert by_id["discharge"].count == 20 and by_id["discharge"].rate == pytest.approx(20 / 60)
    assert by_id["discharge"].by_group == {"North": 10, "South": 10}
    assert by_id["admission"].count == 0 and not by_id["admission"].suppressed
    assert {t.id: t.count for t in export.themes} == {"attitude": 20, "discharge": 20, "waiting": 20}
    waiting = next(t for t in export.themes if t.id == "waiting")
    assert waiting.categories[:2] == ["appointment_arrangements", "timeliness_of_care"]
    assert export.period.start == dt.date(2024, 1, 10) and export.period.end.month == 6
    # Only actions on exported themes; the day agreed is withheld.
    assert [(a.theme_id, a.agreed, a.status) for a in export.actions] == [("waiting", "2024-03", "done")]


def test_small_counts_are_suppressed_and_their_quotes_withheld():
    frame, _ = seeded_frame(n=60)
    frame.loc[0, ["theme_id", "theme_label", "categories"]] = ["rare", "Rare theme", "admission"]
    export = build_export(frame, taxonomy="qdc", suppress_below=5, created=CREATED)
    rare = next(t for t in export.themes if t.id == "rare")
    assert rare.count is None and rare.rate is None and rare.suppressed and rare.quotes == []
    admission = next(c for c in export.categories if c.id == "admission")
    assert admission.count is None and admission.suppressed


def test_unknown_category_and_missing_column_are_clear_errors():
    frame, _ = seeded_frame(n=9)
    frame.loc[0, "categories"] = "not_a_qdc_category"
    with pytest.raises(InputError, match="not in taxonomy 'qdc': not_a_qdc_category"):
        build_export(frame, taxonomy="qdc")
    with pytest.raises(InputError, match="theme column 'theme' not found"):
        build_export(frame, theme_column="theme")


def test_empty_frame_gives_an_empty_export():
    frame = pd.DataFrame(columns=["text", "theme_id", "categories"])
    export = build_export(frame, taxonomy="qdc", created=CREATED)
    assert export.total_complaints == 0 and export.themes == []
    assert all(c.count == 0 and c.rate is None for c in export.categories)


def test_round_trip_export_then_compare(tmp_path, log_path):
    ours_frame, _ = seeded_frame(n=60, seed=0)
    theirs_frame, _ = seeded_frame(n=30, seed=1)
    theirs_frame["categories"] = theirs_frame["categories"].str.replace("staff_manner_attributes", "discharge")
    write_export(build_export(ours_frame, taxonomy="qdc", created=CREATED), tmp_path / "ours.json")
    write_export(build_export(theirs_frame, taxonomy="qdc", log=log_path, organisation="Their Trust",
                              created=CREATED), tmp_path / "theirs.json")
    ours, theirs = read_export(tmp_path / "ours.json"), read_export(tmp_path / "theirs.json")
    assert ours == build_export(ours_frame, taxonomy="qdc", created=CREATED)
    table = compare_exports(ours, theirs).set_index("category_id")
    assert table.loc["discharge", "our_count"] == 20 and table.loc["discharge", "their_count"] == 20
    assert table.loc["discharge", "our_rate"] == pytest.approx(1 / 3)
    assert table.loc["discharge", "their_rate"] == pytest.approx(2 / 3)
    assert table.loc["discharge", "rate_ratio"] == pytest.approx(0.5)
    assert table.loc["staff_manner_attributes", "their_count"] == 0
    # Their action on waiting times lines up with the categories where we have a theme.
    assert "rapid assessment bay" in table.loc["timeliness_of_care", "their_actions"]
    assert "Waiting times in A&E" in table.loc["timeliness_of_care", "our_themes"]
    assert table.loc["discharge", "their_actions"] == ""


def test_different_taxonomies_cannot_be_compared():
    frame, _ = seeded_frame(n=9)
    ours = build_export(frame, taxonomy="qdc", created=CREATED)
    theirs = ours.model_copy(update={"taxonomy": "hcat"})
    with pytest.raises(InputError, match="different taxonomies"):
        compare_exports(ours, theirs)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (b"[1, 2, 3]", "Input should be a valid dictionary"),
        (b'{"schema_version": "9.9"}', "schema_version '9.9' is not supported"),
        (b'{"schema_version": "1.0", "created": "2024-01-01T00:00:00Z", "total_complaints": -1, '
         b'"suppress_below": 5}', "total_complaints"),
        (b'{"schema_version": "1.0", "created": "2024-01-01T00:00:00Z", "total_complaints": 1, '
         b'"suppress_below": 5, "evil": "<script>"}', "evil: Extra inputs are not permitted"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON"),
    ],
)
def test_hostile_files_give_one_line_errors(tmp_path, content, message):
    path = tmp_path / "theirs.json"
    path.write_bytes(content)
    with pytest.raises(InputError, match=re.escape(message)) as info:
        read_export(path)
    assert "\n" not in str(info.value)


def test_published_schema_matches_the_models():
    published = json.loads((REPO / "docs" / "sharing_schema.json").read_text(encoding="utf-8"))
    assert published == json_schema()
    assert parse_export(json.loads(build_export(seeded_frame(6)[0], created=CREATED).model_dump_json()))


def test_cli_export_and_compare(tmp_path, log_path, capsys):
    frame, planted = seeded_frame(n=30)
    frame.to_csv(tmp_path / "themed.csv", index=False)
    assert main(["share", "export", str(tmp_path / "themed.csv"), "-o", str(tmp_path / "share.json"),
                 "--taxonomy", "qdc", "--log", str(log_path), "--organisation", "Our Trust"]) == 0
    text = (tmp_path / "share.json").read_text(encoding="utf-8")
    assert not [p for p in planted if p in text]
    assert SharingExport.model_validate_json(text).organisation == "Our Trust"
    assert main(["share", "compare", str(tmp_path / "share.json"), str(tmp_path / "share.json"),
                 "-o", str(tmp_path / "comparison.csv")]) == 0
    table = pd.read_csv(tmp_path / "comparison.csv")
    assert list(table.columns[:6]) == ["category_id", "category_name", "our_count", "our_rate", "their_count",
                                       "their_rate"]
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    capsys.readouterr()
    assert main(["share", "compare", str(tmp_path / "share.json"), str(tmp_path / "bad.json"),
                 "-o", str(tmp_path / "c.csv")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not valid JSON" in err


def test_their_text_cannot_inject_formulas_into_the_comparison_csv(tmp_path):
    frame, _ = seeded_frame(n=9)
    ours = build_export(frame, taxonomy="qdc", suppress_below=1, created=CREATED)
    evil = ours.model_copy(update={"themes": [t.model_copy(update={"label": "=HYPERLINK(\"http://x\")"})
                                              for t in ours.themes]})
    write_export(ours, tmp_path / "ours.json")
    write_export(evil, tmp_path / "theirs.json")
    assert main(["share", "compare", str(tmp_path / "theirs.json"), str(tmp_path / "ours.json"),
                 "-o", str(tmp_path / "c.csv")]) == 0
    cells = (tmp_path / "c.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK" in cells and ",=HYPERLINK" not in cells
