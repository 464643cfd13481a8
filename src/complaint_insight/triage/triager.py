"""The triage facade: text(s) or a DataFrame in, results out, rows never dropped or reordered."""
from __future__ import annotations

import gc
import threading
import warnings
from contextlib import contextmanager
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from typing import TYPE_CHECKING

import numpy as np

from complaint_insight.errors import InputError
from complaint_insight.text import MAX_MODEL_CHARS, coerce_text
from complaint_insight.triage.cues import cue_spans_many
from complaint_insight.triage.policy import NEEDS_HUMAN_READER, Policy, load_policy
from complaint_insight.triage.prompt import build_prompt
from complaint_insight.triage.reading import reading_status
from complaint_insight.triage.result import (ROW_COLUMNS, RedFlag, TriageResult, construct_model, construct_result,
                                             rows_columns)
from complaint_insight.triage.risk import RiskAssessor, RiskFinding, intensity_labels

if TYPE_CHECKING:  # pandas and scikit-learn load only when a caller needs them
    import pandas as pd

    from complaint_insight.triage.classifier import ComplaintClassifier
    from complaint_insight.triage.risk_model import RiskModel

_DEFAULT_LOCK = threading.Lock()
# Batches of at least this many texts run with the cyclic garbage collector paused (see below).
PAUSE_GC_ROWS = 1_000
# A long batch is scored this many rows at a time: the batch arrays of a few thousand rows stay in
# the CPU cache, and 100,000 rows in one go took ~15% more CPU per row than in blocks of 5,000.
SERIAL_BLOCK_ROWS = 5_000


