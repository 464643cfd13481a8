"""Arbitrary text never crashes the redactor, and spans always describe the text they came from."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from complaint_insight.privacy import find_personal_data, redact

# Mix arbitrary unicode with the characters identifiers are made of, so that near-misses are common.
pieces = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["Dr ", "Nurse ", "my son ", "DOB ", "NHS number ", "MRN ", "lives at ", "07700 ", "+44 ",
                     "@", ".com", "LS6 2QT", " Road", "Flat 3, ", "943 476 5919", "Kerry ", "\n", "\x00", "’"]),
    st.from_regex(r"[0-9 \-()+/.]{1,20}", fullmatch=True),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(pieces, max_size=12).map("".join))
def test_spans_are_valid_and_redact_agrees(text):
    spans = find_personal_data(text)
    assert all(0 <= s.start < s.end <= len(text) for s in spans)
    assert all(a.end <= b.start for a, b in zip(spans, spans[1:]))
    rebuilt, pos = [], 0
    for s in spans:
        rebuilt += [text[pos : s.start], s.placeholder]
        pos = s.end
    assert redact(text) == "".join(rebuilt) + text[pos:]
