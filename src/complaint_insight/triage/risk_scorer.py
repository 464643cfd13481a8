"""The learned risk heads at inference: plain NumPy over the complaint classifier's word features.

A saved risk model is ``risk.json`` (flag types, classes, thresholds, which word block it was
trained on) + ``weights.npz`` (one dense ``(vocabulary, heads)`` matrix and its intercepts, read
with ``allow_pickle=False``) + ``manifest.json`` with SHA-256 hashes. Nothing in it can run code,
and neither loading nor scoring imports scikit-learn.

The heads are linear in the classifier's TF-IDF word block (``WordFeatures``), so triage tokenises a
text once: the classifier computes the features on its way to a probability and the risk heads reuse
them (one sparse-dense product per batch). The model records the SHA-256 of the vocabulary and IDF it
was trained on; given features of another vocabulary it computes its own from that classifier.
"""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from complaint_insight import artifacts
from complaint_insight.text import clean_for_model
from complaint_insight.triage.scorer import PickledByPath, WordFeatures

KIND = "risk-model"
FORMAT = "risk-heads/1"
MODEL_JSON = "risk.json"
WEIGHTS = "weights.npz"
SEVERITY_LEVELS = (0, 1, 2, 3)
# The order of complaint_insight.datasets.INTENSITY_LEVELS (a test checks), without importing pandas.
INTENSITY_LEVELS = ("none", "no_explicit_reproach", "disapproval", "accusation", "blame")


class CompiledRiskModel(PickledByPath):
    """Red-flag scores, HCAT severity and reproach intensity from word features."""

    def __init__(self, doc: dict, weights: np.ndarray, intercepts: np.ndarray, path: Path | None = None):
        self.path = path
        self.flag_types_ = tuple(doc["flag_types"])
        self.flag_threshold_ = np.asarray(doc["flag_thresholds"], dtype=np.float64)
        self.severity_classes_ = tuple(int(c) for c in doc["severity_classes"])
        self.intensity_classes_ = tuple(doc["intensity_classes"])
        self.word_block = dict(doc["word_block"])
        n_heads = len(self.flag_types_) + len(self.severity_classes_) + len(self.intensity_classes_)
        if weights.ndim != 2 or weights.shape != (int(self.word_block["width"]), n_heads) or intercepts.shape != (n_heads,):
            raise artifacts.ArtifactError(f"{path or 'risk model'}: weight shapes do not match its description")
        unknown = set(self.intensity_classes_) - set(INTENSITY_LEVELS)
        if unknown or not set(self.severity_classes_) <= set(SEVERITY_LEVELS):
            raise artifacts.ArtifactError(f"{path or 'risk model'}: unknown severity or intensity classes")
        self.weights = weights.astype(np.float32)
        self.intercepts = intercepts.astype(np.float64)
        k, s = len(self.flag_types_), len(self.severity_classes_)
        self._slices = (slice(0, k), slice(k, k + s), slice(k + s, n_heads))
        self._block = None

    @staticmethod
    def _load_cached(path: str) -> "CompiledRiskModel":
        from complaint_insight.triage.risk import load_risk_model

        return load_risk_model(path)

    # -- files ---------------------------------------------------------------------------------
    @classmethod
    def load(cls, folder: str | Path) -> "CompiledRiskModel":
        folder = Path(folder)
        artifacts.verify(folder, kind=KIND)
        try:
            doc = json.loads((folder / MODEL_JSON).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise artifacts.ArtifactError(f"{folder / MODEL_JSON}: cannot read: {exc}") from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise artifacts.ArtifactError(f"{folder}: unsupported risk model format {doc.get('format') if isinstance(doc, dict) else doc!r}")
        try:
            with np.load(folder / WEIGHTS, allow_pickle=False) as npz:
                weights, intercepts = npz["weights"], npz["intercepts"]
        except (OSError, ValueError, KeyError) as exc:  # ValueError: an array would need pickle
            raise artifacts.ArtifactError(f"{folder / WEIGHTS}: refused: {exc}") from None
        return cls(doc, weights, intercepts, folder)

    @staticmethod
    def write(folder: str | Path, doc: dict, weights: np.ndarray, intercepts: np.ndarray) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / MODEL_JSON).write_text(json.dumps({"format": FORMAT, **doc}, indent=1), encoding="utf-8")
        np.savez_compressed(folder / WEIGHTS, weights=weights.astype(np.float32), intercepts=intercepts.astype(np.float64))

    # -- features --------------------------------------------------------------------------------
    def accepts(self, features: WordFeatures | None) -> bool:
        """Were ``features`` computed with the word block these heads were trained on?"""
        return features is not None and features.vocabulary_sha256 == self.word_block["vocabulary_sha256"]

    def _word_block(self):
        if self._block is None:
            from complaint_insight.resources import model_path
            from complaint_insight.triage.triager import load_classifier

            name = self.word_block["classifier"]
            classifier = load_classifier(model_path(name) if "/" not in name else name)
            block = getattr(classifier, "word_block", None)
            if block is None or block.vocabulary_sha256 != self.word_block["vocabulary_sha256"]:
                raise artifacts.ArtifactError(
                    f"risk model {self.path}: the word features it was trained on ({name}) are not available; retrain it"
                )
            self._block = block
        return self._block

    def features(self, texts) -> WordFeatures:
        """Word features for texts the classifier has not featurised (or featurised differently)."""
        return self._word_block().features([clean_for_model(t) for t in texts])

    # -- heads -----------------------------------------------------------------------------------
    def decision(self, features: WordFeatures) -> np.ndarray:
        if not self.accepts(features):
            raise ValueError("word features from another vocabulary; use features() of this model")
        return features.dot(self.weights) + self.intercepts

    def flag_scores(self, features: WordFeatures, decision: np.ndarray | None = None) -> np.ndarray:
        """Decision scores ``(n, n_flags)``; a flag fires where score >= ``flag_threshold_``."""
        decision = self.decision(features) if decision is None else decision
        return decision[:, self._slices[0]]

    def _proba(self, decision: np.ndarray, part: slice, classes: tuple, levels: tuple) -> np.ndarray:
        z = decision[:, part]
        z = np.exp(z - z.max(axis=1, keepdims=True))
        proba = np.zeros((decision.shape[0], len(levels)))
        proba[:, [levels.index(c) for c in classes]] = z / z.sum(axis=1, keepdims=True)
        return proba

    def severity_proba(self, features: WordFeatures, decision: np.ndarray | None = None) -> np.ndarray:
        decision = self.decision(features) if decision is None else decision
        return self._proba(decision, self._slices[1], self.severity_classes_, SEVERITY_LEVELS)

    def intensity_proba(self, features: WordFeatures, decision: np.ndarray | None = None) -> np.ndarray:
        decision = self.decision(features) if decision is None else decision
        return self._proba(decision, self._slices[2], self.intensity_classes_, INTENSITY_LEVELS)

    def flag_cue(self, features: WordFeatures, row: int, flag_index: int) -> str | None:
        """The n-gram of one text that pushed one flag's score up the most (for the span)."""
        indices, values = features.row(row)
        if len(indices) == 0:
            return None
        contributions = values * self.weights[indices, flag_index]
        best = int(np.argmax(contributions))
        if contributions[best] <= 0:
            return None
        return self._word_block().vocabulary[int(indices[best])]
