"""On-disk format of a categoriser: ``model.json`` + ``weights.npz``, no pickle.

The trained state is a taxonomy, a prior calibration, TF-IDF vocabularies with IDF weights,
per-category linear coefficients, stacking coefficients and thresholds. It is stored as exactly
that — JSON for structure, vocabularies and the taxonomy; a NumPy archive read with
``allow_pickle=False`` for arrays — so nothing in the files can run code, and loading is fast.
"""
from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from complaint_insight import artifacts
from complaint_insight.taxonomy.loader import taxonomy_from_dict

FORMAT = "taxonomy-categoriser/1"
MODEL_JSON = "model.json"
WEIGHTS = "weights.npz"
_TFIDF_PARAMS = ("analyzer", "ngram_range", "lowercase", "token_pattern", "sublinear_tf", "norm", "min_df", "max_features")
_ARRAYS = ("head_coef_", "head_intercept_", "stack_coef_", "thresholds_", "positives_", "trained_", "emb_mean_", "emb_std_", "min_one_floor_")


def write(model, folder: Path) -> None:
    params = model.get_params()
    params.pop("taxonomy")
    arrays = {name.rstrip("_"): np.asarray(getattr(model, name)) for name in _ARRAYS if hasattr(model, name)}
    blocks = []
    for name, vectorizer in getattr(model, "vectorizers_", {}).items():
        vocabulary = [None] * len(vectorizer.vocabulary_)
        for term, index in vectorizer.vocabulary_.items():
            vocabulary[index] = term
        arrays[f"{name}_idf"] = vectorizer.idf_.astype(np.float64)
        config = {key: getattr(vectorizer, key) for key in _TFIDF_PARAMS}
        config["ngram_range"] = list(config["ngram_range"])
        blocks.append({"name": name, "vectorizer": config, "vocabulary": vocabulary})
    document = {
        "format": FORMAT,
        "params": params,
        "taxonomy": model.taxonomy_.to_dict(),
        "calibration": model.calibration_,
        "n_train_rows": int(getattr(model, "n_train_rows_", 0)),
        "fitted": hasattr(model, "trained_"),
        "blocks": blocks,
    }
    (folder / MODEL_JSON).write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    with open(folder / WEIGHTS, "wb") as fh:
        np.savez_compressed(fh, **arrays)


def read(folder: Path, cls):
    try:
        document = json.loads((folder / MODEL_JSON).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise artifacts.ArtifactError(f"{folder / MODEL_JSON} is not readable JSON: {exc}") from None
    if document.get("format") != FORMAT:
        raise artifacts.ArtifactError(f"{folder / MODEL_JSON}: unknown format {document.get('format')!r}")
    taxonomy = taxonomy_from_dict(document["taxonomy"], source=str(folder / MODEL_JSON))
    model = cls(taxonomy, **document["params"])
    model.taxonomy_ = taxonomy
    model.classes_ = np.array(taxonomy.predicted_ids, dtype=object)
    model.calibration_ = document["calibration"]
    try:
        with np.load(folder / WEIGHTS, allow_pickle=False) as weights:
            for name in _ARRAYS:
                if name.rstrip("_") in weights:
                    setattr(model, name, weights[name.rstrip("_")])
            if document["fitted"]:
                model.n_train_rows_ = document["n_train_rows"]
                model.trained_ = model.trained_.astype(bool)
                model.vectorizers_ = {}
                for block in document["blocks"]:
                    config = dict(block["vectorizer"])
                    config["ngram_range"] = tuple(config["ngram_range"])
                    vectorizer = TfidfVectorizer(dtype=np.float32, **config)
                    vectorizer.vocabulary_ = {term: i for i, term in enumerate(block["vocabulary"])}
                    vectorizer.idf_ = weights[f"{block['name']}_idf"]
                    model.vectorizers_[block["name"]] = vectorizer
    except (ValueError, OSError, EOFError, KeyError, AttributeError, zipfile.BadZipFile) as exc:
        # ValueError is numpy refusing an array that would need pickle; the rest are corrupt or incomplete files.
        raise artifacts.ArtifactError(f"{folder / WEIGHTS}: refused: {exc}") from None
    return model
