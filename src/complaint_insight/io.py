"""Reading and writing tables (CSV, TSV, Parquet, JSON Lines), in chunks, without losing rows.

Guarantees: every input row comes out once, in input order; CSV cells are read as text exactly as
written (``"N/A"`` stays ``"N/A"``, ``"00123"`` stays ``"00123"``); CSV output neutralises cells
that a spreadsheet would run as a formula (a leading ``= + - @``, tab or carriage return gets a
``'`` prefix, OWASP's advice), unless ``csv_formula_guard=False``. CSV/TSV output is written by
pyarrow: text cells and the header quoted, numbers bare, CRLF line ends.
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from complaint_insight.errors import InputError

FORMATS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# A plain signed number ("-5", "+44", "-1.5e3") is left as it is: spreadsheets read it as a number,
# not a formula, and a "'" would turn every negative amount into text. ASCII digits only, whole cell.
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?", re.ASCII)


def table_format(path: str | Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise InputError(
            f"{path}: unsupported file type {suffix or '(none)'!r}; use one of {', '.join(sorted(FORMATS))}"
        )
    return FORMATS[suffix]


def iter_table(path: str | Path, chunksize: int = 50_000) -> Iterator[pd.DataFrame]:
    """Yield the table in order, in chunks whose index continues from one chunk to the next."""
    path = Path(path)
    fmt = table_format(path)
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    try:
        if fmt in ("csv", "tsv"):
            reader = pd.read_csv(
                path,
                sep="," if fmt == "csv" else "\t",
                dtype=str,
                keep_default_na=False,
                chunksize=chunksize,
                encoding="utf-8",
                encoding_errors="replace",
            )
            yield from reader
        elif fmt == "parquet":
            import pyarrow.parquet as pq

            start = 0
            for batch in pq.ParquetFile(path).iter_batches(batch_size=chunksize):
                chunk = batch.to_pandas()
                chunk.index = pd.RangeIndex(start, start + len(chunk))
                start += len(chunk)
                yield chunk
        else:
            start = 0
            for chunk in pd.read_json(path, lines=True, chunksize=chunksize, dtype=False):
                chunk.index = pd.RangeIndex(start, start + len(chunk))
                start += len(chunk)
                yield chunk
    except InputError:
        raise
    except (ValueError, TypeError, OSError, UnicodeDecodeError, pd.errors.ParserError) as exc:  # TypeError: a JSONL line that is not an object
        raise InputError(f"{path}: cannot read as {fmt}: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") from None
    except Exception as exc:  # pyarrow raises its own error types for corrupt files
        if type(exc).__module__.startswith("pyarrow"):
            raise InputError(f"{path}: cannot read as {fmt}: {exc}") from None
        raise


def read_table(path: str | Path) -> pd.DataFrame:
    chunks = list(iter_table(path))
    if not chunks:
        return pd.DataFrame()
    return pd.concat(chunks)


def neutralise_formula(value):
    """Prefix a ``'`` to text a spreadsheet would execute as a formula; numbers stay as they are."""
    if isinstance(value, str) and value.startswith(_FORMULA_START) and not _NUMBER.fullmatch(value):
        return "'" + value
    return value


def neutralise_formula_column(column: pd.Series) -> pd.Series:
    """``neutralise_formula`` of every cell, calling it only for cells that start like a formula.

    Almost no cell does, and one vectorised ``startswith`` is several times cheaper than a Python
    call per cell (CSV output of a million rows has tens of millions of cells).
    """
    try:
        suspect = column.str.startswith(_FORMULA_START).to_numpy(dtype=bool, na_value=False)
    except AttributeError:  # an object column without any text (numbers, None): nothing to look at
        return column.map(neutralise_formula)
    if not suspect.any():
        return column
    column = column.copy()
    column[suspect] = column[suspect].map(neutralise_formula)
    return column


