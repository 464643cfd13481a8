import math

import pandas as pd
import pytest

from complaint_insight.text import MAX_MODEL_CHARS, clean_for_model, coerce_text, content_status


@pytest.mark.parametrize(
    "value, expected",
    [(None, ""), (float("nan"), ""), (pd.NA, ""), ("text", "text"), (42, "42"), (3.5, "3.5"), (b"caf\xc3\xa9", "café")],
)
def test_coerce_text_defined_results(value, expected):
    assert coerce_text(value) == expected


def test_coerce_text_rejects_containers_naming_the_row():
    with pytest.raises(TypeError, match="row 'r7'.*dict"):
        coerce_text({"a": 1}, row="r7")


def test_invalid_utf8_bytes_become_unreadable_not_an_exception():
    text = coerce_text(b"\xff\xfe\x00\x01binary\x00")
    assert content_status(text) == "unreadable"


@pytest.mark.parametrize(
    "text, status",
    [("", "empty"), ("   \n\t", "empty"), ("12345", "unreadable"), ("!!!???", "unreadable"), ("😡😡", "unreadable"),
     ("Waited 3 hrs 😡", "ok"), ("ok", "ok")],
)
def test_content_status(text, status):
    assert content_status(text) == status


def test_clean_for_model_removes_markup_handles_and_links():
    cleaned = clean_for_model("<script>alert(1)</script><b>@NHSTrust</b> see https://x.y/z &amp; #waiting")
    assert "alert" not in cleaned and "<" not in cleaned
    assert "@USER" in cleaned and "URL" in cleaned and "&" in cleaned and "waiting" in cleaned
    assert "#" not in cleaned


def test_clean_for_model_caps_length_and_normalises_quotes():
    assert len(clean_for_model("a" * (3 * MAX_MODEL_CHARS))) == MAX_MODEL_CHARS
    assert clean_for_model("couldn\u2019t fault") == "couldn't fault"
    assert not math.isnan(len(clean_for_model("\x00\x01 text")))


def test_clean_for_model_collapses_whitespace_like_the_regex():
    import re
    import sys

    from complaint_insight.text import clean_for_model

    spaces = "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace())
    text = f"  a{spaces}b \t\n c\u00a0\u2003d  "
    assert clean_for_model(text) == re.sub(r"\s+", " ", text).strip()
