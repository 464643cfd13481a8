"""Hostile text in outputs: CSV formula cells neutralised (headers too), rows never split, JSON
always valid. Fixed cases; tests/fuzz/ generates many more."""
from __future__ import annotations

import csv
import json
import math

import pandas as pd
import pytest

from complaint_insight.io import json_line, neutralise_formula, read_table, write_table


@pytest.mark.parametrize("cell", ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "=", "-", "+",
                                  "-٥", "-5 ", "-5\n", "-inf", "-nan", "--5"])
def test_formula_cells_get_a_quote(cell):
    assert neutralise_formula(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["-5", "+44", "-1.5", "-.5", "+1e3", "-2E-7", "5", "hello", "", " =1"])
def test_numbers_and_ordinary_text_stay_as_they_are(cell):
    # A plain number is read as a number by spreadsheets, not run; a "'" would turn it into text.
    # " =1" (leading space) is text in Excel and LibreOffice: no formula is run.
    assert neutralise_formula(cell) == cell


def test_csv_output_keeps_rows_and_guards_cells_and_headers(tmp_path):
    frame = pd.DataFrame({"text": ["a\rb", "\r", "=HYPERLINK(\"http://x\")", "-5", "line\nbreak"], "=cmd": [1, 2, 3, 4, 5]})
    path = tmp_path / "out.csv"
    write_table(frame, path)
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["text", "'=cmd"]
    assert [r[0] for r in rows[1:]] == ["a\rb", "'\r", "'=HYPERLINK(\"http://x\")", "-5", "line\nbreak"]
    back = read_table(path)
    assert len(back) == 5 and back["text"].iloc[0] == "a\rb"


def test_guard_can_be_turned_off(tmp_path):
    path = tmp_path / "out.csv"
    write_table(pd.DataFrame({"text": ["=1+1"]}), path, csv_formula_guard=False)
    assert read_table(path)["text"].iloc[0] == "=1+1"


def test_json_lines_are_valid_and_one_line_for_any_value(tmp_path):
    frame = pd.DataFrame({"v": [math.inf, -math.inf, math.nan, None, "x\u2028y\u2029z\x85", "<script>"],
                          "nested": [[math.nan], {"a": math.inf}, [], {}, [1], None]})
    path = tmp_path / "out.jsonl"
    write_table(frame, path)
    lines = path.read_text(encoding="utf-8").splitlines()  # splits on U+2028 too: must still be 6
    assert len(lines) == 6

    def refuse(name):
        raise AssertionError(f"{name} is not JSON")

    records = [json.loads(line, parse_constant=refuse) for line in lines]
    assert records[0] == {"v": None, "nested": [None]} and records[1]["nested"] == {"a": None}
    assert records[4]["v"] == "x\u2028y\u2029z\x85" and records[5]["v"] == "<script>"


def test_json_line_refuses_nothing_and_emits_no_nan():
    assert json_line({"a": float("nan"), "b": [float("inf")]}) == '{"a": null, "b": [null]}'