@contextmanager
def _collector_paused():
    """Pause Python's cyclic garbage collector for one batch, then restore it.

    A batch allocates millions of short-lived objects (token lists, results) that reference
    counting frees at once; none forms a cycle. The cyclic collector still walks the young ones
    every 700 allocations, which cost ~10% of batch triage. Memory is unaffected; if another thread
    had already paused it, it stays as that thread left it.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
_LOADED: dict[str, Any] = {}


def load_classifier(path: str | Path | None = None):
    """Load (once per process) the shipped classifier, or one saved with ``ComplaintClassifier.save``.

    Returns the light :class:`~complaint_insight.triage.scorer.CompiledComplaintScorer` when the
    model's feature blocks are compiled (the default's are), else the scikit-learn estimator.
    """
    from complaint_insight.resources import DEFAULT_CLASSIFIER, model_path
    from complaint_insight.triage.scorer import CompiledComplaintScorer

    key = str(path or model_path(DEFAULT_CLASSIFIER))
    with _DEFAULT_LOCK:
        if key not in _LOADED:
            try:
                _LOADED[key] = CompiledComplaintScorer.load(key)
            except NotImplementedError:
                from complaint_insight.triage.classifier import ComplaintClassifier

                _LOADED[key] = ComplaintClassifier.load(key)
        return _LOADED[key]


class Triager:
    """Assess feedback: complaint or not (calibrated), plus risk, cues and a staff prompt.

    Parameters
    ----------
    classifier : fitted ComplaintClassifier, model folder path, or None
        ``None`` loads the shipped default from ``models/complaint-classifier``.
    threshold : float or None
        Probability at or above which a text is treated as a complaint. ``None`` uses the
        classifier's own (0.5 for the shipped model: its probabilities are calibrated).
    policy : path, Policy or None
        Routes, timescales and prompt wording (default: ``triage/policy/default.yaml``); a file
        only needs the parts it changes.
    patterns : path or None
        Folder of red-flag pattern files (default: the shipped ``triage/patterns``).
    risk_model : RiskModel, CompiledRiskModel, path or None
        Learned red flags, severity and intensity (default: ``models/risk-model``).
    n_jobs : int or None
        Worker processes for large batches (joblib; ``-1`` = all cores). Batches smaller than
        ``MIN_ROWS_PER_JOB`` per worker run in this process. Results are identical either way. The
        workers are joblib's reusable loky pool: started by the first large batch, kept for later ones,
        and each loads the models once (they are sent to it by path).
    """

    MIN_ROWS_PER_JOB = 5_000
    MAX_ROWS_PER_TASK = 10_000

    def __init__(
        self,
        classifier: "ComplaintClassifier | str | Path | None" = None,
        *,
        threshold: float | None = None,
        policy: "Policy | str | Path | None" = None,
        patterns: str | Path | None = None,
        risk_model: "RiskModel | str | Path | None" = None,
        n_jobs: int | None = None,
    ):
        if classifier is None or isinstance(classifier, (str, Path)):
            classifier = load_classifier(classifier)
        elif not hasattr(classifier, "predict_proba"):
            raise TypeError(f"classifier must be a fitted ComplaintClassifier or a model folder, got {type(classifier).__name__}")
        self.classifier = classifier
        if threshold is not None and not 0.0 <= float(threshold) <= 1.0:
            raise ValueError(f"threshold must be between 0 and 1, got {threshold}")
        self.threshold = float(classifier.threshold if threshold is None else threshold)
        self.policy = load_policy(policy)
        self.risk = RiskAssessor(self.policy, patterns=patterns, model=risk_model)
        load_policy(self.policy, flags=self.risk.rules.flags)  # every flag the patterns raise needs a route
        self.n_jobs = n_jobs

    def _n_workers(self, rows: int) -> int:
        import os

        if self.n_jobs in (None, 0, 1):
            return 1
        cores = os.cpu_count() or 1
        wanted = cores if self.n_jobs < 0 else min(self.n_jobs, cores)
        return max(1, min(wanted, rows // self.MIN_ROWS_PER_JOB))

    def _task_bounds(self, rows: int, workers: int) -> list[int]:
        """Row bounds of the worker tasks: at most MAX_ROWS_PER_TASK rows each, in order.

        Bounded tasks keep a worker's memory from growing by hundreds of MB, after which joblib's
        loky executor replaces the worker (and the new one loads the models again); several tasks
        per worker also even out the load.
        """
        tasks = max(workers, -(-rows // self.MAX_ROWS_PER_TASK))
        return [rows * k // tasks for k in range(tasks + 1)]

    def _serial(self) -> "Triager":
        """A copy that runs in-process: what each worker runs on its share of a batch."""
        serial = Triager.__new__(Triager)
        serial.__dict__.update(self.__dict__)
        serial.n_jobs = 1
        return serial

    # -- single text -----------------------------------------------------------------------
    def assess(self, text: Any, *, id: Any = None) -> TriageResult:
        return self.assess_many([text], ids=[id])[0]

    # -- batch -------------------------------------------------------------------------------
    def assess_many(self, texts: Iterable[Any], ids: Sequence[Any] | None = None) -> list[TriageResult]:
        if isinstance(texts, (str, bytes)):
            raise TypeError("assess_many expects a sequence of texts; use assess() for one text")
        labels = list(ids) if ids is not None else None
        texts = list(texts)
        if labels is not None and len(labels) != len(texts):
            raise ValueError(f"got {len(texts)} texts but {len(labels)} ids")
        workers = self._n_workers(len(texts))
        if workers > 1:
            from joblib import Parallel, delayed

            bounds = self._task_bounds(len(texts), workers)
            serial = self._serial()
            chunks = Parallel(n_jobs=workers)(
                delayed(serial.assess_many)(texts[a:b], ids=None if labels is None else labels[a:b])
                for a, b in zip(bounds, bounds[1:])
            )
            return [result for chunk in chunks for result in chunk]
        if len(texts) < PAUSE_GC_ROWS:
            return self._assess_serial(texts, labels)
        # Every row's result depends on that row alone, so blocks change nothing but speed.
        results: list[TriageResult] = []
        with _collector_paused():
            for a in range(0, len(texts), SERIAL_BLOCK_ROWS):
                b = a + SERIAL_BLOCK_ROWS
                part = None if labels is None else labels[a:b]
                results.extend(self._assess_serial(texts[a:b], part, first_row=a))
        return results

    def _assess_serial(self, texts: list[Any], labels: list[Any] | None,
                       first_row: int = 0) -> list[TriageResult]:
        # Errors name the row: its label, else its number in the whole batch.
        names = labels if labels is not None else range(first_row, first_row + len(texts))
        strings = [coerce_text(t, row=name) for t, name in zip(texts, names)]
        statuses = [reading_status(s) for s in strings]
        scorable = [i for i, st in enumerate(statuses) if st == "ok"]
        probabilities = np.full(len(strings), np.nan)
        findings: dict[int, RiskFinding] = {}
        if scorable:
            batch = [strings[i] for i in scorable]
            words = None
            if hasattr(self.classifier, "predict_proba_with_words"):  # the risk heads reuse its word features
                proba, words = self.classifier.predict_proba_with_words(batch)
            else:
                proba = self.classifier.predict_proba(batch)
            probabilities[scorable] = proba[:, 1]
            # The risk layer reads what the classifier reads: the first MAX_MODEL_CHARS characters
            # (spaCy refuses texts over 1M characters, and a flag deep in a huge paste is flagged "truncated").
            findings = dict(zip(scorable, self.risk.assess([s[:MAX_MODEL_CHARS] for s in batch], words)))
        severity_labels = self.policy.severity_labels
        threshold = self.threshold
        policy = self.policy
        # Decisions, cues and intensity labels for the whole batch, then one light pass per row.
        complaint_rows = [i for i in scorable if probabilities[i] >= threshold]
        cues_of = dict(zip(complaint_rows, cue_spans_many([strings[i] for i in complaint_rows], self.classifier)))
        intensity_of = {}
        if complaint_rows:
            levels = np.stack([findings[i].intensity_proba for i in complaint_rows])
            intensity_of = dict(zip(complaint_rows, intensity_labels(levels, np.ones(len(complaint_rows), dtype=int))))
        construct = construct_result  # every field below is built here from validated parts
        plain: dict[tuple[str, int], str] = {}

        def plain_prompt(status: str, is_complaint: int) -> str:
            # Without cues or red flags the prompt depends on these two only: one string object
            # shared by all such rows (less memory, and pickled once when sent between processes).
            prompt = plain.get((status, is_complaint))
            if prompt is None:
                prompt = plain[status, is_complaint] = build_prompt(policy, status=status, is_complaint=is_complaint,
                                                                    cues=[], red_flags=[])
            return prompt

        results = []
        for i, text in enumerate(strings):
            status = statuses[i]
            cues, red_flags = [], []
            if status == "ok":
                p = float(probabilities[i])
                is_complaint = int(p >= threshold)
                finding = findings[i]
                red_flags = finding.red_flags
                if is_complaint:
                    cues = cues_of[i]
                severity, reason = self._severity(finding, is_complaint)
                intensity = intensity_of[i] if is_complaint else "none"
            elif status == "empty":
                p, is_complaint = 0.0, 0  # an empty answer expresses nothing
                severity, reason, intensity = 0, "no feedback content", "none"
            else:
                p, is_complaint = None, 0  # no guess: a person has to read it
                severity, reason, intensity = None, None, None
                route = policy.route_for(NEEDS_HUMAN_READER)
                red_flags = [construct_model(RedFlag, type=NEEDS_HUMAN_READER, label=route.label,
                                                     route=f"{route.route} ({route.when})", span=None, source="input")]
            results.append(
                construct(
                    id=labels[i] if labels is not None else None,
                    is_complaint=is_complaint,
                    complaint_probability=p,
                    threshold=threshold,
                    status=status,
                    needs_human_reader=status in ("unreadable", "non_english"),
                    truncated=len(text) > MAX_MODEL_CHARS,
                    red_flags=red_flags,
                    severity=severity,
                    severity_label=severity_labels[severity] if severity is not None else None,
                    severity_reason=reason,
                    intensity=intensity,
                    cues=cues,
                    prompt=plain_prompt(status, is_complaint) if not (cues or red_flags) else
                    build_prompt(policy, status=status, is_complaint=is_complaint, cues=cues, red_flags=red_flags),
                )
            )
        return results

    def _severity(self, finding: RiskFinding, is_complaint: int) -> tuple[int, str]:
        """HCAT level and a short reason: a red flag sets a floor, the learned model does the rest."""
        level = finding.model_severity
        floors = [(self.policy.route_for(f.type).severity_floor, f) for f in finding.red_flags]
        top = max(floors, key=lambda x: x[0]) if floors else None
        if top is not None and top[0] >= level:
            flag = top[1]
            quoted = f" (\u201c{flag.span.text}\u201d)" if flag.span is not None else ""
            return top[0], f"red flag: {flag.label}{quoted}"
        if not is_complaint and level > 1:
            level = 1  # the complaint classifier found no dissatisfaction; do not call it serious
        if level == 0:
            return 0, "no problem described" if not is_complaint else "no harm or risk described"
        described = {1: "a service problem without lasting harm", 2: "a problem with some impact on the person",
                     3: "serious impact or harm described"}[level]
        return level, f"model: {described}"

    def assess_frame(
        self, frame: "pd.DataFrame", text_column: str = "text", id_column: str | None = None
    ) -> "pd.DataFrame":
        """Return ``frame`` (same rows, order, index and columns) with the triage columns added."""
        import pandas as pd

        if not isinstance(frame, pd.DataFrame):
            raise TypeError(f"expected a pandas DataFrame, got {type(frame).__name__}")
        for name, column in (("text", text_column), ("id", id_column)):
            if column is not None and column not in frame.columns:
                raise InputError(
                    f"{name} column {column!r} not found; available columns: {', '.join(map(str, frame.columns))}"
                )
        workers = self._n_workers(len(frame))
        if workers > 1:
            from joblib import Parallel, delayed

            bounds = self._task_bounds(len(frame), workers)
            serial = self._serial()
            rows = pd.concat(
                Parallel(n_jobs=workers)(
                    delayed(serial._triage_rows)(frame.iloc[a:b], text_column, id_column)
                    for a, b in zip(bounds, bounds[1:])
                )
            )
        else:
            rows = self._triage_rows(frame, text_column, id_column)
        clashes = [c for c in rows.columns if c in frame.columns]
        if clashes:
            warnings.warn(f"replacing existing column(s) {clashes} with new triage results", stacklevel=2)
        out = frame.drop(columns=clashes).copy() if clashes else frame.copy()
        for column in rows.columns:
            out[column] = rows[column].to_numpy()
        return out

    def _triage_rows(self, frame: "pd.DataFrame", text_column: str, id_column: str | None) -> "pd.DataFrame":
        import pandas as pd

        ids = frame[id_column].tolist() if id_column else [f"index {i!r}" for i in frame.index]
        results = self.assess_many(frame[text_column].tolist(), ids=ids)
        return pd.DataFrame(rows_columns(results), index=frame.index, columns=list(ROW_COLUMNS))


_DEFAULT_TRIAGER: Triager | None = None


def _default_triager() -> Triager:
    global _DEFAULT_TRIAGER
    if _DEFAULT_TRIAGER is None:
        _DEFAULT_TRIAGER = Triager()
    return _DEFAULT_TRIAGER


def triage(text: Any, *, id: Any = None) -> TriageResult:
    """Assess one piece of feedback with the shipped default models."""
    return _default_triager().assess(text, id=id)


def triage_frame(frame: "pd.DataFrame", text_column: str = "text", id_column: str | None = None) -> "pd.DataFrame":
    """Assess every row of a DataFrame with the shipped default models (rows kept as they are)."""
    return _default_triager().assess_frame(frame, text_column=text_column, id_column=id_column)

