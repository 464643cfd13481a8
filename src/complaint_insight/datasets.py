"""Loaders for the shared real corpora and the project's own authored examples.

The real corpora are read from ``../shared/datasets`` (or ``$COMPLAINT_INSIGHT_DATASETS``) at
training and evaluation time and are never copied into the repository. Every loader returns a
DataFrame with at least ``text``, ``label`` and ``corpus`` columns, de-duplicated on normalised
text so that the same comment cannot sit on both sides of a split.
"""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pandas as pd

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CORPORA = ("xfincorp", "cesamard", "nhs_fft")
INTENSITY_LEVELS = ("none", "no_explicit_reproach", "disapproval", "accusation", "blame")
_INTENSITY_FROM_LABEL = {
    "non-complaint": "none",
    "no explicit reproach": "no_explicit_reproach",
    "disapproval": "disapproval",
    "accusation": "accusation",
    "blame": "blame",
}


class DatasetUnavailable(FileNotFoundError):
    """The shared corpora are not on this machine (a user's fresh machine has none)."""


def datasets_dir() -> Path:
    env = os.environ.get("COMPLAINT_INSIGHT_DATASETS")
    path = Path(env) if env else PROJECT_ROOT.parent / "shared" / "datasets"
    return path


def have_shared_datasets() -> bool:
    return (datasets_dir() / "xfincorp.csv").is_file()


def _require(name: str) -> Path:
    path = datasets_dir() / name
    if not path.is_file():
        raise DatasetUnavailable(f"{path} not found; set COMPLAINT_INSIGHT_DATASETS to the shared datasets folder")
    return path


def dedup_key(text: str) -> str:
    return re.sub(r"\W+", " ", str(text).lower()).strip()


def _finish(df: pd.DataFrame, corpus: str) -> pd.DataFrame:
    df = df.copy()
    df["text"] = df["text"].astype(str).str.strip()
    df = df[df["text"].str.len() > 0]
    df["corpus"] = corpus
    key = df["text"].map(dedup_key)
    # One row per distinct text, so a split can never put the same text on both sides; where copies
    # disagree, the first row's labels are kept (the shipped models were trained this way).
    df = df.assign(_key=key).groupby("_key", sort=False, as_index=False).first()
    return df.drop(columns="_key").reset_index(drop=True)


def load_xfincorp() -> pd.DataFrame:
    raw = pd.read_csv(_require("xfincorp.csv"))
    df = pd.DataFrame(
        {
            "text": raw["Complaint/ Opinion"],
            "label": raw["Complaint Label"].astype(int),
            "intensity": raw["Severity level"].str.strip().str.lower().map(_INTENSITY_FROM_LABEL),
            "domain": raw["Domain"].str.strip().str.lower(),
        }
    )
    return _finish(df, "xfincorp")


def load_cesamard() -> pd.DataFrame:
    raw = pd.read_csv(_require("cesamard_aspect.csv"))
    # The review bodies carry literal "\n" sequences from the scrape; make them real line breaks.
    body = raw["Review_S"].fillna("").str.replace(r"\\n", "\n", regex=True).str.strip()
    title = raw["Title"].fillna("").str.strip()
    text = (title + ". " + body).str.strip(". \n")
    df = pd.DataFrame(
        {
            "text": text,
            "label": raw["Complaint"].astype(int),
            "intensity": raw["Severity"].str.strip().str.lower().map(_INTENSITY_FROM_LABEL),
            "domain": raw["Domain"].str.strip().str.lower(),
        }
    )
    return _finish(df, "cesamard")


def load_nhs_fft(*, include_unlabelled: bool = False) -> pd.DataFrame:
    """NHS FFT comments; ``label`` is 1 for sentiment 4-5 (dissatisfied), 0 for 1-3.

    Sentiment is a proxy for dissatisfaction, not a complaint label. Rows without a sentiment
    are dropped unless ``include_unlabelled`` (then ``label`` is NA). The QDC one-hot columns are
    kept under their original names, and ``sentiment`` keeps the 1-5 score.
    """
    raw = pd.read_csv(_require("nhs_fft_v6.csv"))
    raw = raw[raw["FFT answer"].notna()]
    sentiment = raw["Comment sentiment"]
    if not include_unlabelled:
        raw, sentiment = raw[sentiment.notna()], sentiment[sentiment.notna()]
    category_columns = list(raw.columns[raw.columns.get_loc("Not assigned") :])
    df = pd.DataFrame(
        {
            "text": raw["FFT answer"],
            "label": (sentiment >= 4).astype("Int64").where(sentiment.notna()),
            "sentiment": sentiment,
            "trust": raw["Trust"],
            "date": pd.to_datetime(raw["Date"], dayfirst=True, errors="coerce"),
            "service": raw["Service type 1"].str.strip(),
            "question": raw["FFT question"],
        }
    )
    df = pd.concat([df, raw[category_columns].notna().astype(int)], axis=1)
    return _finish(df, "nhs_fft")


def load_corpus(name: str) -> pd.DataFrame:
    loaders = {"xfincorp": load_xfincorp, "cesamard": load_cesamard, "nhs_fft": load_nhs_fft}
    if name not in loaders:
        raise ValueError(f"unknown corpus {name!r}; available: {', '.join(loaders)}")
    return loaders[name]()


def load_authored(subdir: str, pattern: str = "*.jsonl", split: str | None = None) -> pd.DataFrame:
    """Read the project's own labelled examples from ``training_data/<subdir>``."""
    folder = PROJECT_ROOT / "training_data" / subdir
    rows = []
    for path in sorted(folder.glob(pattern)):
        with open(path, encoding="utf-8") as fh:
            for line_no, line in enumerate(fh, 1):
                if line.strip():
                    try:
                        row = json.loads(line)
                    except json.JSONDecodeError as exc:
                        raise ValueError(f"{path}:{line_no}: invalid JSON: {exc}") from None
                    row["source_file"] = path.name
                    rows.append(row)
    df = pd.DataFrame(rows)
    if split is not None and len(df):
        df = df[df["split"] == split].reset_index(drop=True)
    return df