class TableWriter:
    """Write chunks one after another to CSV/TSV/Parquet/JSONL, keeping columns and order."""

    def __init__(self, path: str | Path, *, csv_formula_guard: bool = True):
        self.path = Path(path)
        self.format = table_format(self.path)
        self.csv_formula_guard = csv_formula_guard
        self._started = False
        self._parquet = None
        self._schema = None

    def __enter__(self) -> "TableWriter":
        if not self.path.parent.exists():
            raise InputError(f"{self.path}: folder {self.path.parent} does not exist")
        return self

    def write(self, frame: pd.DataFrame) -> None:
        try:
            self._write(frame)
        except OSError as exc:
            raise InputError(f"{self.path}: cannot write: {exc.strerror or exc}") from None
        self._started = True

    def _write(self, frame: pd.DataFrame) -> None:
        if self.format in ("csv", "tsv"):
            out = frame
            if self.csv_formula_guard:
                out = frame.copy()
                for col in out.columns:
                    if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
                        out[col] = neutralise_formula_column(out[col])
                # Column names come from the input file too: a header "=cmd|..." is a formula as well.
                out.columns = [neutralise_formula(c) for c in out.columns]
            _write_csv(out, self.path, sep="," if self.format == "csv" else "\t", header=not self._started)
        elif self.format == "parquet":
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = pa.Table.from_pandas(frame, preserve_index=False)
            if self._parquet is None:
                self._schema = table.schema
                self._parquet = pq.ParquetWriter(self.path, self._schema)
            else:
                table = table.cast(self._schema)
            self._parquet.write_table(table)
        else:
            # NaN is not valid JSON: missing values become null.
            records = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
            with open(self.path, "a" if self._started else "w", encoding="utf-8") as fh:
                for record in records:
                    fh.write(json_line(record) + "\n")

    def close(self) -> None:
        if self._parquet is not None:
            self._parquet.close()
            self._parquet = None
        if not self._started and self.format != "parquet":
            self.path.write_text("", encoding="utf-8")

    def __exit__(self, *exc) -> None:
        self.close()


def _write_csv(frame: pd.DataFrame, path: Path, *, sep: str, header: bool) -> None:
    """Append ``frame`` to ``path`` with pyarrow's CSV writer: about 9x less CPU than pandas' writer,
    which was most of a streaming run's own work besides the model's.

    Text cells and the header are always quoted (RFC 4180), numbers never; lines end in CRLF. Booleans
    are written ``True``/``False`` as pandas writes them; a missing value is an empty cell. Columns
    Arrow cannot write as they are (dates, lists, mixed objects) are written as ``str(value)``.
    """
    import pyarrow as pa
    import pyarrow.csv as pa_csv

    arrays = [_csv_array(frame.iloc[:, k]) for k in range(frame.shape[1])]
    table = pa.Table.from_arrays(arrays, names=[str(c) for c in frame.columns])
    options = pa_csv.WriteOptions(include_header=header, delimiter=sep, eol="\r\n")
    with open(path, "wb" if header else "ab") as fh:
        pa_csv.write_csv(table, fh, options)


def _csv_array(column: pd.Series):
    import numpy as np
    import pyarrow as pa

    dtype = column.dtype
    if pd.api.types.is_bool_dtype(dtype):
        missing = column.isna().to_numpy()
        values = np.where(column.fillna(False).to_numpy(dtype=bool), "True", "False")
        return pa.array(values, mask=missing, type=pa.string())
    text = pd.api.types.is_string_dtype(dtype) and dtype != object
    number = dtype.kind in "iu" or (dtype.kind == "f" and dtype.itemsize in (4, 8))  # numpy and nullable
    if text or number:
        return pa.array(column, from_pandas=True)
    missing = column.isna().to_numpy()
    values = column.to_numpy(dtype=object)
    return pa.array([None if gone else (v if isinstance(v, str) else str(v)) for v, gone in zip(values, missing)],
                    type=pa.string())


def json_safe(value):
    """``value`` with every NaN/inf float (also inside lists and dicts) replaced by None: valid JSON."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if hasattr(value, "tolist") and hasattr(value, "dtype"):  # numpy scalars and arrays
        return json_safe(value.tolist())
    return value


def json_line(record) -> str:
    """One JSON document on one line for ``record``, valid for any content (``allow_nan=False`` as a
    backstop). U+2028, U+2029 and U+0085 are escaped: JSON allows them raw inside strings, but
    readers that split on every Unicode line break (``str.splitlines``, older JavaScript) would cut
    the record in two."""
    text = json.dumps(json_safe(record), ensure_ascii=False, default=_json_default, allow_nan=False)
    if "\u2028" in text or "\u2029" in text or "\x85" in text:
        text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029").replace("\x85", "\\u0085")
    return text


def _json_default(value):
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


def write_table(frame: pd.DataFrame, path: str | Path, *, csv_formula_guard: bool = True) -> None:
    with TableWriter(path, csv_formula_guard=csv_formula_guard) as writer:
        writer.write(frame)
