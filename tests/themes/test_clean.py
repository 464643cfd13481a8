import pytest

from complaint_insight.themes import clean_for_themes


@pytest.mark.parametrize("raw, expected", [
    ("Hi team, my appointment was cancelled twice. Thanks, Kind regards", "my appointment was cancelled twice."),
    ("<p>Dear Sir,</p> The parking is awful. Yours sincerely John Smith", "The parking is awful."),
    ("@NHSTrust the ward https://example.org/x was filthy", "the ward was filthy"),
    ("Good morning. Nobody answers the phone, thanks.", "Nobody answers the phone"),
])
def test_boilerplate_removed(raw, expected):
    assert clean_for_themes(raw) == expected


def test_content_that_only_looks_like_a_sign_off_is_kept():
    assert clean_for_themes("Thanks for nothing, the wait was 5 hours") == "Thanks for nothing, the wait was 5 hours"


@pytest.mark.parametrize("raw", [None, "", "   ", "thanks", "Kind regards", float("nan")])
def test_nothing_left_is_empty(raw):
    assert clean_for_themes(raw) == ""


def test_non_text_is_a_clear_error():
    with pytest.raises(TypeError):
        clean_for_themes(["a list"])
