"""Zero-shot category probabilities from description and example similarity.

Each predicted category is described by its name + description, its examples, and those of its
sub-categories. A text's similarity to a category is the sum of three cosines in the embedding
space: to the closest description, to the closest example, and to the centroid of all of them.

Raw cosines are not probabilities, and their level shifts from text to text (a long text is
similar to everything). So the similarities are turned into *relative* features — gap to the
best category, z-score across categories, reciprocal rank — plus ``log(number of categories)``
(more categories, lower base rate), and a logistic regression over these four numbers gives the
probability. Its coefficients are fitted once, across the built-in taxonomies' labelled data
(``recipes/fit_taxonomy_prior.py``), and shipped in ``models/taxonomy-prior``; because the
features are relative and taxonomy-free, they carry over to a user's own taxonomy.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
from scipy.stats import rankdata

from complaint_insight import artifacts
from complaint_insight.taxonomy.schema import Taxonomy

KIND = "taxonomy-prior"
CALIBRATION_FILE = "calibration.json"
FEATURES = ("gap_to_best", "zscore", "reciprocal_rank", "log_n_categories")


def prior_features(similarity: np.ndarray) -> np.ndarray:
    """(n, k) similarities → (n, k, 4) relative features (see ``FEATURES``)."""
    n, k = similarity.shape
    if n == 0:
        return np.zeros((0, k, len(FEATURES)))
    mean = similarity.mean(axis=1, keepdims=True)
    std = similarity.std(axis=1, keepdims=True) + 1e-6
    best = similarity.max(axis=1, keepdims=True)
    # Ties share the worst rank, so a text that resembles nothing (all similarities equal)
    # does not hand rank 1 to whichever category happens to come first.
    rank = rankdata(-similarity, axis=1, method="max")
    return np.stack(
        [similarity - best, (similarity - mean) / std, 1.0 / rank, np.full_like(similarity, np.log(k))], axis=-1
    )


def load_calibration(path: str | Path | None = None) -> dict:
    """The shipped (or given) prior calibration: ``{"coef": [...], "intercept": float, ...}``."""
    from complaint_insight.resources import model_path

    folder = Path(path) if path is not None else model_path(KIND)
    artifacts.verify(folder, kind=KIND)
    calibration = artifacts.read_json(folder / CALIBRATION_FILE)
    if list(calibration.get("features", [])) != list(FEATURES):
        raise artifacts.ArtifactError(f"{folder}: calibration is for features {calibration.get('features')}, not {FEATURES}")
    return calibration


class SimilarityPrior:
    """Prototype embeddings of a taxonomy's predicted categories, and the similarity they give a text."""

    def __init__(self, taxonomy: Taxonomy, embedder, category_ids: list[str]):
        self.category_ids = list(category_ids)
        descriptions, examples, centroids = [], [], []
        for cid in self.category_ids:
            desc_texts, example_texts = taxonomy.prototypes(cid)
            desc = embedder.encode(desc_texts)
            ex = embedder.encode(example_texts) if example_texts else desc
            centroid = np.vstack([desc, ex]).mean(axis=0)
            centroids.append(centroid / (np.linalg.norm(centroid) + 1e-12))
            descriptions.append(desc)
            examples.append(ex)
        # All prototypes in two matrices, with the row where each category's block starts,
        # so one product and one segmented max score every category at once. Every block has at
        # least one row (a category's own description; examples fall back to it), as reduceat needs.
        self.descriptions = np.vstack(descriptions).astype(np.float32)
        self.description_starts = np.cumsum([0] + [len(d) for d in descriptions[:-1]])
        self.examples = np.vstack(examples).astype(np.float32)
        self.example_starts = np.cumsum([0] + [len(e) for e in examples[:-1]])
        self.centroids = np.vstack(centroids).astype(np.float32)

    def similarity(self, vectors: np.ndarray) -> np.ndarray:
        """(n, dim) L2-normalised text vectors → (n, k) similarity scores (sum of three cosines)."""
        vectors = np.asarray(vectors, dtype=np.float32)
        return (
            vectors @ self.centroids.T
            + np.maximum.reduceat(vectors @ self.descriptions.T, self.description_starts, axis=1)
            + np.maximum.reduceat(vectors @ self.examples.T, self.example_starts, axis=1)
        )


def prior_logits(similarity: np.ndarray, calibration: dict) -> np.ndarray:
    coef = np.asarray(calibration["coef"], dtype=float)
    return prior_features(similarity) @ coef + float(calibration["intercept"])


def sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -50, 50)))
