"""Recall and precision of the redactor against labelled sentences (training_data/privacy/*.jsonl)."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

from pydantic import BaseModel, Field

from complaint_insight.privacy.redact import find_personal_data
from complaint_insight.privacy.spans import TYPES, PersonalDataSpan


class LabelledCase(BaseModel):
    id: str
    text: str
    spans: list[PersonalDataSpan] = Field(default_factory=list)


class TypeScore(BaseModel):
    """Scores for one type. Span scores count a hit when a span of the same type overlaps."""

    type: str
    gold: int
    predicted: int
    span_recall: float | None
    span_precision: float | None
    exact_recall: float | None = Field(description="gold spans found with exactly the same boundaries")
    char_recall: float | None = Field(description="share of gold characters covered by any redaction")
    char_precision: float | None = Field(description="share of redacted characters inside a gold span of any type")


def load_cases(path: str | Path) -> list[LabelledCase]:
    cases = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            case = LabelledCase.model_validate_json(line)
            for span in case.spans:
                if span.end > len(case.text):
                    raise ValueError(f"{path}:{n}: span {span} runs past the text")
            cases.append(case)
    return cases


def _ratio(num: int, den: int) -> float | None:
    return None if den == 0 else num / den


def score(
    cases: Iterable[LabelledCase], find: Callable[[str], list[PersonalDataSpan]] = find_personal_data
) -> tuple[list[TypeScore], list[dict]]:
    """Per-type scores and the list of misses and false alarms (for reading, not for tuning the hold-out)."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    errors: list[dict] = []
    for case in cases:
        predicted = find(case.text)
        gold_chars = {i for s in case.spans for i in range(s.start, s.end)}
        pred_chars = {i for s in predicted for i in range(s.start, s.end)}
        for g in case.spans:
            c = counts[g.type]
            c["gold"] += 1
            hit = any(p.type == g.type and p.start < g.end and g.start < p.end for p in predicted)
            c["span_hit"] += hit
            c["exact"] += any(p.type == g.type and (p.start, p.end) == (g.start, g.end) for p in predicted)
            c["gold_chars"] += g.end - g.start
            c["gold_chars_covered"] += sum(1 for i in range(g.start, g.end) if i in pred_chars)
            if not hit:
                errors.append({"id": case.id, "kind": "missed", "type": g.type, "text": case.text[g.start : g.end]})
        for p in predicted:
            c = counts[p.type]
            c["predicted"] += 1
            good = any(p.type == g.type and p.start < g.end and g.start < p.end for g in case.spans)
            c["pred_hit"] += good
            c["pred_chars"] += p.end - p.start
            c["pred_chars_in_gold"] += sum(1 for i in range(p.start, p.end) if i in gold_chars)
            if not good:
                errors.append({"id": case.id, "kind": "false alarm", "type": p.type, "text": case.text[p.start : p.end]})
    scores = []
    for t in TYPES:
        c = counts[t]
        scores.append(
            TypeScore(
                type=t,
                gold=c["gold"],
                predicted=c["predicted"],
                span_recall=_ratio(c["span_hit"], c["gold"]),
                span_precision=_ratio(c["pred_hit"], c["predicted"]),
                exact_recall=_ratio(c["exact"], c["gold"]),
                char_recall=_ratio(c["gold_chars_covered"], c["gold_chars"]),
                char_precision=_ratio(c["pred_chars_in_gold"], c["pred_chars"]),
            )
        )
    return scores, errors
