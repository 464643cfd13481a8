import math

import numpy as np
import pandas as pd
import pytest

from complaint_insight.errors import InputError
from complaint_insight.triage import Triager
from complaint_insight.triage.result import ROW_COLUMNS


@pytest.fixture(scope="module")
def triager():
    return Triager()  # the shipped default model


def test_single_text(triager):
    result = triager.assess("The receptionist was rude and nobody called me back", id="a1")
    assert result.id == "a1" and result.is_complaint == 1
    assert 0.5 <= result.complaint_probability <= 1
    assert result.to_dict()["status"] == "ok"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I was terrified but the nurses were wonderful", 0),
        ("sorry to bother you, but mum hasn't had her tablets since Tuesday", 1),
        ("No complaints at all, thank you", 0),
        ("What time does the pharmacy open on Sunday?", 0),
        ("Waited four hours in A&E and nobody told us what was happening", 1),
    ],
)
def test_examples_from_the_complaint_standards(triager, text, expected):
    assert triager.assess(text).is_complaint == expected


def test_held_out_authored_cases_are_mostly_right(triager, authored_complaints):
    test = authored_complaints[authored_complaints.split == "test"]
    predicted = [r.is_complaint for r in triager.assess_many(test["text"].tolist())]
    accuracy = float(np.mean(np.array(predicted) == test["label"].astype(int).to_numpy()))
    assert accuracy >= 0.75, accuracy


@pytest.mark.parametrize(
    "value, status, probability",
    [(None, "empty", 0.0), ("", "empty", 0.0), ("   ", "empty", 0.0), (12345, "unreadable", None),
     (b"\x00\xff\xfe", "unreadable", None), ("😡😡😡", "unreadable", None)],
)
def test_bad_input_gets_a_defined_result(triager, value, status, probability):
    result = triager.assess(value)
    assert result.status == status and result.is_complaint == 0
    assert result.complaint_probability == probability
    assert result.needs_human_reader == (status == "unreadable")


def test_huge_and_mixed_inputs(triager):
    huge = "The ward was dirty and nobody cleaned it. " * 25_000  # ~1 MB
    result = triager.assess(huge)
    assert result.truncated and result.is_complaint == 1
    assert triager.assess("Waited 3 hrs 😡 appalling, Ελλάδα, 病院").status == "ok"
    with pytest.raises(TypeError, match="row 'x'"):
        triager.assess(["a list"], id="x")


def test_batch_keeps_every_row_in_order(triager):
    texts = ["rude staff", None, "thank you", "", 7, "the food was cold and late"] * 50
    results = triager.assess_many(texts, ids=list(range(len(texts))))
    assert [r.id for r in results] == list(range(len(texts)))
    singles = [triager.assess(t) for t in texts[:6]]
    assert [r.complaint_probability for r in results[:6]] == [s.complaint_probability for s in singles]


def test_frame_in_frame_out(triager):
    frame = pd.DataFrame(
        {"ref": ["c", "a", "b"], "text": ["Rude and dismissive nurse", "Lovely care", None], "site": [1, 2, 3]},
        index=[10, 5, 7],
    )
    out = triager.assess_frame(frame, text_column="text", id_column="ref")
    assert list(out.index) == [10, 5, 7]
    assert list(out.columns[:3]) == ["ref", "text", "site"] and list(out["ref"]) == ["c", "a", "b"]
    assert set(ROW_COLUMNS) <= set(out.columns)
    assert list(out["is_complaint"]) == [1, 0, 0]
    assert out.loc[7, "triage_status"] == "empty"
    with pytest.raises(InputError, match="text column 'body' not found"):
        triager.assess_frame(frame, text_column="body")


def test_threshold_setting(triager):
    text = "The appointment letter arrived late"
    p = triager.assess(text).complaint_probability
    assert Triager(threshold=min(1.0, p + 0.01)).assess(text).is_complaint == 0
    assert Triager(threshold=max(0.0, p - 0.01)).assess(text).is_complaint == 1
    with pytest.raises(ValueError, match="between 0 and 1"):
        Triager(threshold=1.5)


def test_parallel_batch_matches_serial(triager):
    texts = [f"The wait was {i} hours and staff were rude" if i % 3 else f"Thanks for visit {i}" for i in range(12_000)]
    serial = triager.assess_many(texts)
    parallel = Triager(n_jobs=2).assess_many(texts)
    assert [r.complaint_probability for r in parallel] == [r.complaint_probability for r in serial]
    assert not any(math.isnan(r.complaint_probability) for r in serial)


def test_long_batches_scored_in_blocks_match_one_block(triager, monkeypatch):
    """Blocks of SERIAL_BLOCK_ROWS change neither results nor the row an error names."""
    from complaint_insight.triage import triager as triager_module

    texts = ["The nurse was rude and I waited four hours", "Lovely staff, thank you", "", "No one fed my dad"] * 300
    whole = triager.assess_many(texts)
    monkeypatch.setattr(triager_module, "SERIAL_BLOCK_ROWS", 7)
    assert [r.model_dump() for r in triager.assess_many(texts)] == [r.model_dump() for r in whole]
    with pytest.raises(TypeError, match="row 1000"):
        triager.assess_many(texts[:1000] + [["not", "text"]] + texts[:200])
