"""Fuzz targets shared by the CI fuzz tests (few examples) and ``benchmarks/fuzz_run.py`` (10,000).

A target is a hypothesis strategy plus a ``check(case)`` function. ``check`` returns normally when
the call gave a *defined result* whose invariants hold (row count and order kept, JSON valid), and
raises :class:`ClearError` when the library refused the input with a clear error (TypeError,
ValueError and the library's own errors, with a message). Anything else is a crash: another
exception type, an empty message, or a broken invariant (AssertionError).

To add a target (this is how ``themes_assign`` was added)::

    def check_themes_assign(values):
        series = pd.Series(values, index=[f"r{i}" for i in range(len(values))], dtype=object)
        with clear_errors():
            out = theme_model().assign(series)        # a fitted ThemeModel, cached like triager()
        assert list(out.index) == list(series.index), "rows dropped or reordered"
        _check_frame_json(out)

    TARGETS["themes_assign"] = Target(st.lists(any_value(), max_size=8), check_themes_assign, weight=2)

``benchmarks/fuzz_run.py`` and ``tests/fuzz/test_fuzz.py`` pick up every entry of ``TARGETS``.
"""
from __future__ import annotations

import contextlib
import io
import json
import math
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import numpy as np
import pandas as pd
from hypothesis import strategies as st

# Exceptions that count as "a clear error": what the library documents for bad input.
CLEAR_ERRORS = (TypeError, ValueError)


class ClearError(Exception):
    """The library refused the input with a clear error (the expected, good outcome for junk)."""


@dataclass
class Target:
    strategy: st.SearchStrategy
    check: Callable[[Any], None]
    weight: int = 1  # share of the 10,000-case run


# -- strategies -------------------------------------------------------------------------------

# Every code point except surrogates (not encodable in UTF-8), control characters included.
_ALPHABET = st.characters(exclude_categories=("Cs",))
_HOSTILE = st.sampled_from([
    "<script>alert(1)</script>", "=HYPERLINK(\"http://x\")", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
    "\t=1+1", "\r=1", "\x00\x01\x02", "\ufeff", "\u202e", "NaN", "null", "-5", "1e309", "{\"a\":",
    "I waited 6 hours and the nurse was rude", "Ich bin sehr unzufrieden", "我很不满意", "😡😡😡",
    "Mrs Example said she wants to end her life", " ", "",
])


@st.composite
def huge_text(draw) -> str:
    unit = draw(st.sampled_from(["a", "word ", "rude nurse ", "\x00", "é", "<b>", "😡 ", "\n"]))
    return unit * draw(st.integers(min_value=20_000, max_value=300_000))


def text_value() -> st.SearchStrategy:
    return st.one_of(
        st.text(_ALPHABET, max_size=200),
        st.text(st.characters(codec="ascii"), max_size=400),
        _HOSTILE,
        st.lists(_HOSTILE, min_size=2, max_size=6).map(" ".join),
        huge_text(),
    )


def any_value() -> st.SearchStrategy:
    """What arrives in a text field: text of every kind, missing values, numbers, bytes, junk types."""
    return st.one_of(
        text_value(),
        text_value(),  # text twice as often as the rest
        st.none(),
        st.just(float("nan")),
        st.just(pd.NA),
        st.floats(allow_nan=True, allow_infinity=True),
        st.integers(min_value=-(10**30), max_value=10**30),
        st.booleans(),
        st.decimals(allow_nan=False, allow_infinity=False),
        st.binary(max_size=200),
        st.lists(st.integers(), max_size=3),
        st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
        st.just(object()),
        st.just(np.float64("nan")),
        st.just(np.int64(7)),
        st.just(complex(1, 2)),
    )


