"""Per-type examples, the modulus-11 check, hard negatives and odd inputs for the redactor."""
from __future__ import annotations

import random

import pytest
from pydantic import ValidationError

from complaint_insight.privacy import (
    TYPES,
    PersonalDataSpan,
    find_personal_data,
    is_valid_nhs_number,
    make_nhs_number,
    redact,
)
from complaint_insight.privacy.nhs_number import check_digit


def types_in(text: str) -> list[tuple[str, str]]:
    return [(s.type, text[s.start : s.end]) for s in find_personal_data(text)]


# -- modulus 11 ------------------------------------------------------------------------------------
def test_check_digit_worked_example():
    # 943 476 591: weights 10..2 give 299; 299 mod 11 = 2; 11 - 2 = 9
    assert check_digit("943476591") == 9
    assert is_valid_nhs_number("943 476 5919")
    assert is_valid_nhs_number("943-476-5919")
    assert not is_valid_nhs_number("943 476 5918")


def test_remainder_ten_has_no_valid_number():
    nine = next(
        "".join(str(d) for d in n)
        for n in ([4, *[(i >> k) % 10 for k in range(8)]] for i in range(10_000))
        if check_digit("".join(str(d) for d in n)) is None
    )
    assert not any(is_valid_nhs_number(nine + str(d)) for d in range(10))


def test_generated_numbers_pass_or_fail_as_asked():
    rng = random.Random(0)
    for _ in range(200):
        assert is_valid_nhs_number(make_nhs_number(rng))
        assert not is_valid_nhs_number(make_nhs_number(rng, valid=False))


@pytest.mark.parametrize("value", ["", "123", "94347659190", "943476591x", None, 9434765919, "９４３４７６５９１９"])
def test_not_nhs_numbers(value):
    assert not is_valid_nhs_number(value)


# -- each type -------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text, expected",
    [
        ("My NHS number is 943 476 5919.", [("NHS_NUMBER", "943 476 5919")]),
        ("NHS no 9434765919", [("NHS_NUMBER", "9434765919")]),
        ("Call me on 07700 900123 please", [("PHONE", "07700 900123")]),
        ("Ring +44 (0)161 496 0000 today", [("PHONE", "+44 (0)161 496 0000")]),
        ("landline (0114) 496 0567.", [("PHONE", "(0114) 496 0567")]),
        ("write to jo.bloggs+nhs@example.co.uk now", [("EMAIL", "jo.bloggs+nhs@example.co.uk")]),
        ("postcode LS6 2QT and SW1A 1AA", [("POSTCODE", "LS6 2QT"), ("POSTCODE", "SW1A 1AA")]),
        ("DOB: 12/03/1948", [("DATE_OF_BIRTH", "12/03/1948")]),
        ("she was born on 3rd March 1944", [("DATE_OF_BIRTH", "3rd March 1944")]),
        ("I live at 12 Acacia Avenue with my wife", [("ADDRESS", "12 Acacia Avenue")]),
        ("send it to Flat 3, 45 High Street.", [("ADDRESS", "Flat 3, 45 High Street")]),
        ("Dr Smith and Nurse Jane", [("NAME", "Smith"), ("NAME", "Jane")]),
        ("Mr O'Neill saw me", [("NAME", "O'Neill")]),
        ("Sister Patel was kind", [("NAME", "Patel")]),
        ("my consultant Mr Jones said", [("NAME", "Jones")]),
        ("staff nurse Kerry helped", [("NAME", "Kerry")]),
        ("my son Jack waited", [("NAME", "Jack")]),
        ("hospital number RX1234567", [("HOSPITAL_NUMBER", "RX1234567")]),
        ("MRN 123456 is wrong", [("HOSPITAL_NUMBER", "123456")]),
        ("patient no. 4455667", [("HOSPITAL_NUMBER", "4455667")]),
        ("Kerry on reception was lovely", [("NAME", "Kerry")]),
        ("Thanks Kerry for everything", [("NAME", "Kerry")]),
        ("Natalie Hughes from the council never rang", [("NAME", "Natalie Hughes")]),
        ("dr patel said it was a sprain", [("NAME", "patel")]),
        ("thanks to staff nurse kelly", [("NAME", "kelly")]),
        ("I am Lesley Hart, Brian's wife", [("NAME", "Lesley Hart"), ("NAME", "Brian")]),
        ("Mr de Souza operated", [("NAME", "de Souza")]),
    ],
)
def test_each_type(text, expected):
    assert types_in(text) == expected


