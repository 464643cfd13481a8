"""Taxonomy categories as the action library needs them, and where a text's categories come from.

``CategorySource`` is the hook for the taxonomy categoriser: any callable that takes a text and
returns ``{taxonomy_id: {category_id: score in 0..1}}``. Until a trained categoriser is plugged
in, ``SimilarityCategorySource`` scores a text against each category's description and examples
in the taxonomy files by embedding similarity. ``categoriser_source(...)`` adapts categorisers
that return results with ``.taxonomy`` and ``.probabilities`` (the taxonomy package's shape).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import yaml

from complaint_insight.errors import ConfigError
from complaint_insight.resources import package_data

CategoryScores = dict[str, dict[str, float]]


class CategorySource(Protocol):
    def __call__(self, text: str) -> CategoryScores:
        """``{taxonomy_id: {category_id: score}}`` for one text; scores in 0..1, higher = more likely."""
        ...


@dataclass(frozen=True)
class CategoryInfo:
    taxonomy: str
    id: str
    name: str
    description: str
    examples: tuple[str, ...]
    parent: str | None
    special: bool  # housekeeping labels such as "Not assigned": never a reason to act

    @property
    def key(self) -> str:
        return f"{self.taxonomy}:{self.id}"


def taxonomy_dir() -> Path:
    return package_data("taxonomy", "builtin")


def builtin_taxonomies() -> list[str]:
    return sorted(p.stem for p in taxonomy_dir().glob("*.yaml"))


@lru_cache(maxsize=None)
def taxonomy_categories(taxonomy_id: str) -> dict[str, CategoryInfo]:
    """The categories of a built-in taxonomy, by id (read from ``taxonomy/builtin/<id>.yaml``)."""
    path = taxonomy_dir() / f"{taxonomy_id}.yaml"
    if not path.is_file():
        raise ConfigError(f"unknown taxonomy {taxonomy_id!r}; built-in: {', '.join(builtin_taxonomies())}")
    data = (
        yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        or {}
    )
    out = {}
    for raw in data.get("categories") or []:
        info = CategoryInfo(
            taxonomy=taxonomy_id,
            id=str(raw["id"]),
            name=str(raw.get("name") or raw["id"]),
            description=" ".join(str(raw.get("description") or "").split()),
            examples=tuple(str(e) for e in raw.get("examples") or []),
            parent=raw.get("parent"),
            special=bool(raw.get("special", False)),
        )
        out[info.id] = info
    return out


def category_info(taxonomy_id: str, category_id: str) -> CategoryInfo | None:
    if taxonomy_id not in builtin_taxonomies():
        return None
    return taxonomy_categories(taxonomy_id).get(category_id)


def category_name(taxonomy_id: str, category_id: str) -> str:
    info = category_info(taxonomy_id, category_id)
    return info.name if info else category_id


def ancestors(taxonomy_id: str, category_id: str) -> list[str]:
    """Parent, grandparent ... of a built-in category (empty for unknown taxonomies)."""
    if taxonomy_id not in builtin_taxonomies():
        return []
    cats = taxonomy_categories(taxonomy_id)
    out, seen = [], {category_id}
    parent = cats[category_id].parent if category_id in cats else None
    while parent and parent not in seen:
        out.append(parent)
        seen.add(parent)
        parent = cats[parent].parent if parent in cats else None
    return out


class SimilarityCategorySource:
    """Stand-in categoriser: how close a text is to each category's description and examples.

    A category's similarity is the best cosine similarity to its description or examples. Static
    embeddings give every complaint a fairly high similarity to every category, so the score is
    relative: the similarity's z-score among all categories for this text, mapped linearly from
    ``[floor, ceiling]`` standard deviations to ``[0, 1]``. It ranks categories; it is not a
    calibrated probability, and a trained categoriser should replace it.
    """

    def __init__(
        self,
        taxonomies: Sequence[str] = ("hcat", "qdc", "uk_public_services"),
        *,
        embedder: Any = "static",
        floor: float = 1.5,
        ceiling: float = 3.5,
    ):
        self.taxonomies = tuple(taxonomies)
        self.embedder = embedder
        self.floor = floor
        self.ceiling = ceiling
        self._index: tuple[list[CategoryInfo], np.ndarray, np.ndarray] | None = None

    def _build(self):
        from complaint_insight.embed import get_embedder

        embedder = get_embedder(self.embedder)
        infos, texts, owner = [], [], []
        for taxonomy in self.taxonomies:
            for info in taxonomy_categories(taxonomy).values():
                if info.special:
                    continue
                infos.append(info)
                for sentence in (f"{info.name}. {info.description}", *info.examples):
                    texts.append(sentence)
                    owner.append(len(infos) - 1)
        vectors = embedder.encode(texts)
        self._hub = hubness(vectors, vectors)
        self._index = (infos, vectors, np.asarray(owner))
        self._embedder = embedder
        return self._index

    def __call__(self, text: str) -> CategoryScores:
        return self.score_many([text])[0]

    def score_many(self, texts: Sequence[str]) -> list[CategoryScores]:
        infos, vectors, owner = self._index or self._build()
        sims = self._embedder.encode(list(texts)) @ vectors.T - self._hub  # (n_texts, n_sentences)
        best = np.full((len(texts), len(infos)), -1.0, dtype=np.float32)
        np.maximum.at(best.T, owner, sims.T)
        z = (best - best.mean(axis=1, keepdims=True)) / (best.std(axis=1, keepdims=True) + 1e-6)
        scores = np.clip((z - self.floor) / (self.ceiling - self.floor), 0.0, 1.0)
        out = []
        for row in scores:
            result: CategoryScores = {}
            for j in np.flatnonzero(row > 0):
                result.setdefault(infos[j].taxonomy, {})[infos[j].id] = round(float(row[j]), 4)
            out.append(result)
        return out


def hubness(vectors: np.ndarray, reference: np.ndarray, k: int = 10) -> np.ndarray:
    """Mean similarity of each vector to its ``k`` nearest reference texts.

    Some sentences (generic ones about complaints, waiting or communication) are close to almost
    any complaint. Subtracting this from a similarity (as in CSLS, Conneau et al. 2018) stops
    them from being the best match for everything.
    """
    sims = vectors @ reference.T
    k = min(k, sims.shape[1])
    return np.sort(sims, axis=1)[:, -k:].mean(axis=1)


def reference_texts(taxonomies: Sequence[str]) -> list[str]:
    """The taxonomy files' example complaints: a neutral sample of what complaints look like."""
    return [e for t in taxonomies for info in taxonomy_categories(t).values() for e in info.examples]


