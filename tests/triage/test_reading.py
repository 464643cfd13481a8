"""Reading check: no-content answers, junk and non-English text go where they should."""
import pytest

from complaint_insight.datasets import load_authored
from complaint_insight.triage.reading import reading_status


def test_authored_junk_and_non_english_rows():
    rows = load_authored("complaints", "junk_and_non_english.jsonl")
    wrong = [t for t, needs in zip(rows["text"], rows["needs_human_reader"]) if (reading_status(t) != "ok") != needs]
    assert wrong == []


@pytest.mark.parametrize("text", ["ok", "Waited 3 hrs 😡 appalling", "Appalling.", "rude receptionist",
                                  "Diolch yn fawr to the ward team, brilliant care for my taid ❤️",
                                  "Train cancelled AGAIN 🙄 merci beaucoup Northline, really helpful"])
def test_short_english_and_english_with_foreign_words_is_read(text):
    assert reading_status(text) == "ok"


@pytest.mark.parametrize("text", ["n/a", "N/A", "-", "Nothing.", "no comment", "did not answer", "  None  "])
def test_no_content_answers_are_empty(text):
    assert reading_status(text) == "empty"


@pytest.mark.parametrize("text, status", [
    ("Czekałam na karetkę ponad cztery godziny. To skandal.", "non_english"),
    ("Llevo tres semanas esperando una cita con el médico de cabecera.", "non_english"),
    ("我在急诊室等了五个小时，没有人告诉我原因。", "non_english"),
    ("asdfghjkl", "unreadable"),
    ("#REF!", "unreadable"),
    ("<script>alert(1)</script>", "unreadable"),
])
def test_needs_a_person(text, status):
    assert reading_status(text) == status
