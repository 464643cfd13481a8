"""Training the learned risk layer: red flags, HCAT severity and reproach intensity as linear heads.

The heads read the complaint classifier's TF-IDF word block (its vocabulary and IDF, unchanged), so
at triage time the classifier's features are reused and the heads cost one sparse-dense product
per batch (see ``risk_scorer.CompiledRiskModel``, which is what triage loads; no scikit-learn there):

- ``flags``: one logistic regression per red-flag type, each with a threshold chosen on
  out-of-fold scores so that at most ``max_false_alarm`` of training negatives would be flagged;
  it is a second opinion next to the rule layer (recall first, without flagging ordinary complaints);
- ``severity``: HCAT 0-3 (multinomial logistic regression; the prediction is the most probable level);
- ``intensity``: Jin & Aletras (2021) reproach levels, trained on the corpora that carry them.

Labels arrive as one DataFrame ``Y`` with a column per flag type (1/0, NaN when that row says
nothing about it), ``severity`` (0-3 or NaN) and ``intensity`` (level name or None), so each head
trains on the rows that label it. An optional boolean column ``calibrate`` marks the negatives the
flag thresholds are set on: the authored texts without any red flag (ordinary complaints, near
misses, negated and hypothetical mentions). Thousands of easy corpus negatives (tweets, reviews)
would otherwise set thresholds that flag a third of ordinary complaints.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.utils.validation import check_is_fitted

from complaint_insight import artifacts
from complaint_insight.text import clean_for_model
from complaint_insight.triage.risk_scorer import INTENSITY_LEVELS, KIND, SEVERITY_LEVELS, CompiledRiskModel

DEFAULT_WORD_BLOCK = "complaint-classifier"


def word_block(classifier: str = DEFAULT_WORD_BLOCK):
    """The word block (vocabulary, IDF, tokenisation) of a saved complaint classifier."""
    from complaint_insight.resources import model_path
    from complaint_insight.triage.scorer import CompiledComplaintScorer

    folder = Path(classifier) if "/" in classifier else model_path(classifier)
    block = CompiledComplaintScorer.load(folder).word_block
    if block is None:
        raise ValueError(f"{folder} has no word TF-IDF block to train risk heads on")
    return block


def word_matrix(block, texts) -> sparse.csr_matrix:
    """The block's normalised TF-IDF rows as a SciPy matrix (training only)."""
    features = block.features([clean_for_model(t) for t in texts])
    return sparse.csr_matrix((features.values, features.indices, features.indptr), shape=(len(features.indptr) - 1, block.width))


class RiskModel(BaseEstimator):
    """Red-flag, severity and intensity heads on a complaint classifier's word features.

    Parameters
    ----------
    flag_types : tuple of str
        Red-flag types to learn (columns of ``Y``).
    classifier : str
        Shipped model name or folder of the complaint classifier whose word block the heads read.
    C_flags, C_severity, C_intensity : float
        Inverse regularisation of each head's logistic regression.
    max_false_alarm : float
        Per flag type, the out-of-fold false-alarm rate the threshold allows on the calibration
        negatives (``Y["calibrate"]``; all negatives when that column is absent).
    cv : int
        Folds for the out-of-fold scores that set the flag thresholds.
    random_state : int
    """

    def __init__(self, flag_types: tuple[str, ...] = (), classifier: str = DEFAULT_WORD_BLOCK, C_flags: float = 4.0,
                 C_severity: float = 2.0, C_intensity: float = 2.0, max_false_alarm: float = 0.005, cv: int = 5,
                 random_state: int = 0):
        self.flag_types = flag_types
        self.classifier = classifier
        self.C_flags = C_flags
        self.C_severity = C_severity
        self.C_intensity = C_intensity
        self.max_false_alarm = max_false_alarm
        self.cv = cv
        self.random_state = random_state

    def fit(self, X, Y: pd.DataFrame):
        texts = list(X)
        if len(texts) != len(Y):
            raise ValueError(f"X has {len(texts)} texts but Y has {len(Y)} rows")
        block = word_block(self.classifier)
        features = word_matrix(block, texts)
        folds = StratifiedKFold(self.cv, shuffle=True, random_state=self.random_state)
        self.flag_types_ = tuple(self.flag_types)
        columns, intercepts, thresholds = [], [], []
        for flag in self.flag_types_:
            rows = Y[flag].notna().to_numpy()
            y = Y.loc[rows, flag].astype(int).to_numpy()
            head = LogisticRegression(C=self.C_flags, class_weight="balanced", max_iter=3000,
                                      random_state=self.random_state)
            scores = cross_val_predict(head, features[rows], y, cv=folds, method="decision_function")
            # The lowest threshold whose out-of-fold false-alarm rate stays within budget.
            calibrate = Y.loc[rows, "calibrate"].fillna(False).astype(bool).to_numpy() if "calibrate" in Y else True
            negatives = np.sort(scores[(y == 0) & calibrate])[::-1]
            allowed = int(np.floor(self.max_false_alarm * len(negatives)))
            thresholds.append(float(negatives[allowed]) + 1e-6 if len(negatives) > allowed else float(scores.min()))
            head.fit(features[rows], y)
            columns.append(head.coef_[0])
            intercepts.append(head.intercept_[0])
        sev_rows = Y["severity"].notna().to_numpy()
        severity = LogisticRegression(C=self.C_severity, class_weight="balanced", max_iter=3000,
                                      random_state=self.random_state)
        severity.fit(features[sev_rows], Y.loc[sev_rows, "severity"].astype(int).to_numpy())
        int_rows = Y["intensity"].notna().to_numpy()
        unknown = set(Y.loc[int_rows, "intensity"]) - set(INTENSITY_LEVELS)
        if unknown:
            raise ValueError(f"unknown intensity labels {sorted(unknown)}; use {INTENSITY_LEVELS}")
        intensity = LogisticRegression(C=self.C_intensity, class_weight="balanced", max_iter=3000,
                                       random_state=self.random_state)
        intensity.fit(features[int_rows], Y.loc[int_rows, "intensity"].to_numpy())
        for head in (severity, intensity):
            if len(head.classes_) < 3:
                raise ValueError("severity and intensity need at least three classes each in the training labels")
        weights = np.column_stack([*columns, severity.coef_.T, intensity.coef_.T]) if columns else \
            np.column_stack([severity.coef_.T, intensity.coef_.T])
        self.weights_ = weights.astype(np.float32)
        self.intercepts_ = np.concatenate([intercepts, severity.intercept_, intensity.intercept_]).astype(np.float64)
        self.flag_threshold_ = np.asarray(thresholds, dtype=np.float64)
        self.severity_classes_ = tuple(int(c) for c in severity.classes_)
        self.intensity_classes_ = tuple(str(c) for c in intensity.classes_)
        self.word_block_ = {"classifier": self.classifier, "vocabulary_sha256": block.vocabulary_sha256,
                            "width": block.width}
        return self

    def _doc(self) -> dict:
        return {"flag_types": list(self.flag_types_), "flag_thresholds": self.flag_threshold_.tolist(),
                "severity_classes": list(self.severity_classes_), "intensity_classes": list(self.intensity_classes_),
                "word_block": self.word_block_, "params": self.get_params()}

    def compiled(self) -> CompiledRiskModel:
        """The NumPy scorer for these heads (what triage uses)."""
        check_is_fitted(self, "weights_")
        return CompiledRiskModel(self._doc(), self.weights_, self.intercepts_)

    # Inference, for use as an estimator; each call featurises the texts with the classifier's block.
    def severity_proba(self, X) -> np.ndarray:
        model = self.compiled()
        return model.severity_proba(model.features(X))

    def intensity_proba(self, X) -> np.ndarray:
        model = self.compiled()
        return model.intensity_proba(model.features(X))

    def predict(self, X) -> np.ndarray:
        """Most probable HCAT severity level per text."""
        return np.asarray(SEVERITY_LEVELS)[self.severity_proba(X).argmax(axis=1)]

    def save(self, folder: str | Path, *, recipe: str = "", card: str | None = None, metrics: dict | None = None) -> Path:
        check_is_fitted(self, "weights_")
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        for stale in folder.glob("*.skops"):  # the old format; the manifest must list only what loads
            stale.unlink()
        CompiledRiskModel.write(folder, self._doc(), self.weights_, self.intercepts_)
        if card is not None:
            (folder / "MODEL_CARD.md").write_text(card, encoding="utf-8")
        if metrics is not None:
            artifacts.write_json(folder / "metrics.json", metrics)
        artifacts.write_manifest(folder, kind=KIND, recipe=recipe, extra={"flag_types": list(self.flag_types_)})
        return folder

    @staticmethod
    def load(folder: str | Path) -> CompiledRiskModel:
        return CompiledRiskModel.load(folder)


