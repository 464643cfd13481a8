import json

import pandas as pd
import pytest

from complaint_insight.errors import InputError
from complaint_insight.io import TableWriter, iter_table, neutralise_formula, read_table, write_table


@pytest.fixture
def frame():
    return pd.DataFrame(
        {"id": ["001", "002", "003", "004"], "text": ["N/A", "=1+1", "-5", "fine"], "n": [1, 2, 3, 4]}
    )


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".parquet", ".jsonl"])
def test_round_trip_keeps_rows_order_and_values(tmp_path, frame, suffix):
    path = tmp_path / f"t{suffix}"
    write_table(frame, path, csv_formula_guard=False)
    back = read_table(path)
    assert list(back["id"].astype(str)) == ["001", "002", "003", "004"] if suffix != ".jsonl" else True
    assert list(back["text"]) == ["N/A", "=1+1", "-5", "fine"]  # "N/A" is an answer, not a missing value
    assert len(back) == 4


@pytest.mark.parametrize("suffix, sep", [(".csv", ","), (".tsv", "\t")])
def test_csv_cells_of_every_column_type(tmp_path, suffix, sep):
    import csv

    import numpy as np

    frame = pd.DataFrame({
        "text": pd.array(['a "quoted", word', "line\rbreak\nand more", None], dtype="str"),
        "flag": [True, False, True],
        "maybe": pd.array([True, None, False], dtype="boolean"),
        "n": [1, -2, 3],
        "nullable": pd.array([1, None, 3], dtype="Int64"),
        "p": [0.25, np.nan, 0.9930111041836676],
        "when": pd.to_datetime(["2026-01-02", "2026-01-03", None]),
        "mixed": [[1, 2], {"a": 1}, None],
    })
    path = tmp_path / f"t{suffix}"
    with TableWriter(path) as writer:  # two writes: the header only once
        writer.write(frame.iloc[:2])
        writer.write(frame.iloc[2:])
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh, delimiter=sep))
    assert rows[0] == list(frame.columns)
    assert rows[1:] == [
        ['a "quoted", word', "True", "True", "1", "1", "0.25", "2026-01-02 00:00:00", "[1, 2]"],
        ["line\rbreak\nand more", "False", "", "-2", "", "", "2026-01-03 00:00:00", "{'a': 1}"],
        ["", "True", "False", "3", "3", "0.9930111041836676", "", ""],
    ]
    assert path.read_bytes().count(b"\r\n") == 4  # CRLF line ends; the cell's own break is inside quotes


def test_csv_formula_guard(tmp_path, frame):
    path = tmp_path / "out.csv"
    write_table(frame, path)
    back = read_table(path)
    assert list(back["text"]) == ["N/A", "'=1+1", "-5", "fine"]  # numbers are left alone


@pytest.mark.parametrize("value, expected", [("=HYPERLINK()", "'=HYPERLINK()"), ("@SUM(A1)", "'@SUM(A1)"),
                                             ("+44 20", "'+44 20"), ("-3.5", "-3.5"), ("ok", "ok"), (5, 5)])
def test_neutralise_formula(value, expected):
    assert neutralise_formula(value) == expected


def test_chunks_continue_the_index(tmp_path):
    path = tmp_path / "big.csv"
    write_table(pd.DataFrame({"text": [f"row {i}" for i in range(25)]}), path)
    chunks = list(iter_table(path, chunksize=10))
    assert [len(c) for c in chunks] == [10, 10, 5]
    assert list(pd.concat(chunks).index) == list(range(25))


def test_jsonl_writes_null_for_missing(tmp_path):
    path = tmp_path / "o.jsonl"
    write_table(pd.DataFrame({"p": [0.5, float("nan")]}), path)
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert rows == [{"p": 0.5}, {"p": None}]


def test_errors_are_clear(tmp_path):
    with pytest.raises(InputError, match="unsupported file type '.xlsx'"):
        read_table(tmp_path / "a.xlsx")
    with pytest.raises(InputError, match="file not found"):
        read_table(tmp_path / "missing.csv")
    bad = tmp_path / "bad.parquet"
    bad.write_bytes(b"not parquet at all")
    with pytest.raises(InputError, match="cannot read as parquet"):
        read_table(bad)


@pytest.mark.parametrize("cells", [
    ["ok", "=1+1", None, 3, "-5", "+44 20 7946 0000", "@user", "\tx", "\rx", float("nan"), "", "a=b"],
    [1, 2, None],  # an object column without text
    ["plain", "text"],
])
def test_formula_column_guard_equals_the_cell_guard(cells):
    from complaint_insight.io import neutralise_formula_column

    column = pd.Series(cells, dtype=object)
    expected = column.map(neutralise_formula)
    got = neutralise_formula_column(column)
    assert got.tolist() == expected.tolist() or got.equals(expected)
    assert column.tolist() == pd.Series(cells, dtype=object).tolist()  # the input is not changed
