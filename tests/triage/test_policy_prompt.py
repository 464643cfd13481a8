"""Policy file: defaults, partial overrides, clear errors; prompt wording built from it."""
import pytest

from complaint_insight.errors import ConfigError
from complaint_insight.triage.policy import load_policy
from complaint_insight.triage.prompt import build_prompt
from complaint_insight.triage.result import Cue, RedFlag, Span


def test_default_policy_routes_every_flag(rules):
    policy = load_policy(flags=rules.flags)
    assert policy.route_for("safeguarding").severity_floor == 3


def test_partial_override_keeps_the_other_defaults(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text("routes:\n  safeguarding:\n    route: call Jo Bloggs on 0123\n", encoding="utf-8")
    policy = load_policy(path)
    assert policy.routes["safeguarding"].route == "call Jo Bloggs on 0123"
    assert policy.routes["safeguarding"].severity_floor == 3  # kept from the defaults
    assert policy.routes["legal_action"] == load_policy().routes["legal_action"]


@pytest.mark.parametrize("body, message", [
    ("routes: [1, 2", "not valid YAML"),
    ("- a\n- b\n", "must be a mapping"),
    ("routes:\n  safeguarding:\n    severity_floor: 7\n", "severity_floor"),
    ("complaint:\n  treat_as_complaint: 'He says {cuez}'\n", "unknown placeholder"),
    ("surprise: 1\n", "surprise"),
])
def test_bad_policy_files_fail_clearly(tmp_path, body, message):
    path = tmp_path / "policy.yaml"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError, match=message) as info:
        load_policy(path)
    assert str(path) in str(info.value)


def test_missing_policy_file(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_policy(tmp_path / "nope.yaml")


def _flag(policy, kind, text):
    route = policy.route_for(kind)
    return RedFlag(type=kind, label=route.label, route=route.route, span=Span(start=0, end=len(text), text=text))


def test_prompt_escalates_quotes_and_stays_short():
    policy = load_policy()
    prompt = build_prompt(policy, status="ok", is_complaint=1,
                          cues=[Cue(start=0, end=6, text="waited", weight=1.0)],
                          red_flags=[_flag(policy, "safeguarding", "left in soiled sheets")])
    assert prompt.startswith("Red flag, possible safeguarding concern")
    assert "safeguarding lead" in prompt and "“waited”" in prompt and "3 working days" in prompt
    assert 2 <= prompt.count(". ") + 1 <= 4


def test_prompt_for_non_complaint_empty_and_foreign_text():
    policy = load_policy()
    assert "rather than a complaint" in build_prompt(policy, status="ok", is_complaint=0, cues=[], red_flags=[])
    assert build_prompt(policy, status="empty", is_complaint=0, cues=[], red_flags=[]) == policy.complaint.empty
    assert "human reader" in build_prompt(policy, status="non_english", is_complaint=0, cues=[], red_flags=[])
