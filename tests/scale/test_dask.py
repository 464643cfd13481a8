"""Dask: a real local cluster of 2 worker processes (one per module), and the synchronous scheduler."""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import pytest

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

sys.path.insert(0, str(Path(__file__).parent))
import _scale_specs
import dask
from _scale_specs import LengthFunction

from complaint_insight.cli import main
from complaint_insight.errors import InputError
from complaint_insight.io import write_table
from complaint_insight.scale import ERROR_COLUMN
from complaint_insight.scale.dask import (
    add_row_numbers,
    categorise_dask,
    map_frame,
    status_counts,
    triage_dask,
)
from complaint_insight.scale.frame_function import load_counts
from complaint_insight.taxonomy import load_categoriser
from complaint_insight.triage import Triager

TEXTS = ["The ward was clean and the staff were kind.", "", "Nobody answered the phone for two days and I was ignored.",
         "\x00\x01\x02\x03", "I waited six hours and the nurse was rude to my father.", "Thank you all."]


@pytest.fixture(scope="module")
def client():
    # Worker processes import the test helpers by value: they are not an installed module.
    import cloudpickle

    cloudpickle.register_pickle_by_value(_scale_specs)
    with (distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster,
          distributed.Client(cluster) as c):
        yield c
    cloudpickle.unregister_pickle_by_value(_scale_specs)


def _frame(n=30):
    return pd.DataFrame({"id": [f"r{i}" for i in range(n)], "text": [TEXTS[i % len(TEXTS)] for i in range(n)]})


def test_model_loads_once_per_worker_process_not_per_partition(client):
    ddf = dd.from_pandas(pd.DataFrame({"text": ["abc"] * 240}), npartitions=12)
    out = map_frame(ddf, LengthFunction()).compute(scheduler=client)
    per_worker = client.run(lambda: sum(n for k, n in load_counts().items() if k.endswith(":length")))
    assert len(per_worker) == 2 and all(n == 1 for n in per_worker.values()), per_worker
    assert out["worker_pid"].nunique() == 2  # both workers really ran partitions
    assert (out["loads_here"] == 1).all()  # every partition found the model already loaded once


def test_triage_on_the_cluster_equals_in_process_triage(client):
    frame = _frame()
    result = triage_dask(dd.from_pandas(frame, npartitions=4), id_column="id", row_number_column="row_number")
    out = result.compute(scheduler=client)
    expected = Triager().assess_frame(frame, id_column="id")
    assert out["row_number"].tolist() == list(range(len(frame))) and out["id"].tolist() == frame["id"].tolist()
    for column in ("is_complaint", "triage_status", "severity", "red_flags", "prompt"):
        assert out[column].tolist() == expected[column].tolist(), column
    assert dict(out.dtypes) == dict(result._meta.dtypes)  # the meta promised to Dask is what partitions hold
    counts = status_counts(result, "triage_status")
    assert sum(counts.values()) == len(frame) and counts["empty"] == 5 and counts["unreadable"] == 5


def test_cli_on_an_existing_scheduler_matches_the_streaming_engine(client, tmp_path, capsys):
    src = tmp_path / "in.csv"
    write_table(_frame(17), src)
    stream, cluster = tmp_path / "stream.csv", tmp_path / "dask.csv"
    assert main(["triage", str(src), "-o", str(stream), "--id-column", "id", "--chunk-size", "4", "--quiet"]) == 0
    assert main(["triage", str(src), "-o", str(cluster), "--id-column", "id", "--chunk-size", "4",
                 "--engine", "dask", "--scheduler", client.scheduler.address]) == 0
    assert "triage: 17 rows in, 17 rows out" in capsys.readouterr().err
    assert cluster.read_bytes() == stream.read_bytes()


# -- synchronous scheduler: the fine-grained cases ---------------------------------------------------------
def test_row_numbers_span_uneven_partitions():
    ddf = dd.from_pandas(pd.DataFrame({"text": list("abcdefghij")}), npartitions=3)
    ddf = ddf[ddf.text != "b"]  # partitions of different lengths
    out = add_row_numbers(ddf).compute(scheduler="synchronous")
    assert out["row_number"].tolist() == list(range(9)) and out["text"].tolist() == list("acdefghij")


def test_bad_cells_become_error_rows_with_their_row_number():
    frame = pd.DataFrame({"text": ["fine", 3.5, "ok", ["x"]] * 3}, dtype=object)
    with dask.config.set({"dataframe.convert-string": False}):  # keep the cells as they are, as a parquet/JSON source would
        ddf = dd.from_pandas(frame, npartitions=2)
        out = map_frame(ddf, LengthFunction(), row_number_column="row").compute(scheduler="synchronous")
    assert out["row"].tolist() == list(range(12))
    assert out["status"].tolist() == ["ok", "error", "ok", "error"] * 3
    assert out.loc[out.status == "error", ERROR_COLUMN].str.contains("expected text").all()


def test_categorise_dask_equals_categorise_frame():
    frame = _frame(12)
    with dask.config.set(scheduler="synchronous"):
        out = categorise_dask(dd.from_pandas(frame, npartitions=3), "qdc", id_column="id").compute()
    expected = load_categoriser("qdc").categorise_frame(frame, id_column="id")
    assert out["categories"].tolist() == expected["categories"].tolist()
    pd.testing.assert_series_equal(out[expected.columns[-1]], expected[expected.columns[-1]], check_index=False)


def test_missing_column_is_a_clear_error():
    with pytest.raises(InputError, match="text column 'body' not found"):
        triage_dask(dd.from_pandas(_frame(3), npartitions=1), text_column="body")


def test_parquet_folder_output_keeps_every_row(tmp_path):
    frame = _frame(20)
    result = triage_dask(dd.from_pandas(frame, npartitions=3), id_column="id", row_number_column="row_number")
    result.to_parquet(tmp_path / "out", compute_kwargs={"scheduler": "synchronous"})
    back = dd.read_parquet(tmp_path / "out").compute().sort_values("row_number")
    assert back["id"].tolist() == frame["id"].tolist()


def test_theme_assignment_on_the_cluster_matches_the_streaming_engine(client, tmp_path):
    from complaint_insight.datasets import load_authored
    from complaint_insight.themes import ThemeModel

    authored = load_authored("themes")
    ThemeModel(4).fit(authored).save(tmp_path / "model")
    src = tmp_path / "in.csv"
    write_table(authored[["text"]].head(40), src, csv_formula_guard=False)
    stream, cluster = tmp_path / "stream.csv", tmp_path / "dask.csv"
    common = ["--model", str(tmp_path / "model"), "--chunk-size", "6", "--quiet"]
    assert main(["themes", str(src), "-o", str(stream), *common]) == 0
    assert main(["themes", str(src), "-o", str(cluster), *common, "--engine", "dask",
                 "--scheduler", client.scheduler.address]) == 0
    assert cluster.read_bytes() == stream.read_bytes()


def test_local_cluster_workers_run_without_profiler_and_the_setting_ends_with_it():
    from complaint_insight.scale.dask import LOCAL_CLUSTER_CONFIG, dask_client

    before = dask.config.get("distributed.worker.profile.enabled")
    with dask_client(workers=1) as client:
        settings = client.run(lambda: {key: dask.config.get(key) for key in LOCAL_CLUSTER_CONFIG})
        assert list(settings.values()) == [LOCAL_CLUSTER_CONFIG]
    assert dask.config.get("distributed.worker.profile.enabled") == before
