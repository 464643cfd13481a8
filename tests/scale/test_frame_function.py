"""run_frame: same rows, order and index; bad rows kept as 'error' rows; systematic failures raised."""
from __future__ import annotations

import pickle
import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).parent))
from _scale_specs import CALLS, LengthFunction

from complaint_insight.scale import ERROR_COLUMN, TriageFunction, run_frame
from complaint_insight.scale.frame_function import get_model, load_counts


def test_rows_order_index_and_declared_types_are_kept():
    frame = pd.DataFrame({"text": ["a", "bb", "", "dddd"], "ward": list("WXYZ")}, index=[7, 3, 9, 1])
    out = run_frame(LengthFunction(), frame)
    assert list(out.index) == [7, 3, 9, 1]
    assert out["ward"].tolist() == list("WXYZ") and out["n_chars"].tolist() == [1, 2, 0, 4]
    assert out["status"].tolist() == ["ok", "ok", "empty", "ok"]
    assert out["n_chars"].dtype == "int64" and (out[ERROR_COLUMN] == "").all()


def test_bad_rows_become_error_rows_in_place():
    texts = ["fine", ["a", "list"], "also fine", None, {"k": 1}, "last"] * 3
    frame = pd.DataFrame({"text": texts})
    out = run_frame(LengthFunction(), frame)
    assert len(out) == len(frame) and list(out.index) == list(frame.index)
    bad = out[out["status"] == "error"]
    assert list(bad.index) == [i for i, t in enumerate(texts) if not isinstance(t, str)]
    assert bad[ERROR_COLUMN].str.startswith("TypeError").all() and (bad["n_chars"] == -1).all()
    assert out.loc[out["status"] != "error", "n_chars"].tolist() == [len(t) for t in texts if isinstance(t, str)]


def test_a_systematic_failure_is_raised_not_hidden():
    frame = pd.DataFrame({"text": [1] * 20})  # every row fails: a bug, not bad data
    with pytest.raises(TypeError):
        run_frame(LengthFunction(), frame)


def test_a_function_that_drops_rows_is_caught():
    with pytest.raises(RuntimeError, match="rows"):
        run_frame(LengthFunction(drop_a_row=True), pd.DataFrame({"text": ["a", "b", "c"]}))


def test_model_loads_once_per_process_and_spec_pickles_small():
    spec = LengthFunction()
    before = load_counts().get(f"{LengthFunction.__module__}.LengthFunction:length", 0)
    for _ in range(3):
        run_frame(spec, pd.DataFrame({"text": ["x"]}))
    assert get_model(spec) is get_model(LengthFunction())
    assert load_counts()[f"{LengthFunction.__module__}.LengthFunction:length"] == max(before, 1)
    assert len(pickle.dumps(TriageFunction(id_column="id"))) < 1000  # a spec, never a model


def test_triage_error_rows_need_a_human_reader():
    frame = pd.DataFrame({"text": ["The nurse was rude and nobody came.", ["not", "text"], ""], "id": ["a", "b", "c"]})
    out = run_frame(TriageFunction(id_column="id"), frame)
    assert out["triage_status"].tolist() == ["ok", "error", "empty"]
    assert out["needs_human_reader"].tolist() == [False, True, False]
    assert "list" in out.loc[1, ERROR_COLUMN] and out.loc[1, "complaint_probability"] != out.loc[1, "complaint_probability"]
    CALLS.clear()
