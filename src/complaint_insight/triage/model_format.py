"""On-disk format of a complaint classifier: ``model.json`` + ``weights.npz``, no pickle.

A linear text model is just vocabularies, IDF weights, coefficients and a calibration curve,
so it is stored as exactly that: JSON for structure and vocabularies, a NumPy archive read with
``allow_pickle=False`` for arrays, and a manifest with SHA-256 hashes. Nothing in the files can
run code, and loading takes a fraction of a second (skops took ~4 s for the same model).
"""
from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from complaint_insight import artifacts

KIND = "complaint-classifier"
FORMAT = "linear-text-classifier/1"
MODEL_JSON = "model.json"
WEIGHTS = "weights.npz"


def write(estimator, folder: Path) -> None:
    pipeline = estimator.pipeline_
    union = pipeline.named_steps["features"]
    model = pipeline.named_steps["model"]
    arrays: dict[str, np.ndarray] = {
        "coef": model.coef_[0].astype(np.float64),
        "intercept": np.asarray(model.intercept_, dtype=np.float64),
    }
    blocks = []
    for name, transformer in union.transformer_list:
        if name in ("words", "chars"):
            vocab = transformer.get_feature_names_out().tolist()
            arrays[f"{name}_idf"] = transformer.idf_.astype(np.float64)
            blocks.append(
                {
                    "name": name,
                    "kind": "tfidf",
                    "analyzer": transformer.analyzer,
                    "ngram_range": list(transformer.ngram_range),
                    "lowercase": transformer.lowercase,
                    "token_pattern": transformer.token_pattern,
                    "sublinear_tf": transformer.sublinear_tf,
                    "norm": transformer.norm,
                    "max_features": transformer.max_features,
                    "min_df": transformer.min_df,
                    "vocabulary": vocab,
                }
            )
        elif name == "lexicon":
            blocks.append({"name": name, "kind": "lexicon", "scale": transformer.scale})
        else:
            arrays[f"{name}_mean"] = transformer.mean_.astype(np.float64)
            arrays[f"{name}_std"] = transformer.std_.astype(np.float64)
            blocks.append({"name": name, "kind": "embedding", "embedder": transformer.embedder, "scale": transformer.scale})
    calibrator = estimator.calibrator_
    if calibrator is None:
        calibration: dict[str, Any] = {"method": None}
    elif hasattr(calibrator, "X_thresholds_"):
        calibration = {"method": "isotonic"}
        arrays["isotonic_x"] = calibrator.X_thresholds_.astype(np.float64)
        arrays["isotonic_y"] = calibrator.y_thresholds_.astype(np.float64)
    else:
        calibration = {"method": "sigmoid", "a": float(calibrator.coef_[0, 0]), "b": float(calibrator.intercept_[0])}
    doc = {
        "format": FORMAT,
        "params": estimator.get_params(),
        "blocks": blocks,
        "calibration": calibration,
        "threshold": estimator.threshold,
    }
    (folder / MODEL_JSON).write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    np.savez_compressed(folder / WEIGHTS, **arrays)


def read(folder: Path) -> tuple[dict, dict[str, np.ndarray]]:
    """Verify hashes, then read the JSON and arrays (arrays without pickle)."""
    artifacts.verify(folder, kind=KIND)
    try:
        doc = json.loads((folder / MODEL_JSON).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise artifacts.ArtifactError(f"{folder / MODEL_JSON}: cannot read: {exc}") from None
    if doc.get("format") != FORMAT:
        raise artifacts.ArtifactError(f"{folder}: unsupported classifier format {doc.get('format')!r}")
    try:
        with np.load(folder / WEIGHTS, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
    except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:  # ValueError: an array would need pickle
        raise artifacts.ArtifactError(f"{folder / WEIGHTS}: refused: {exc}") from None
    return doc, arrays


def read_estimator(folder: Path, cls):
    """Rebuild a fitted ``ComplaintClassifier`` (scikit-learn objects) from a saved folder."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.isotonic import IsotonicRegression
    from sklearn.linear_model import LogisticRegression

    doc, arrays = read(folder)
    estimator = cls(**doc["params"])
    pipeline = estimator._make_pipeline()
    union = pipeline.named_steps["features"]
    for block, (name, transformer) in zip(doc["blocks"], union.transformer_list):
        if block["name"] != name:
            raise artifacts.ArtifactError(f"{folder}: feature blocks do not match the saved parameters")
        if isinstance(transformer, TfidfVectorizer):
            transformer.set_params(vocabulary={term: i for i, term in enumerate(block["vocabulary"])})
            transformer.idf_ = arrays[f"{name}_idf"]
        elif block["kind"] == "embedding":
            transformer.mean_ = arrays[f"{name}_mean"].astype(np.float32)
            transformer.std_ = arrays[f"{name}_std"].astype(np.float32)
            transformer.n_features_in_ = 1
        else:
            transformer.n_features_in_ = 1
    model = pipeline.named_steps["model"]
    model.classes_ = np.array([0, 1])
    model.coef_ = arrays["coef"].reshape(1, -1)
    model.intercept_ = arrays["intercept"]
    model.n_features_in_ = model.coef_.shape[1]
    calibration = doc["calibration"]
    if calibration["method"] == "sigmoid":
        calibrator = LogisticRegression(C=1e4)
        calibrator.classes_ = np.array([0, 1])
        calibrator.coef_ = np.array([[calibration["a"]]])
        calibrator.intercept_ = np.array([calibration["b"]])
        calibrator.n_features_in_ = 1
    elif calibration["method"] == "isotonic":
        calibrator = IsotonicRegression(out_of_bounds="clip", y_min=0, y_max=1)
        calibrator.fit(arrays["isotonic_x"], arrays["isotonic_y"])
    else:
        calibrator = None
    pipeline.named_steps["clean"].n_features_in_ = 1
    estimator.pipeline_ = pipeline
    estimator.calibrator_ = calibrator
    estimator.classes_ = np.array([0, 1])
    estimator.n_features_in_ = 1
    return estimator
