"""Red flags: rule layer on the authored held-out examples, negation, hypotheticals, near misses."""
import pytest

from complaint_insight.errors import ConfigError
from complaint_insight.triage.rules import RedFlagRules


def _flags(rules, text):
    return {hit.flag for hit in rules.find_one(text)}


def test_every_flag_type_has_patterns(rules):
    assert set(rules.flags) == {"safeguarding", "self_harm", "serious_harm_or_death", "medication_harm",
                                "legal_action", "discrimination", "data_breach", "violence_aggression",
                                "unsafe_environment"}


def test_rules_recall_on_held_out_positives(rules, risk_test_rows):
    positives = risk_test_rows[risk_test_rows["flags"].map(len) > 0]
    found = rules.find(positives["text"].tolist())
    caught = sum(bool(set(row) & {h.flag for h in hits}) for row, hits in zip(positives["flags"], found))
    assert caught / len(positives) >= 0.8  # measured 0.9; the learned layer adds more


def test_rules_rarely_flag_held_out_ordinary_complaints(rules):
    from complaint_insight.datasets import load_authored

    ordinary = load_authored("risk", "ordinary.jsonl", split="test")
    flagged = sum(bool(hits) for hits in rules.find(ordinary["text"].tolist()))
    assert flagged <= 2


@pytest.mark.parametrize("text", [
    "I never felt unsafe at home, I just want help with the forms.",
    "No one was rude or rough with me at any point.",
    "Nobody pushed me, I tripped on my own bag.",
    "The X-ray showed no fracture, I'm just annoyed it took 5 hours.",
    "I'm not going to sue, I just want an apology.",
    "There's no sign of mould or damp anywhere.",
])
def test_negated_mentions_are_not_flagged(rules, text):
    assert _flags(rules, text) == set()


@pytest.mark.parametrize("text", [
    "What would happen if a child was ever left alone on the school bus?",
    "I dread to think what would happen if a frail patient fell and broke a hip in that bathroom.",
    "What is your policy on aggressive patients?",
    "Some people would probably sue over this, but I just want it fixed.",
])
def test_generic_hypotheticals_are_not_flagged(rules, text):
    assert _flags(rules, text) == set()


@pytest.mark.parametrize("text, flag", [
    ("If I get turned away again I will kill myself.", "self_harm"),
    ("If you don't sort my benefits out today I'll come down there and smash your face in.", "violence_aggression"),
    ("If this isn't resolved I will be taking the hospital to court.", "legal_action"),
])
def test_conditional_threats_still_count(rules, text, flag):
    assert flag in _flags(rules, text)


@pytest.mark.parametrize("text", [
    "I was dying for the loo and the only toilet was out of order.",
    "I'd kill for a decent sandwich in that canteen.",
    "The tennis court in the park has a broken net.",
    "The printer in the GP surgery died so I had to come back.",
    "Visitors keep abusing the disabled bays in the car park.",
])
def test_idioms_and_near_misses_are_not_flagged(rules, text):
    assert _flags(rules, text) == set()


@pytest.mark.parametrize("text", [
    "My nan has got bruises all up her arms and the home can't tell us how she got them.",  # relative
    "The little boy next door has been left on his own in the flat since yesterday.",  # neighbour
    "Caller states her elderly neighbour's nephew has been taking his pension and his bank card.",  # staff
])
def test_reports_by_relatives_neighbours_and_staff_count(rules, text):
    assert "safeguarding" in _flags(rules, text)



# Issue 3: everyday and third-party wordings the broadened patterns are meant to catch (new sentences,
# not copied from the DEV/PROBE sets), and near misses those broader patterns must still leave alone.
@pytest.mark.parametrize("text, flag", [
    ("Gran's dementia is bad now and her lodger has taken over the house and her pension.", "safeguarding"),
    ("I'm her key worker and she told me her stepdad did the burns on her arms.", "safeguarding"),
    ("The ward left Dad's levodopa hours late for days and now he can't swallow.", "medication_harm"),
    ("She's been stockpiling her sertraline in a sock drawer.", "self_harm"),
    ("They said it was just a migraine and it turned out she'd had a stroke.", "serious_harm_or_death"),
    ("The surgery emailed my HIV clinic letter to my employer without my consent.", "data_breach"),
    ("The taxi driver refused to take my sister because of her guide dog.", "discrimination"),
    ("There's bare wiring hanging out of the ceiling rose above my son's bed.", "unsafe_environment"),
    ("A patient headbutted the porter and split his lip.", "violence_aggression"),
    ("Our case has been taken on by a firm of solicitors.", "legal_action"),
])
def test_everyday_and_third_party_wordings_are_flagged(rules, text, flag):
    assert flag in _flags(rules, text)


@pytest.mark.parametrize("text", [
    "I don't want to live in this damp flat any more, please move us.",
    "I threw myself into work after the diagnosis.",
    "The kids were not allowed in the kitchen at the youth club for safety.",
    "The corridor was full of beds and trolleys so it was hard to get past.",
    "The radiators are so hot in the office.",
    "My case was accepted by the council and the repairs are booked.",
    "Because I have diabetes they made sure I had a snack, thank you.",
])
def test_broadened_patterns_leave_near_misses_alone(rules, text):
    assert _flags(rules, text) == set()

def test_hits_point_at_the_original_text(rules):
    text = "Mum was  left in SOAKED sheets for hours and nobody changed her."
    hits = rules.find_one(text)
    assert hits
    for hit in hits:
        assert text[hit.start:hit.end] == hit.text


def test_prefilter_keeps_plain_texts_away_from_spacy(rules):
    texts = ["The parking is expensive.", "Lovely staff, thank you.", "My nan has bruises on her arm."]
    assert rules.candidates(texts) == [2]


def _write(folder, name, text):
    (folder / name).write_text(text, encoding="utf-8")


def test_pattern_files_are_validated(tmp_path):
    from complaint_insight.triage.rules import default_patterns_dir

    _write(tmp_path, "context.yaml", (default_patterns_dir() / "context.yaml").read_text(encoding="utf-8"))
    _write(tmp_path, "bad.yaml", "flag: bad\npatterns:\n  - match: \"@nowhere harm\"\n")
    with pytest.raises(ConfigError, match="unknown list @nowhere"):
        RedFlagRules(tmp_path)
    _write(tmp_path, "bad.yaml", "flag: bad\nlists:\n  x: [no, yes]\npatterns:\n  - match: \"harm\"\n")
    with pytest.raises(ConfigError, match="quote no"):
        RedFlagRules(tmp_path)
    _write(tmp_path, "bad.yaml", "flag: bad\npatterns:\n  - match: \"self-harm\"\n")
    with pytest.raises(ConfigError, match="not one token"):
        RedFlagRules(tmp_path)


def test_custom_pattern_folder(tmp_path):
    from complaint_insight.triage.rules import default_patterns_dir

    _write(tmp_path, "context.yaml", (default_patterns_dir() / "context.yaml").read_text(encoding="utf-8"))
    _write(tmp_path, "fraud.yaml", "flag: fraud\npatterns:\n  - match: \"forge|forged _{0,2} signature\"\n")
    rules = RedFlagRules(tmp_path)
    assert [h.flag for h in rules.find_one("Someone forged my signature on the form.")] == ["fraud"]
    assert rules.find_one("Nobody forged my signature.") == []