def test_invalid_nhs_number_after_cue_is_still_an_identifier():
    assert types_in("my NHS number is 943 476 5918") == [("HOSPITAL_NUMBER", "943 476 5918")]


def test_redact_replaces_with_typed_placeholders():
    text = "Dr Patel rang 07700 900123 about NHS number 943 476 5919 (DOB 01/02/1950), jo@example.com, LS6 2QT"
    assert redact(text) == (
        "Dr [NAME] rang [PHONE] about NHS number [NHS_NUMBER] (DOB [DATE_OF_BIRTH]), [EMAIL], [POSTCODE]"
    )


def test_types_filter():
    assert redact("Dr Patel on 07700 900123", types=["PHONE"]) == "Dr Patel on [PHONE]"
    with pytest.raises(ValueError, match="unknown personal-data type"):
        find_personal_data("x", types=["SHOE_SIZE"])


# -- hard negatives --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text",
    [
        "We were moved from Ward 10 to Ward 12 at 10:30.",
        "The bill was £1,234.56 and the fine £2,104.",
        "I rang NHS 111 and then 999.",
        "The Dr said it was a virus.",
        "The GP surgery would not see him.",
        "Sister ward staff were lovely.",
        "Complaint reference 9434765918 is still open.",  # fails modulus 11, no NHS cue
        "The appointment on 12/03/2024 was cancelled.",  # appointment dates are kept
        "She is 84 and was discharged on 5th January 2024.",  # ages are kept
        "Bed 6 in Bay 3, Room 101, Clinic 4.",
        "DOB unknown, appointment 12/12/2024.",
        "The A1 and the M62 were closed.",
        "Patient numbers in A&E were over 20000.",
        "She lives at home with her husband.",
        "She was on Victoria Ward, then Florence Nightingale Ward.",
        "We were sent to the Queen Elizabeth Hospital.",
        "Will someone call me? I hope so. Mark my words.",
        "The dr appointment was cancelled and the nurse practitioner was off.",
        "Payments on 3rd Jan 2022 were shown as Jan 4th.",
        "I called Parkway Medical Centre twice.",
    ],
)
def test_hard_negatives_are_left_alone(text):
    assert find_personal_data(text) == []
    assert redact(text) == text


# -- odd inputs ------------------------------------------------------------------------------------
def test_missing_and_empty_give_empty_results():
    assert redact(None) == ""
    assert redact("") == ""
    assert redact(float("nan")) == ""
    assert find_personal_data(None) == []


def test_bytes_are_decoded_and_other_types_refused():
    assert redact(b"\xff\xfeDr Smith") == "\ufffd\ufffdDr [NAME]"
    with pytest.raises(TypeError, match="redaction needs text"):
        redact(["Dr Smith"])


def test_huge_text_is_processed_whole():
    text = "Dr Smith rang 07700 900123 from Ward 10. " * 5000
    out = redact(text)
    assert out.count("[NAME]") == 5000 and out.count("[PHONE]") == 5000 and "Smith" not in out


def test_spans_are_ordered_and_disjoint():
    text = "Email a.b@example.com, phone 07700 900123, NHS 943 476 5919, Mr Smith, 4 Elm Road, LS6 2QT"
    spans = find_personal_data(text)
    assert [s.start for s in spans] == sorted(s.start for s in spans)
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))
    assert {s.type for s in spans} == set(TYPES) - {"DATE_OF_BIRTH", "HOSPITAL_NUMBER"}


def test_span_model_validates():
    with pytest.raises(ValidationError):
        PersonalDataSpan(start=5, end=5, type="NAME")
    with pytest.raises(ValidationError):
        PersonalDataSpan(start=0, end=3, type="SHOE_SIZE")
