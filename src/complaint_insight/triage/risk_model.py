"""The learned risk layer: red flags, HCAT severity and reproach intensity from one shared featuriser.

One TF-IDF word 1-2-gram vectoriser feeds three linear heads, so a batch is tokenised once
(the risk layer has a budget of about 0.1 ms per text):

- ``flags``: one logistic regression per red-flag type, each with a threshold chosen on
  out-of-fold scores so that at most ``max_false_alarm`` of training negatives would be flagged;
  it backs up the rule layer (recall first, without flagging ordinary complaints);
- ``severity``: HCAT 0-3 (multinomial logistic regression; the prediction is the most probable level);
- ``intensity``: Jin & Aletras (2021) reproach levels, trained on the corpora that carry them.

Labels arrive as one DataFrame ``Y`` with a column per flag type (1/0, NaN when that row says
nothing about it), ``severity`` (0-3 or NaN) and ``intensity`` (level name or None), so each head
trains on the rows that label it.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.utils.validation import check_is_fitted

from complaint_insight import artifacts
from complaint_insight.datasets import INTENSITY_LEVELS
from complaint_insight.text import clean_for_model

KIND = "risk-model"
MODEL_FILE = "risk_model.skops"
SEVERITY_LEVELS = (0, 1, 2, 3)


def make_vectorizer(min_df: int = 2, max_features: int = 60_000) -> TfidfVectorizer:
    return TfidfVectorizer(ngram_range=(1, 2), min_df=min_df, max_features=max_features, sublinear_tf=True,
                           dtype=np.float32)


class RiskModel(BaseEstimator):
    """Shared TF-IDF features with red-flag, severity and intensity heads.

    Parameters
    ----------
    flag_types : tuple of str
        Red-flag types to learn (columns of ``Y``).
    C_flags, C_severity, C_intensity : float
        Inverse regularisation of each head's logistic regression.
    max_false_alarm : float
        Per flag type, the out-of-fold false-alarm rate on training negatives the threshold allows.
    min_df, max_features : int
        Vocabulary pruning of the shared vectoriser.
    cv : int
        Folds for the out-of-fold scores that set the flag thresholds.
    random_state : int
    """

    def __init__(self, flag_types: tuple[str, ...] = (), C_flags: float = 4.0, C_severity: float = 2.0,
                 C_intensity: float = 2.0, max_false_alarm: float = 0.005, min_df: int = 2,
                 max_features: int = 60_000, cv: int = 5, random_state: int = 0):
        self.flag_types = flag_types
        self.C_flags = C_flags
        self.C_severity = C_severity
        self.C_intensity = C_intensity
        self.max_false_alarm = max_false_alarm
        self.min_df = min_df
        self.max_features = max_features
        self.cv = cv
        self.random_state = random_state

    def fit(self, X, Y: pd.DataFrame):
        texts = [clean_for_model(t) for t in X]
        if len(texts) != len(Y):
            raise ValueError(f"X has {len(texts)} texts but Y has {len(Y)} rows")
        self.vectorizer_ = make_vectorizer(self.min_df, self.max_features).fit(texts)
        if hasattr(self.vectorizer_, "stop_words_"):  # only for inspection; would bloat the saved model
            del self.vectorizer_.stop_words_
        features = self.vectorizer_.transform(texts)
        folds = StratifiedKFold(self.cv, shuffle=True, random_state=self.random_state)
        self.flag_types_ = tuple(self.flag_types)
        coefs, intercepts, thresholds = [], [], []
        for flag in self.flag_types_:
            rows = Y[flag].notna().to_numpy()
            y = Y.loc[rows, flag].astype(int).to_numpy()
            head = LogisticRegression(C=self.C_flags, class_weight="balanced", max_iter=3000,
                                      random_state=self.random_state)
            scores = cross_val_predict(head, features[rows], y, cv=folds, method="decision_function")
            # The lowest threshold whose out-of-fold false-alarm rate stays within budget.
            negatives = np.sort(scores[y == 0])[::-1]
            allowed = int(np.floor(self.max_false_alarm * len(negatives)))
            thresholds.append(float(negatives[allowed]) + 1e-6 if len(negatives) > allowed else float(scores.min()))
            head.fit(features[rows], y)
            coefs.append(head.coef_[0])
            intercepts.append(head.intercept_[0])
        self.flag_coef_ = np.asarray(coefs, dtype=np.float32).reshape(len(self.flag_types_), -1)
        self.flag_intercept_ = np.asarray(intercepts, dtype=np.float32)
        self.flag_threshold_ = np.asarray(thresholds, dtype=np.float32)
        sev_rows = Y["severity"].notna().to_numpy()
        self.severity_ = LogisticRegression(C=self.C_severity, class_weight="balanced", max_iter=3000,
                                            random_state=self.random_state)
        self.severity_.fit(features[sev_rows], Y.loc[sev_rows, "severity"].astype(int).to_numpy())
        int_rows = Y["intensity"].notna().to_numpy()
        unknown = set(Y.loc[int_rows, "intensity"]) - set(INTENSITY_LEVELS)
        if unknown:
            raise ValueError(f"unknown intensity labels {sorted(unknown)}; use {INTENSITY_LEVELS}")
        self.intensity_ = LogisticRegression(C=self.C_intensity, class_weight="balanced", max_iter=3000,
                                             random_state=self.random_state)
        self.intensity_.fit(features[int_rows], Y.loc[int_rows, "intensity"].to_numpy())
        return self

    # -- inference ---------------------------------------------------------------------------
    def features(self, texts) -> "np.ndarray":
        check_is_fitted(self, "vectorizer_")
        return self.vectorizer_.transform([clean_for_model(t) for t in texts])

    def flag_scores(self, features) -> np.ndarray:
        """Decision scores ``(n, n_flags)``; a flag fires where score >= ``flag_threshold_``."""
        return np.asarray(features @ self.flag_coef_.T) + self.flag_intercept_

    def flag_cue(self, features, row: int, flag_index: int) -> str | None:
        """The n-gram of one text that pushed one flag's score up the most (for the span)."""
        vector = features[row]
        if vector.nnz == 0:
            return None
        contributions = vector.data * self.flag_coef_[flag_index, vector.indices]
        best = int(np.argmax(contributions))
        if contributions[best] <= 0:
            return None
        return self._vocabulary()[vector.indices[best]]

    def _vocabulary(self) -> np.ndarray:
        if getattr(self, "_names", None) is None:
            self._names = self.vectorizer_.get_feature_names_out()
        return self._names

    def severity_proba(self, features) -> np.ndarray:
        proba = np.zeros((features.shape[0], len(SEVERITY_LEVELS)))
        proba[:, [SEVERITY_LEVELS.index(int(c)) for c in self.severity_.classes_]] = self.severity_.predict_proba(features)
        return proba

    def intensity_proba(self, features) -> np.ndarray:
        proba = np.zeros((features.shape[0], len(INTENSITY_LEVELS)))
        proba[:, [INTENSITY_LEVELS.index(c) for c in self.intensity_.classes_]] = self.intensity_.predict_proba(features)
        return proba

    # -- persistence --------------------------------------------------------------------------
    def __getstate__(self):
        # skops stores a dict key by key, so a 60,000-term vocabulary took ~30 s to load; the terms
        # as one array (index order) and the idf weights load in well under a second.
        state = dict(super().__getstate__())
        state.pop("_names", None)
        vectorizer = state.pop("vectorizer_", None)
        if vectorizer is not None:
            state["vectorizer_terms_"] = np.asarray(vectorizer.get_feature_names_out(), dtype=str)
            state["vectorizer_idf_"] = np.asarray(vectorizer.idf_, dtype=np.float64)
        return state

    def __setstate__(self, state):
        state = dict(state)
        terms = state.pop("vectorizer_terms_", None)
        idf = state.pop("vectorizer_idf_", None)
        super().__setstate__(state)
        if terms is not None:
            vectorizer = make_vectorizer(self.min_df, self.max_features)
            vectorizer.vocabulary_ = {term: i for i, term in enumerate(terms.tolist())}
            vectorizer.idf_ = idf
            self.vectorizer_ = vectorizer

    def save(self, folder: str | Path, *, recipe: str = "", card: str | None = None, metrics: dict | None = None) -> Path:
        check_is_fitted(self, "vectorizer_")
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        artifacts.dump_estimator(self, folder / MODEL_FILE)
        if card is not None:
            (folder / "MODEL_CARD.md").write_text(card, encoding="utf-8")
        if metrics is not None:
            artifacts.write_json(folder / "metrics.json", metrics)
        artifacts.write_manifest(folder, kind=KIND, recipe=recipe, extra={"flag_types": list(self.flag_types_)})
        return folder

    @classmethod
    def load(cls, folder: str | Path) -> "RiskModel":
        folder = Path(folder)
        artifacts.verify(folder, kind=KIND)
        model = artifacts.load_estimator(folder / MODEL_FILE)
        if not isinstance(model, cls):
            raise artifacts.ArtifactError(f"{folder} does not hold a RiskModel")
        return model


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
    frames.append(risk.assign(intensity=None))
    hcat = load_authored("taxonomy", "hcat_examples.jsonl", split=split)
    frames.append(pd.DataFrame({"text": hcat["text"], "severity": hcat["hcat"].map(lambda d: max(d.values()) if d else 0)}))
    complaints = load_authored("complaints", split=split)
    complaints = complaints[~complaints.get("needs_human_reader", pd.Series(False, index=complaints.index)).fillna(False).astype(bool)]
    extra = complaints.assign(**{f: 0.0 for f in flag_types})
    extra["severity"] = np.where(extra["label"] == 0, 0.0, np.nan)
    frames.append(extra[["text", *flag_types, "severity"]])
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
    return data["text"].astype(str).tolist(), data[[*flag_types, "severity", "intensity"]].reset_index(drop=True)