def categoriser_source(categorisers: Iterable[Any], *, relative_to_threshold: bool = False) -> CategorySource:
    """Adapt categorisers with ``categorise([text]) -> [result]`` (``result.taxonomy``, ``result.probabilities``).

    ``relative_to_threshold``: report each category's probability against its own threshold
    (see :func:`threshold_score`) instead of the raw probability.
    """
    chosen = list(categorisers)

    def source(text: str) -> CategoryScores:
        out: CategoryScores = {}
        for categoriser in chosen:
            result = categoriser.categorise([text])[0]
            probabilities = result.probabilities or {}
            if relative_to_threshold:
                thresholds = categoriser.thresholds
                scores = {k: threshold_score(float(v), thresholds.get(k, 0.5)) for k, v in probabilities.items()}
            else:
                scores = {k: float(v) for k, v in probabilities.items()}
            out[str(result.taxonomy)] = {str(k): v for k, v in scores.items() if v > 0}
        return out

    return source


def threshold_score(probability: float, threshold: float, floor: float = 0.1) -> float:
    """A probability as a 0-1 score against the category's own threshold: 0.5 at the threshold.

    Rare categories have low thresholds (a well-calibrated 0.15 can already mean "assigned"), so
    raw probabilities would rank them below common ones that are less certain. Below the threshold
    the score falls linearly to 0; scores under ``floor`` are dropped as noise.
    """
    threshold = min(max(threshold, 1e-6), 1 - 1e-6)
    if probability >= threshold:
        score = 0.5 + 0.5 * (probability - threshold) / (1 - threshold)
    else:
        score = 0.5 * probability / threshold
    return round(score, 4) if score >= floor else 0.0


def has_trained_categoriser(taxonomy_id: str) -> bool:
    """Whether a trained categoriser is shipped for this built-in taxonomy (models/<id>-categoriser)."""
    from complaint_insight.resources import model_path
    from complaint_insight.taxonomy import shipped_model_name

    return model_path(shipped_model_name(taxonomy_id)).is_dir()


class TrainedCategorySource:
    """The default source: the shipped trained categorisers, similarity for taxonomies without one.

    Categories from a trained categoriser are scored against each category's own threshold
    (:func:`threshold_score`); taxonomies with no trained model (uk_public_services) fall back to
    :class:`SimilarityCategorySource`. ``origin(taxonomy)`` says which, for the "why" of a
    suggestion. Models are loaded on the first text (``taxonomy.shared_categoriser``: one copy per
    process, shared with the service), so a suggester used only with themes or categories never
    loads them.

    Held-out figures against the similarity stand-in alone: docs/benchmarks/actions.md.
    """

    def __init__(self, taxonomies: Sequence[str] = ("hcat", "qdc", "uk_public_services"), *, embedder: Any = "static"):
        self.taxonomies = tuple(taxonomies)
        self.embedder = embedder
        self.trained = tuple(t for t in self.taxonomies if has_trained_categoriser(t))
        self.untrained = tuple(t for t in self.taxonomies if t not in self.trained)
        # Similarity is scored against every taxonomy's categories and then kept for the untrained
        # ones only: relative to the public-services categories alone, an NHS complaint's closest
        # council category would still stand out (top-3 category fit on the authored test split
        # 67.7% that way, 73.3% this way; docs/benchmarks/actions.md).
        self._similarity = SimilarityCategorySource(self.taxonomies, embedder=embedder) if self.untrained else None
        self._categorisers: list[Any] | None = None

    def origin(self, taxonomy_id: str) -> str:
        return "categoriser" if taxonomy_id in self.trained else "similarity"

    def __call__(self, text: str) -> CategoryScores:
        if self._categorisers is None:
            from complaint_insight.taxonomy import shared_categoriser

            self._categorisers = [shared_categoriser(t) for t in self.trained]
        similar = self._similarity(text) if self._similarity is not None else {}
        out = {t: scores for t, scores in similar.items() if t in self.untrained}
        for categoriser in self._categorisers:
            # predict_proba, not categorise: the suggester has already cleaned and checked the
            # text, and building the result objects costs a few milliseconds a text.
            probabilities = categoriser.predict_proba([text])[0]
            thresholds = categoriser.thresholds
            scores = {
                str(cid): threshold_score(float(p), thresholds[cid])
                for cid, p in zip(categoriser.classes_, probabilities)
            }
            out[categoriser.taxonomy_.id] = {cid: v for cid, v in scores.items() if v > 0}
        return out