@st.composite
def frame(draw) -> pd.DataFrame:
    """A DataFrame with a ``text`` column of some dtype (possibly empty, possibly a non-default index)."""
    values = draw(st.lists(any_value(), max_size=8))
    kind = draw(st.sampled_from(["object", "string", "category", "float", "int", "empty", "index"]))
    if kind == "empty":
        return pd.DataFrame({"text": pd.Series([], dtype=object), "other": pd.Series([], dtype=object)})
    if kind == "float":
        return pd.DataFrame({"text": draw(st.lists(st.floats(), max_size=8))}, dtype=float)
    if kind == "int":
        return pd.DataFrame({"text": draw(st.lists(st.integers(-1000, 1000), max_size=8))}, dtype="int64")
    strings = [v if isinstance(v, str) else str(v) for v in values]
    if kind == "string":
        return pd.DataFrame({"text": pd.array([None if i % 3 == 2 else s for i, s in enumerate(strings)], dtype="string")})
    if kind == "category":
        return pd.DataFrame({"text": pd.Categorical(strings)})
    out = pd.DataFrame({"text": pd.Series(values, dtype=object), "keep": range(len(values))})
    if kind == "index":
        out.index = pd.Index([f"r{len(values) - i}" for i in range(len(values))])  # not sorted
    return out


# -- invariants ---------------------------------------------------------------------------------

def _reject_constant(name: str):
    raise AssertionError(f"JSON output contains {name}, which is not valid JSON")


def strict_json_loads(text: str) -> Any:
    """``json.loads`` that refuses NaN/Infinity (Python accepts them; JSON parsers elsewhere do not)."""
    return json.loads(text, parse_constant=_reject_constant)


def assert_json_round_trip(text: str) -> None:
    strict_json_loads(text)


_LIBRARY = str(Path(__file__).resolve().parents[2] / "src" / "complaint_insight")


def _raised_by_library(exc: BaseException) -> bool:
    """The library's own error type, or raised by a ``raise`` in the library's code: a TypeError from
    deep inside numpy or pandas is an accident, not a clear error."""
    from complaint_insight.errors import ComplaintInsightError

    if isinstance(exc, ComplaintInsightError):
        return True
    import traceback

    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return False
    import complaint_insight

    package = str(Path(complaint_insight.__file__).resolve().parent)
    return frames[-1].filename.startswith((package, _LIBRARY))


@contextlib.contextmanager
def clear_errors(allowed: tuple[type[BaseException], ...] = CLEAR_ERRORS):
    """Turn the library's clear errors into ClearError; check they carry a message and were raised
    on purpose by the library (not by a dependency it called with bad data)."""
    try:
        yield
    except allowed as exc:
        if not str(exc).strip():
            raise AssertionError(f"{type(exc).__name__} without a message") from exc
        if not _raised_by_library(exc):
            raise
        raise ClearError(f"{type(exc).__name__}: {exc}") from None


# -- targets: triage ----------------------------------------------------------------------------

_CACHE: dict[str, Any] = {}


def triager():
    if "triager" not in _CACHE:
        from complaint_insight.triage import Triager

        _CACHE["triager"] = Triager()
    return _CACHE["triager"]


def _check_result_json(result) -> None:
    assert_json_round_trip(result.model_dump_json())
    assert_json_round_trip(json.dumps(result.model_dump(mode="json"), allow_nan=False))


def check_triage_assess(value) -> None:
    with clear_errors():
        result = triager().assess(value, id="x")
    assert result.id == "x"
    _check_result_json(result)


def check_triage_many(values) -> None:
    ids = [f"id{i}" for i in range(len(values))]
    with clear_errors():
        results = triager().assess_many(values, ids=ids)
    assert [r.id for r in results] == ids, "rows dropped or reordered"
    for r in results:
        _check_result_json(r)


def check_triage_frame(df) -> None:
    with clear_errors():
        out = triager().assess_frame(df)
    assert len(out) == len(df) and list(out.index) == list(df.index), "rows dropped or reordered"
    assert list(out.columns[: len(df.columns)]) == list(df.columns)
    assert out["text"].equals(df["text"]), "input column changed"
    _check_frame_json(out)


def _check_frame_json(out: pd.DataFrame) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        from complaint_insight.io import write_table

        path = Path(tmp) / "out.jsonl"
        write_table(out, path)
        lines = path.read_text(encoding="utf-8").splitlines()
        assert len(lines) == len(out)
        for line in lines:
            strict_json_loads(line)


# -- targets: categorisation ----------------------------------------------------------------------

def categoriser():
    if "categoriser" not in _CACHE:
        from complaint_insight.taxonomy import load_categoriser

        _CACHE["categoriser"] = load_categoriser("hcat")
    return _CACHE["categoriser"]


