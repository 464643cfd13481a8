"""The two-to-four sentence prompt a front-line member of staff reads, worded from the policy."""
from __future__ import annotations

from complaint_insight.triage.policy import NEEDS_HUMAN_READER, Policy
from complaint_insight.triage.result import Cue, RedFlag

MAX_QUOTE = 80


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_QUOTE else text[: MAX_QUOTE - 1].rstrip() + "…"


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def flag_sentence(policy: Policy, flag: RedFlag) -> str:
    route = policy.route_for(flag.type)
    if flag.span is not None and flag.span.text.strip():
        return policy.red_flag_sentence.format(label=route.label, route=route.route, when=route.when,
                                               span=_quote(flag.span.text))
    return policy.red_flag_sentence_no_span.format(label=route.label, route=route.route, when=route.when)


def build_prompt(policy: Policy, *, status: str, is_complaint: int, cues: list[Cue], red_flags: list[RedFlag]) -> str:
    """Whether to treat the text as a complaint and why, what to do next, and who to escalate to now."""
    wording = policy.complaint
    if status == "empty":
        return wording.empty
    if status in ("non_english", "unreadable"):
        return wording.needs_human_reader_non_english if status == "non_english" else wording.needs_human_reader_unreadable
    # Red flags come first: they are what must not wait. Two at most, so the prompt stays short.
    sentences = [flag_sentence(policy, f) for f in red_flags if f.type != NEEDS_HUMAN_READER][:2]
    if is_complaint or red_flags:
        if cues:
            quoted = _join([f"\u201c{_quote(c.text)}\u201d" for c in cues[:3]])
            sentences.append(wording.treat_as_complaint.format(cues=quoted))
        else:
            sentences.append(wording.treat_as_complaint_no_cues)
        sentences.append(wording.next_steps.format(acknowledge_within=wording.acknowledge_within))
    else:
        sentences.append(wording.not_a_complaint)
        sentences.append(wording.not_a_complaint_hint)
    return " ".join(sentences[:4])
