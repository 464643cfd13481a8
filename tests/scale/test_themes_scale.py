"""Theme assignment on the scale engines: the same themes streamed, resumed, on Dask, or fitted on a sample."""
from __future__ import annotations

import pickle

import pandas as pd
import pytest

from complaint_insight.cli import main
from complaint_insight.datasets import load_authored
from complaint_insight.errors import InputError
from complaint_insight.io import read_table, write_table
from complaint_insight.scale import ERROR_COLUMN, ThemeAssignFunction, stream_table
from complaint_insight.scale.checkpoint import partial_folder
from complaint_insight.scale.frame_function import get_model, run_frame
from complaint_insight.themes import ThemeModel, load_theme_model


class Interrupt(Exception):
    pass


@pytest.fixture(scope="module")
def frame():
    authored = load_authored("themes")
    out = authored[["text", "date", "service"]].copy().reset_index(drop=True)
    out.insert(0, "id", [f"r{i}" for i in range(len(out))])
    out.loc[3, "text"] = ""  # an empty answer keeps its row
    return out


@pytest.fixture(scope="module")
def model_dir(frame, tmp_path_factory):
    folder = tmp_path_factory.mktemp("themes") / "model"
    ThemeModel(5).fit(frame).save(folder)
    return folder


@pytest.fixture
def src(frame, tmp_path):
    path = tmp_path / "in.csv"
    write_table(frame, path, csv_formula_guard=False)
    return path