def check_categorise(values) -> None:
    ids = [f"id{i}" for i in range(len(values))]
    with clear_errors():
        results = categoriser().categorise(values, ids=ids)
    assert [r.id for r in results] == ids, "rows dropped or reordered"
    for r in results:
        assert_json_round_trip(r.model_dump_json())


def check_categorise_frame(df) -> None:
    with clear_errors():
        out = categoriser().categorise_frame(df)
    assert len(out) == len(df) and list(out.index) == list(df.index), "rows dropped or reordered"
    _check_frame_json(out)


# -- targets: themes assignment ------------------------------------------------------------------

_THEME_COLUMNS = ["theme_id", "theme_label", "theme_distance", "theme_status"]


def theme_model():
    """A tiny ThemeModel fitted once on the authored examples (training_data/themes), never corpus rows."""
    if "theme_model" not in _CACHE:
        from complaint_insight.datasets import load_authored
        from complaint_insight.themes import ThemeModel

        _CACHE["theme_model"] = ThemeModel(4).fit(load_authored("themes"))
    return _CACHE["theme_model"]


def _check_theme_rows(out: pd.DataFrame, index) -> None:
    assert list(out.index) == list(index), "rows dropped or reordered"
    assert list(out.columns) == _THEME_COLUMNS
    known = {t.id for t in theme_model().themes_} | {"unassigned", ""}
    assert set(out["theme_id"]) <= known, "unknown theme id"
    assert set(out["theme_status"]) <= {"assigned", "unassigned", "empty"}
    assert ((out["theme_status"] == "empty") == (out["theme_id"] == "")).all()
    _check_frame_json(out)


def check_themes_assign(values) -> None:
    series = pd.Series(values, index=[f"r{i}" for i in range(len(values))], dtype=object)
    with clear_errors():
        out = theme_model().assign(series)
    _check_theme_rows(out, series.index)
    # The same text gets the same theme alone as in a batch.
    for key in series.index[:2]:
        with clear_errors():
            alone = theme_model().assign(series.loc[[key]])
        assert alone.loc[key, "theme_id"] == out.loc[key, "theme_id"], "batch changed a row's theme"


def check_themes_assign_frame(df) -> None:
    with clear_errors():
        out = theme_model().assign(df)
    _check_theme_rows(out, df.index)


# -- targets: actions ---------------------------------------------------------------------------

@st.composite
def suggest_case(draw):
    field = draw(st.sampled_from(["text", "theme", "category"]))
    value = draw(st.one_of(any_value(), st.sampled_from(["waiting_times", "hcat:communication", "communication",
                                                          "qdc:nonexistent", ":", "a:b:c"])))
    k = draw(st.one_of(st.integers(-2, 12), st.just(3), st.floats(), st.none()))
    return field, value, k


def check_actions_suggest(case) -> None:
    from complaint_insight.actions import suggest_actions

    field, value, k = case
    with clear_errors():
        items = suggest_actions(**{field: value}, k=k)
    assert 0 <= len(items) <= k  # no suggestion at all is a defined answer for junk
    assert [i.rank for i in items] == list(range(1, len(items) + 1))
    for item in items:
        assert_json_round_trip(item.model_dump_json())


# -- targets: file readers and the CLI -----------------------------------------------------------

_CSV_PIECES = st.sampled_from(
    [b"text", b"id", b",", b"\n", b"\r\n", b"\"", b"\"\"", b"=1+1", b"-5", b"\x00", b"\xff\xfe", b"\xef\xbb\xbf",
     b"nurse was rude", b"{", b"}", b"\"text\":", b"null", b"NaN", b"[1,2]", b"\t", b";", b"1e999"]
)


@st.composite
def file_case(draw):
    suffix = draw(st.sampled_from([".csv", ".tsv", ".jsonl"]))
    if draw(st.booleans()):
        data = b"".join(draw(st.lists(_CSV_PIECES, max_size=40)))
        if draw(st.booleans()):
            data = (b"text\n" if suffix != ".jsonl" else b"{\"text\": \"a\"}\n") + data
    elif draw(st.booleans()) and suffix == ".jsonl":
        rows = draw(st.lists(st.dictionaries(st.sampled_from(["text", "id", "x"]),
                                             st.one_of(st.none(), st.text(max_size=30), st.integers(), st.floats(),
                                                       st.lists(st.integers(), max_size=2), st.booleans(),
                                                       st.dictionaries(st.just("a"), st.integers(), max_size=1)),
                                             max_size=3), max_size=6))
        data = "\n".join(json.dumps(r) for r in rows).encode()
    else:
        data = draw(st.binary(max_size=300))
    return suffix, data


