"""``complaint-insight triage --jobs``: worker processes give the same file as one process."""
import pandas as pd
import pytest

from complaint_insight.cli import main


@pytest.fixture
def many(tmp_path):
    texts = ["The nurse was rude and I waited four hours", "Lovely staff, thank you", "", None,
             "The carer hit my mother", "=SUM(A1)", "n/a", "Très mécontent"] * 40
    path = tmp_path / "in.csv"
    pd.DataFrame({"id": range(len(texts)), "text": texts}).to_csv(path, index=False)
    return path


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_jobs_give_the_same_output(tmp_path, many, suffix):
    serial, parallel = tmp_path / f"serial{suffix}", tmp_path / f"parallel{suffix}"
    common = ["--id-column", "id", "--quiet", "--chunk-size", "70"]  # several chunks: the parallel path runs
    assert main(["triage", str(many), "-o", str(serial), "--jobs", "1", *common]) == 0
    assert main(["triage", str(many), "-o", str(parallel), "--jobs", "2", *common]) == 0
    if suffix == ".csv":
        assert parallel.read_bytes() == serial.read_bytes()
    else:
        pd.testing.assert_frame_equal(pd.read_parquet(parallel), pd.read_parquet(serial))
    assert len(pd.read_parquet(parallel) if suffix == ".parquet" else pd.read_csv(parallel)) == 320


def test_bad_jobs_is_a_user_error(tmp_path, many, capsys):
    assert main(["triage", str(many), "-o", str(tmp_path / "o.csv"), "--quiet", "--jobs", "0"]) == 2
    assert "--jobs" in capsys.readouterr().err
