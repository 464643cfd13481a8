import datetime as dt

import pytest

from complaint_insight.actions import LogEntry, SQLiteLearningLog, you_said_we_did
from complaint_insight.actions.publish import redact
from complaint_insight.errors import ConfigError


@pytest.fixture
def log(log_path):
    log = SQLiteLearningLog(log_path)

    def add(theme, text, status, **extra):
        return log.add(
            LogEntry(
                theme_id=theme.lower().replace(" ", "_"),
                theme_label=theme,
                action_text=text,
                owner="Sister Jones, ward 7",
                date_agreed=dt.date(2024, 3, 1),
                status=status,
                evidence="see email from jane.doe@nhs.net",
                **extra,
            )
        )

    add(
        "Waiting times",
        "Show the current wait on screens in the waiting area.",
        "done",
        effect="fell: 20.0 a month before, 11.0 a month after",
        effect_ratio=0.55,
        effect_p=0.01,
    )
    add("Waiting times", "Hourly rounds of the waiting area.", "in_progress", due_date=dt.date(2024, 9, 30))
    add("Cold food", "Hot trolleys on every ward", "planned", due_date=dt.date(2024, 6, 1))
    add("Parking", "A shuttle bus from the park and ride", "abandoned")
    add("Noise at night", "Ask Mr Smith on 07700 900123 about quieter bins", "done")
    add(
        "Call-backs",
        "Call-back booking system",
        "done",
        public_summary="Every promised call-back is now booked in a time slot.",
    )
    return log


def test_plain_english_summary_from_the_log(log):
    text = you_said_we_did(log)
    assert text.startswith("# You said, we did")
    assert "## You told us about: Waiting times." in text
    assert (
        "- We agreed to show the current wait on screens in the waiting area. This has been done. "
        "Since then, complaints about this have gone down." in text
    )
    assert "We agreed to hourly rounds of the waiting area. This is under way by September 2024." in text
    assert "Every promised call-back is now booked in a time slot." in text  # the entry's own words win
    assert "Cold food" not in text  # planned is not published by default
    assert "shuttle" not in text  # abandoned is never published


def test_no_personal_data_is_published(log):
    text = you_said_we_did(log, statuses=["done", "in_progress", "planned", "abandoned"])
    for private in ("Sister Jones", "jane.doe", "Mr Smith", "07700 900123", "shuttle"):
        assert private not in text
    assert "[NAME]" in text and "[PHONE]" in text  # the name and number inside an action text were caught
    assert "Cold food" in text and "We have agreed to hot trolleys on every ward by June 2024." in text


def test_period_filter_plain_text_and_empty(log):
    assert "There are no changes to report" in you_said_we_did(log, since="2030-01-01", until="2030-12-31")
    plain = you_said_we_did(log, markdown=False)
    assert not plain.startswith("#") and "You told us about: Waiting times." in plain


def test_redact_and_bad_templates(tmp_path, log):
    assert redact("Ring 020 7946 0018 or write to a.b@c.org, NHS no 943 476 5919, SW1A 1AA") == (
        "Ring [PHONE] or write to [EMAIL], NHS no [NHS_NUMBER], [POSTCODE]"
    )
    bad = tmp_path / "t.yaml"
    bad.write_text("title: x\n")
    with pytest.raises(ConfigError, match="invalid 'you said, we did' templates"):
        you_said_we_did(log, templates=bad)


def test_markdown_summary_escapes_html(tmp_path):
    log = SQLiteLearningLog(tmp_path / "l.sqlite")
    log.add(LogEntry(theme_id="w", theme_label="Waiting <script>alert(1)</script>",
                     action_text="Added <b>more</b> chairs", owner="ward manager", date_agreed="2024-01-01",
                     status="done"))
    text = you_said_we_did(log)
    assert "<script>" not in text and "&lt;script&gt;" in text and "<b>" not in text