def check_read_table(case) -> None:
    from complaint_insight.errors import InputError
    from complaint_insight.io import read_table

    suffix, data = case
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"in{suffix}"
        path.write_bytes(data)
        with clear_errors(allowed=(InputError,)):  # documented: unreadable files raise InputError
            df = read_table(path)
    assert isinstance(df, pd.DataFrame)
    assert df.index.is_unique, "row index must identify rows"


def run_cli(argv: list[str]) -> tuple[int, str]:
    """Run the CLI in this process (models stay loaded); return (exit status, stderr)."""
    from complaint_insight.cli import main

    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse
            code = exc.code if isinstance(exc.code, int) else 2
    return code, err.getvalue()


def check_cli_triage(case) -> None:
    suffix, data = case
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / f"in{suffix}"
        src.write_bytes(data)
        out = Path(tmp) / "out.jsonl"
        code, err = run_cli(["triage", str(src), "-o", str(out), "--quiet"])
        assert "Traceback" not in err, err
        assert code in (0, 2), f"exit status {code}: {err}"
        if code == 2:
            lines = err.strip().splitlines()
            assert len(lines) == 1 and lines[0].startswith("complaint-insight: error:"), err
            raise ClearError(lines[0])
        from complaint_insight.io import read_table

        rows_in = len(read_table(src))
        lines = out.read_text(encoding="utf-8").splitlines()
        assert len(lines) == rows_in, "CLI output lost or added rows"
        for line in lines:
            strict_json_loads(line)


# -- targets: outputs ---------------------------------------------------------------------------

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _plain_number(cell: str) -> bool:
    """Independent of the library's rule: ASCII digits/sign/point/exponent that float() accepts."""
    if not cell or set(cell) - set("0123456789+-.eE"):
        return False
    try:
        return math.isfinite(float(cell))
    except ValueError:
        return False


def check_csv_output(cells) -> None:
    import csv
    import sys

    csv.field_size_limit(sys.maxsize)  # huge cells are part of the fuzzing

    from complaint_insight.io import write_table

    df = pd.DataFrame({"text": pd.Series(cells, dtype=object)})
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "out.csv"
        write_table(df, path)
        with open(path, newline="", encoding="utf-8") as fh:
            rows = list(csv.reader(fh))
    assert len(rows) == len(cells) + 1
    for (cell,), original in zip(rows[1:], cells):
        if cell.startswith(_FORMULA):
            assert _plain_number(cell), f"formula-leading cell written unguarded: {cell!r}"
        if original.startswith(_FORMULA) and not _plain_number(original):
            assert cell == "'" + original, f"{original!r} written as {cell!r}"


def check_jsonl_output(values) -> None:
    df = pd.DataFrame({"v": pd.Series(values, dtype=object), "f": [math.inf if i % 2 else -math.inf for i in range(len(values))]})
    with clear_errors():
        _check_frame_json(df)


TARGETS: dict[str, Target] = {
    "triage_assess": Target(any_value(), check_triage_assess, weight=3),
    "triage_assess_many": Target(st.lists(any_value(), max_size=8), check_triage_many, weight=2),
    "triage_assess_frame": Target(frame(), check_triage_frame, weight=2),
    "categorise": Target(st.lists(any_value(), max_size=8), check_categorise, weight=2),
    "categorise_frame": Target(frame(), check_categorise_frame, weight=1),
    "themes_assign": Target(st.lists(any_value(), max_size=8), check_themes_assign, weight=2),
    "themes_assign_frame": Target(frame(), check_themes_assign_frame, weight=1),
    "actions_suggest": Target(suggest_case(), check_actions_suggest, weight=2),
    "read_table": Target(file_case(), check_read_table, weight=3),
    "cli_triage": Target(file_case(), check_cli_triage, weight=1),
    "csv_output": Target(st.lists(st.one_of(text_value(), _HOSTILE), max_size=6), check_csv_output, weight=2),
    "jsonl_output": Target(st.lists(any_value(), max_size=6), check_jsonl_output, weight=2),
}