def test_streamed_assignment_equals_in_memory_assign(frame, model_dir, tmp_path, src):
    summary = stream_table(ThemeAssignFunction(model_path=str(model_dir)), src, tmp_path / "out.csv",
                           chunk_size=7, progress=False)
    out = read_table(tmp_path / "out.csv")
    expected = load_theme_model(model_dir).assign(frame)
    assert summary.rows_in == summary.rows_out == len(frame) and summary.chunks == -(-len(frame) // 7)
    assert list(out.columns) == [*frame.columns, "theme_id", "theme_label", "theme_distance", "theme_status",
                                 ERROR_COLUMN]
    assert out["id"].tolist() == frame["id"].tolist()
    for column in ("theme_id", "theme_label", "theme_status"):
        assert out[column].tolist() == expected[column].tolist(), column
    assert summary.by_status == expected["theme_status"].value_counts().to_dict()
    # Distances are written as rounded (CSV cells are read back as text): no float32 noise like 0.2312999963.
    assert out["theme_distance"].str.len().max() <= 6


def test_a_bad_cell_is_an_error_row_not_a_failed_run(model_dir):
    frame = pd.DataFrame({"text": ["The car park was full again.", ["not", "text"], "", "Staff were rude."]},
                         index=[10, 11, 12, 13])
    out = run_frame(ThemeAssignFunction(model_path=str(model_dir)), frame)
    assert out.index.tolist() == [10, 11, 12, 13]
    assert out["theme_status"].tolist()[1:3] == ["error", "empty"] and out["theme_status"].iloc[0] != "error"
    assert "expected text" in out.loc[11, ERROR_COLUMN] and out.loc[10, ERROR_COLUMN] == ""
    assert out["theme_distance"].dtype == "float64"


def test_spec_is_small_loads_once_and_knows_its_model_version(model_dir, tmp_path):
    spec = ThemeAssignFunction(model_path=str(model_dir))
    assert len(pickle.dumps(spec)) < 1000  # a spec, never a model
    assert get_model(spec) is get_model(ThemeAssignFunction(model_path=str(model_dir)))
    other = tmp_path / "other"
    ThemeModel(3).fit(load_authored("themes")).save(other)
    assert ThemeAssignFunction(model_path=str(other)).model_sha256 != spec.model_sha256
    with pytest.raises(InputError, match="not found"):
        ThemeAssignFunction(model_path=str(tmp_path / "missing"))


def test_resume_refuses_a_model_changed_since_the_interruption(frame, tmp_path, src):
    model = tmp_path / "model"
    ThemeModel(5).fit(frame).save(model)
    out = tmp_path / "out.csv"

    def stop(index, result):
        raise Interrupt

    with pytest.raises(Interrupt):
        stream_table(ThemeAssignFunction(model_path=str(model)), src, out, chunk_size=10, resume=True,
                     progress=False, on_chunk=stop)
    assert partial_folder(out).exists()
    load_theme_model(model).rename("T01", "renamed by an analyst").save(model)
    with pytest.raises(InputError, match="resume"):
        stream_table(ThemeAssignFunction(model_path=str(model)), src, out, chunk_size=10, resume=True, progress=False)


def test_cli_assign_streams_and_resumes(frame, model_dir, tmp_path, src, capsys):
    out = tmp_path / "out.jsonl"
    assert main(["themes", str(src), "-o", str(out), "--model", str(model_dir), "--chunk-size", "9", "--resume",
                 "--date-column", "date", "--group-column", "service"]) == 0
    err = capsys.readouterr().err
    assert f"themes: {len(frame)} rows in, {len(frame)} rows out" in err
    result = read_table(out)
    assert result["theme_id"].tolist() == load_theme_model(model_dir).assign(frame)["theme_id"].tolist()
    assert not partial_folder(out).exists()
    trend = read_table(tmp_path / "out.over_time.csv")
    assert {"partial", "count"} <= set(trend.columns)
    assert (tmp_path / "out.by_group.csv").is_file()


def test_fit_sample_of_every_row_gives_the_full_fit(frame, tmp_path, src):
    # The fit is order-insensitive, so a "sample" holding every row must reproduce the in-memory fit exactly.
    full, sampled = tmp_path / "full.csv", tmp_path / "sampled.csv"
    assert main(["themes", str(src), "-o", str(full), "--n-themes", "5", "--quiet"]) == 0
    assert main(["themes", str(src), "-o", str(sampled), "--n-themes", "5", "--fit-sample", "100000",
                 "--chunk-size", "8", "--save-model", str(tmp_path / "m"), "--quiet"]) == 0
    a, b = read_table(full), read_table(sampled)
    assert b["id"].tolist() == a["id"].tolist()
    assert b["theme_id"].tolist() == a["theme_id"].tolist()
    assert (tmp_path / "m" / "manifest.json").is_file()


def test_fit_sample_smaller_than_the_data_assigns_every_row(frame, tmp_path, src, capsys):
    out = tmp_path / "out.csv"
    assert main(["themes", str(src), "-o", str(out), "--n-themes", "3", "--fit-sample", "40",
                 "--chunk-size", "16", "--themes-out", str(tmp_path / "t.json")]) == 0
    result = read_table(out)
    assert len(result) == len(frame) and result["id"].tolist() == frame["id"].tolist()
    assert set(result["theme_status"]) <= {"assigned", "unassigned", "empty"}
    assert result["theme_id"].nunique() >= 3
    assert "sample rows" in capsys.readouterr().err


@pytest.mark.parametrize("extra, message", [
    (["--engine", "dask"], "full fit"),
    (["--resume"], "full fit"),
    (["--fit-sample", "1"], "at least 2"),
    (["--fit-sample", "50", "--resume"], "--save-model"),
    (["--fit-sample", "50", "--model", "x"], "--fit-sample only applies"),
])
def test_engine_options_are_checked(src, tmp_path, capsys, extra, message):
    assert main(["themes", str(src), "-o", str(tmp_path / "o.csv"), *extra]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1


def test_assign_themes_dask_equals_assign(frame, model_dir):
    dd = pytest.importorskip("dask.dataframe")
    from complaint_insight.scale.dask import assign_themes_dask

    result = assign_themes_dask(dd.from_pandas(frame, npartitions=3), model_dir, row_number_column="row_number")
    out = result.compute(scheduler="synchronous")
    assert out["row_number"].tolist() == list(range(len(frame)))
    assert out["theme_id"].tolist() == load_theme_model(model_dir).assign(frame)["theme_id"].tolist()
    assert dict(out.dtypes) == dict(result._meta.dtypes)