def training_frame(flag_types: tuple[str, ...], split: str = "train", corpora: tuple[str, ...] = ("xfincorp", "cesamard"),
                   intensity_rows: pd.DataFrame | None = None) -> tuple[list[str], pd.DataFrame]:
    """Texts and the label frame ``Y`` the recipe trains on (authored ``split`` rows + corpora).

    Red flags: the authored red-flag, ordinary and complaint examples; corpus rows are extra
    negatives (NHS FFT is kept out, so its flag rate stays an honest sanity check). Severity: the
    authored risk rows, the HCAT examples (overall = the highest category severity) and the
    authored non-complaints (0). Intensity: ``intensity_rows`` (default: all rows of ``corpora``).
    """
    from complaint_insight.datasets import load_authored, load_corpus

    frames = []
    risk = load_authored("risk", split=split)
    for flag in flag_types:
        risk[flag] = risk["flags"].map(lambda fs, f=flag: float(f in fs))
    frames.append(risk.assign(intensity=None, calibrate=risk["flags"].map(len) == 0))
    hcat = load_authored("taxonomy", "hcat_examples.jsonl", split=split)
    frames.append(pd.DataFrame({"text": hcat["text"], "severity": hcat["hcat"].map(lambda d: max(d.values()) if d else 0)}))
    complaints = load_authored("complaints", split=split)
    complaints = complaints[~complaints.get("needs_human_reader", pd.Series(False, index=complaints.index)).fillna(False).astype(bool)]
    extra = complaints.assign(**{f: 0.0 for f in flag_types}, calibrate=True)
    extra["severity"] = np.where(extra["label"] == 0, 0.0, np.nan)
    frames.append(extra[["text", *flag_types, "severity", "calibrate"]])
    if corpora:
        corpus = pd.concat([load_corpus(c) for c in corpora], ignore_index=True)
        frames.append(corpus[["text"]].assign(**{f: 0.0 for f in flag_types}))
    if intensity_rows is None:
        intensity_rows = pd.concat([load_corpus(c) for c in corpora], ignore_index=True) if corpora else None
    if intensity_rows is not None:
        frames.append(intensity_rows[["text", "intensity"]])
    data = pd.concat(frames, ignore_index=True)
    for column in (*flag_types, "severity"):
        if column not in data:
            data[column] = np.nan
    if "intensity" not in data:
        data["intensity"] = None
    data["intensity"] = data["intensity"].where(data["intensity"].notna(), None)
    data["calibrate"] = data["calibrate"].fillna(False).astype(bool) if "calibrate" in data else False
    return data["text"].astype(str).tolist(), data[[*flag_types, "severity", "intensity", "calibrate"]].reset_index(drop=True)
