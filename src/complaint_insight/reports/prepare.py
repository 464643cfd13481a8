"""Turn an input table into the columns the report counts: complaint yes/no, severity, red flags,
date, themes and categories. Triage and categorisation run only when their columns are missing."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from complaint_insight.errors import InputError
from complaint_insight.reports.periods import parse_dates

TRIAGE_COLUMNS = ("is_complaint", "severity", "red_flags")
_TRUE = {"1", "1.0", "true", "yes", "y", "t"}
_FALSE = {"0", "0.0", "false", "no", "n", "f", "", "nan", "none", "<na>"}
NO_TOPIC = {"", "-1", "nan", "none", "<na>"}  # -1 is the usual "no theme / outlier" id of clustering


@dataclass
class Prepared:
    frame: pd.DataFrame  # original columns plus _complaint, _severity, _flags, _date
    triage_run: bool = False
    categorised: bool = False
    notes: list[str] = field(default_factory=list)


def as_flag(values: pd.Series, column: str) -> pd.Series:
    """0/1, true/false, yes/no (any case) as booleans; missing is False; anything else is an error."""
    if pd.api.types.is_bool_dtype(values):
        return values.fillna(False).astype(bool)
    text = values.astype(str).str.strip().str.lower()
    known = text.isin(_TRUE) | text.isin(_FALSE)
    if not known.all():
        bad = values[~known].iloc[0]
        raise InputError(f"column {column!r}: {str(bad)[:40]!r} is not 0/1, true/false or yes/no")
    return text.isin(_TRUE)


def as_severity(values: pd.Series) -> pd.Series:
    """Severity 0-3; anything unreadable or out of range becomes -1 (not assessed)."""
    sev = pd.to_numeric(values, errors="coerce")
    sev = sev.where(sev.isin([0, 1, 2, 3]), -1)
    return sev.astype(int)


def prepare(
    frame: pd.DataFrame,
    *,
    text_column: str = "text",
    date_column: str | None = None,
    taxonomy: str | None = None,
    dayfirst: bool = False,
    triager=None,
    categoriser=None,
) -> Prepared:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"expected a pandas DataFrame, got {type(frame).__name__}")
    out = Prepared(frame=frame)
    work = frame
    missing = [c for c in TRIAGE_COLUMNS if c not in work.columns]
    if missing and len(work):
        if text_column not in work.columns:
            raise InputError(
                f"no triage column(s) {', '.join(missing)} and no text column {text_column!r} to triage; "
                f"columns are: {', '.join(map(str, work.columns))}"
            )
        if triager is None:
            from complaint_insight.triage import Triager

            triager = Triager()
        given = [c for c in TRIAGE_COLUMNS if c in work.columns]
        triaged = triager.assess_frame(work.drop(columns=given), text_column=text_column)
        for column in given:  # the input's own triage columns win over the recomputed ones
            triaged[column] = work[column].to_numpy()
        work = triaged
        out.triage_run = True
        out.notes.append(
            f"Triage was run on {len(work)} rows (the input had no {', '.join(missing)} column)."
        )
    if taxonomy is not None and "categories" not in work.columns and len(work):
        if text_column not in work.columns:
            raise InputError(f"--taxonomy needs the text column {text_column!r} to categorise")
        if categoriser is None:
            from complaint_insight.taxonomy import load_categoriser

            categoriser = load_categoriser(taxonomy)
        work = categoriser.categorise_frame(work, text_column=text_column)
        out.categorised = True
        out.notes.append(f"Rows were categorised with the {taxonomy!r} taxonomy.")
    work = work.copy()
    n = len(work)
    work["_complaint"] = as_flag(work["is_complaint"], "is_complaint") if "is_complaint" in work else False
    work["_severity"] = (
        as_severity(work["severity"]) if "severity" in work else pd.Series(-1, index=work.index)
    )
    flags = work["red_flags"] if "red_flags" in work else pd.Series([""] * n, index=work.index, dtype=object)
    work["_flags"] = flags.where(flags.notna(), "").astype(str).str.strip()
    work.loc[work["_flags"].str.lower().isin(NO_TOPIC), "_flags"] = ""
    if date_column is not None:
        if date_column not in work.columns:
            raise InputError(
                f"date column {date_column!r} not found; columns are: {', '.join(map(str, frame.columns))}"
            )
        work["_date"] = parse_dates(
            work[date_column].astype(object).where(work[date_column].notna(), None), dayfirst=dayfirst
        )
    else:
        work["_date"] = pd.Series(pd.NaT, index=work.index, dtype="datetime64[ns]")
    out.frame = work
    return out


def explode_ids(values: pd.Series) -> pd.DataFrame:
    """One row per (input row, id) for ';'-joined id columns; empty and -1 ids dropped."""
    text = values.where(values.notna(), "").astype(str)
    parts = text.str.split(";").explode().str.strip()
    parts = parts[~parts.str.lower().isin(NO_TOPIC)]
    return pd.DataFrame({"row": parts.index, "id": parts.to_numpy()}).drop_duplicates()
