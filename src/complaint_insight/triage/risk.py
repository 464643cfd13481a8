"""Risk assessment of readable English texts: red flags (rules + learned), severity and intensity.

Recall comes first: a red flag is raised when either the rule layer or the learned layer fires.
The rules carry the negation and hypothetical handling and give exact spans; the learned layer is
a second opinion whose thresholds are set so that ordinary complaints are rarely flagged (see
``RiskModel``). It never removes a rule flag.

Speed: the learned heads reuse the complaint classifier's word features when the caller passes them
(``Triager`` does), and nothing here imports scikit-learn, pandas or (until a text needs it) spaCy.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from complaint_insight.triage.policy import Policy
from complaint_insight.triage.result import RedFlag, Span
from complaint_insight.triage.risk_scorer import INTENSITY_LEVELS, CompiledRiskModel
from complaint_insight.triage.rules import RedFlagRules
from complaint_insight.triage.scorer import WordFeatures

_LOCK = threading.Lock()
_MODELS: dict[str, CompiledRiskModel] = {}
_RULES: dict[str, RedFlagRules] = {}
DEFAULT_RISK_MODEL = "risk-model"


def load_risk_model(path: str | Path | None = None) -> CompiledRiskModel:
    """Load (once per process) the shipped risk model or one saved with ``RiskModel.save``."""
    from complaint_insight.resources import model_path

    key = str(path or model_path(DEFAULT_RISK_MODEL))
    with _LOCK:
        if key not in _MODELS:
            _MODELS[key] = CompiledRiskModel.load(key)
        return _MODELS[key]


def load_rules(patterns: str | Path | None = None) -> RedFlagRules:
    """Compile (once per process) the shipped red-flag patterns or a folder of your own."""
    key = str(patterns or "")
    with _LOCK:
        if key not in _RULES:
            _RULES[key] = RedFlagRules(patterns)
        return _RULES[key]


@dataclass
class RiskFinding:
    red_flags: list[RedFlag]
    model_severity: int
    intensity_proba: np.ndarray  # over INTENSITY_LEVELS


def _span_of(text: str, phrase: str | None) -> Span | None:
    if not phrase:
        return None
    words = phrase.split()
    match = re.search(r"\b" + r"\W+".join(map(re.escape, words)) + r"\b", text, re.I)
    return Span(start=match.start(), end=match.end(), text=match.group()) if match else None


class RiskAssessor:
    """Red flags, model severity and intensity probabilities for a batch of readable texts."""

    def __init__(self, policy: Policy, *, patterns: str | Path | None = None, model=None):
        self.policy = policy
        self.rules = load_rules(patterns)
        if model is None or isinstance(model, (str, Path)):
            self.model = load_risk_model(model)
        elif isinstance(model, CompiledRiskModel):
            self.model = model
        elif hasattr(model, "compiled"):  # a fitted RiskModel estimator
            self.model = model.compiled()
        else:
            raise TypeError(f"risk model must be a RiskModel, a saved model folder or None, got {type(model).__name__}")

    def assess(self, texts: list[str], words: WordFeatures | None = None) -> list[RiskFinding]:
        """Risk of each text; ``words``: the classifier's word features of these texts, if at hand."""
        if not texts:
            return []
        hits = self.rules.find(texts)
        features = words if self.model.accepts(words) else self.model.features(texts)
        decision = self.model.decision(features)
        fired = self.model.flag_scores(features, decision) >= self.model.flag_threshold_
        severity = self.model.severity_proba(features, decision).argmax(axis=1)
        intensity = self.model.intensity_proba(features, decision)
        findings = []
        any_fired = fired.any(axis=1).tolist()
        severity_levels = severity.tolist()
        for i, text in enumerate(texts):
            if not hits[i] and not any_fired[i]:  # most texts: nothing to route
                findings.append(RiskFinding([], severity_levels[i], intensity[i]))
                continue
            flags: dict[str, RedFlag] = {}
            for hit in hits[i]:
                if hit.flag not in flags:
                    route = self.policy.route_for(hit.flag)
                    flags[hit.flag] = RedFlag(type=hit.flag, label=route.label, route=f"{route.route} ({route.when})",
                                              span=Span(start=hit.start, end=hit.end, text=hit.text), source="rule")
            for j in np.flatnonzero(fired[i]):
                flag = self.model.flag_types_[j]
                if flag not in flags and flag in self.policy.routes:
                    route = self.policy.routes[flag]
                    flags[flag] = RedFlag(type=flag, label=route.label, route=f"{route.route} ({route.when})",
                                          span=_span_of(text, self.model.flag_cue(features, i, j)), source="model")
            ordered = sorted(flags.values(), key=lambda f: (-self.policy.routes[f.type].severity_floor, f.type))
            findings.append(RiskFinding(ordered, severity_levels[i], intensity[i]))
        return findings


def intensity_label(proba: np.ndarray, is_complaint: int) -> str:
    """``none`` for non-complaints (the complaint classifier decides that); else the likeliest reproach level."""
    if not is_complaint:
        return "none"
    complaint_levels = np.asarray(proba[1:])
    return INTENSITY_LEVELS[1 + int(complaint_levels.argmax())]


def intensity_labels(proba: np.ndarray, is_complaint: np.ndarray) -> list[str]:
    """``intensity_label`` of every row of ``proba`` at once (same labels)."""
    proba = np.asarray(proba)
    if len(proba) == 0:
        return []
    top = (1 + proba[:, 1:].argmax(axis=1)).tolist()
    return [INTENSITY_LEVELS[t] if c else "none" for t, c in zip(top, np.asarray(is_complaint).tolist())]
