import json

import numpy as np
import pandas as pd
import pytest

from complaint_insight.artifacts import ArtifactError
from complaint_insight.themes import load_theme_model
from complaint_insight.themes.trends import themes_by_group, themes_over_time


def test_save_load_round_trip(tmp_path, authored, fitted):
    fitted.save(tmp_path / "m")
    files = {p.name: p.stat().st_size for p in (tmp_path / "m").iterdir()}
    assert set(files) == {"themes.json", "centroids.npz", "manifest.json"}
    assert sum(files.values()) < 200_000
    loaded = load_theme_model(tmp_path / "m")
    assert [t.model_dump() for t in loaded.themes_] == [t.model_dump() for t in fitted.themes_]
    pd.testing.assert_frame_equal(loaded.assign(authored), fitted.assign(authored))


def test_tampered_model_is_refused(tmp_path, fitted):
    fitted.save(tmp_path / "m")
    path = tmp_path / "m" / "themes.json"
    data = json.loads(path.read_text())
    data["distance_threshold"] = 2.0
    path.write_text(json.dumps(data))
    with pytest.raises(ArtifactError):
        load_theme_model(tmp_path / "m")


def test_pickled_arrays_are_never_loaded(tmp_path, fitted):
    from complaint_insight.artifacts import write_manifest

    fitted.save(tmp_path / "m")
    # A re-hashed folder whose centroids need pickle to load: hashes match, the load must still refuse.
    np.savez(tmp_path / "m" / "centroids.npz", centroids=np.array([object()], dtype=object))
    write_manifest(tmp_path / "m", kind="theme-model")
    with pytest.raises(ArtifactError):
        load_theme_model(tmp_path / "m")


def _frame(dates, themes):
    return pd.DataFrame({"date": dates, "theme_id": themes, "theme_label": [f"label {t}" for t in themes]})


def test_partial_first_and_last_periods_are_flagged():
    frame = _frame(["2025-01-15", "2025-01-20", "2025-02-03", "2025-02-27", "2025-03-05"], ["T01", "T02", "T01", "T01", "T02"])
    trend = themes_over_time(frame, "date")
    by_period = trend.groupby("period").first()
    assert bool(by_period.loc["2025-01", "partial"]) and bool(by_period.loc["2025-03", "partial"])
    assert not bool(by_period.loc["2025-02", "partial"])
    assert by_period.loc["2025-03", "coverage"] == pytest.approx(5 / 31, abs=1e-3)
    feb = trend[trend.period == "2025-02"]
    assert feb["rate"].sum() == pytest.approx(1.0) and feb["count"].sum() == 2
    assert trend.loc[trend.theme_id == "T02", "theme_label"].iloc[0] == "label T02"


def test_quarters_weeks_and_bad_dates():
    frame = _frame(["2025-01-01", "not a date", "2025-06-30", ""], ["T01", "T01", "T02", "T02"])
    quarters = themes_over_time(frame, "date", period="quarter")
    assert set(quarters.period) == {"2025Q1", "2025Q2"} and not quarters.partial.any()
    assert quarters.attrs["undated_rows"] == 2
    assert len(themes_over_time(frame, "date", period="week")) == 2


def test_by_group_counts_and_rates():
    frame = pd.DataFrame({"theme_id": ["T01", "T01", "T02", "T01", ""], "service": ["A", "A", "A", "B", "B"]})
    out = themes_by_group(frame, "service", label_column=None)
    a = out[out.group == "A"].set_index("theme_id")
    assert a.loc["T01", "count"] == 2 and a.loc["T01", "rate"] == pytest.approx(2 / 3, abs=1e-3)
    assert out[out.group == "B"]["group_total"].iloc[0] == 1  # the empty text is not counted
