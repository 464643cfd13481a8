"""Saving and loading theme models: JSON + ``.npz`` (no pickle), with a SHA-256 manifest.

A saved model is a folder with ``themes.json`` (parameters, themes, edits, threshold, the
embedder's name) and ``centroids.npz`` (float32 centroids). Loading verifies every hash first and
reads the arrays with ``allow_pickle=False``; a custom clusterer/labeller object is not saved (the
defaults are used on refit), only its class name is recorded.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from complaint_insight.artifacts import ArtifactError, read_json, verify, write_json, write_manifest
from complaint_insight.themes.result import Theme, ThemeCountChoice

KIND = "theme-model"
_PARAMS = ("n_themes", "min_themes", "max_themes", "selection_tolerance", "outlier_quantile", "text_column",
           "random_state")


def save_theme_model(model, folder) -> Path:
    model._check_fitted()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("themes.json", "centroids.npz"):
        (folder / name).unlink(missing_ok=True)
    embedder = model.embedder if isinstance(model.embedder, str) else model.embedder_name_
    data = {
        "params": {**{p: getattr(model, p) for p in _PARAMS}, "embedder": str(embedder)},
        "components": {
            "clusterer": type(model.clusterer).__name__ if model.clusterer is not None else None,
            "labeller": type(model.labeller).__name__ if model.labeller is not None else None,
        },
        "embedder_name": model.embedder_name_,
        "distance_threshold": model.distance_threshold_,
        "next_id": model.next_id_,
        "selection": model.selection_.model_dump(),
        "themes": [t.model_dump() for t in model.themes_],
        "edits": getattr(model, "edits_", []),
    }
    write_json(folder / "themes.json", data)
    # float32 as fitted: a rounded centroid could move a borderline text to another theme after loading.
    np.savez_compressed(folder / "centroids.npz", centroids=model.cluster_centers_.astype(np.float32))
    write_manifest(folder, kind=KIND, extra={"n_themes": len(model.themes_), "embedder": model.embedder_name_})
    return folder


def load_theme_model(folder):
    from complaint_insight.themes.model import ThemeModel

    folder = Path(folder)
    verify(folder, kind=KIND)
    try:
        data = read_json(folder / "themes.json")
        with np.load(folder / "centroids.npz", allow_pickle=False) as npz:
            centroids = np.ascontiguousarray(npz["centroids"], dtype=np.float32)
        params = data["params"]
        model = ThemeModel(**{p: params[p] for p in _PARAMS if p in params}, embedder=params["embedder"])
        model.themes_ = [Theme(**t) for t in data["themes"]]
        model.selection_ = ThemeCountChoice(**data["selection"])
        model.distance_threshold_ = float(data["distance_threshold"])
        model.next_id_ = int(data["next_id"])
        model.edits_ = list(data.get("edits", []))
        model.embedder_name_ = str(data["embedder_name"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ArtifactError(f"{folder} is not a valid theme model: {exc}") from None
    if centroids.shape[0] != len(model.themes_):
        raise ArtifactError(f"{folder}: {centroids.shape[0]} centroids for {len(model.themes_)} themes")
    model.cluster_centers_ = centroids
    model.n_themes_ = len(model.themes_)
    model.labels_ = model.distances_ = None  # the fitted rows are not saved
    actual = model._embedder().name
    if actual != model.embedder_name_:
        raise ArtifactError(
            f"{folder} was fitted with embedder {model.embedder_name_!r} but {actual!r} is loaded; "
            "distances would be meaningless"
        )
    return model
