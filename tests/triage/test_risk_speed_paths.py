"""The fast paths of the risk layer give the same answers: prefilter, windows, compiled patterns, NumPy heads.

No timings here (those are in benchmarks/risk_speed.py); these tests check what makes the layer fast
without changing what it finds.
"""
import json
import shutil
import subprocess
import sys

import numpy as np
import pytest

from complaint_insight import artifacts
from complaint_insight.triage.rules import COMPILED_FILE, PatternSet, RedFlagRules, default_patterns_dir

FILLER = "The car park was busy and the signs were confusing, but the café was fine. "


def _flags(rules, text):
    return {hit.flag for hit in rules.find_one(text)}


def test_plain_texts_never_reach_spacy():
    rules = RedFlagRules()
    texts = ["The parking is expensive.", "Lovely staff, thank you.", "Waited four hours to be seen, not happy.",
             "The food was cold and the ward was noisy at night.", FILLER * 40]
    assert rules.find(texts) == [[] for _ in texts]
    assert rules.spacy_calls == 0


def test_anchor_deep_inside_a_long_text_is_still_flagged(rules):
    text = FILLER * 200 + "My nan has bruises all up her arms and the home can't tell us how she got them. " + FILLER * 50
    hits = rules.find_one(text)
    assert "safeguarding" in {h.flag for h in hits}
    for hit in hits:
        assert text[hit.start:hit.end] == hit.text  # offsets point at the original text, not the window


def test_windows_keep_negation_and_hypotheticals_deep_inside(rules):
    assert _flags(rules, FILLER * 100 + "I never felt unsafe at home. " + FILLER * 10) == set()
    assert _flags(rules, FILLER * 100 + "What would happen if a child was ever left alone on the school bus? " + FILLER) == set()
    assert "self_harm" in _flags(rules, FILLER * 100 + "If I get turned away again I will kill myself. " + FILLER)


def test_huge_text_and_many_anchors_stay_bounded(rules):
    text = ("Staff slapped my mother. " + FILLER) * 2000  # ~200,000 characters, 2,000 hits
    hits = rules.find_one(text)
    assert {h.flag for h in hits} >= {"safeguarding"} or {h.flag for h in hits} >= {"violence_aggression"}
    assert all(text[h.start:h.end] == h.text for h in hits)


def test_split_words_are_seen_by_the_prefilter(rules):
    # spaCy cuts "dont" into "do" + "nt" and "cannot" into "can" + "not": the prefilter must see those pieces.
    low = "i cannot go on anymore"
    assert "not" in rules._words(low) and "can" in rules._words(low)


def test_shipped_compiled_patterns_match_the_yaml():
    """compiled.json is current; if this fails run `python -m complaint_insight.triage.rules`."""
    shipped = PatternSet()
    assert shipped.from_cache, "patterns/compiled.json is stale: run python -m complaint_insight.triage.rules"


def test_compiled_cache_gives_the_same_rules_as_compiling(tmp_path):
    cached = PatternSet(default_patterns_dir())
    from complaint_insight.triage.rules import _built_with

    if cached.built_with != _built_with():
        pytest.skip(f"compiled.json was built with {cached.built_with}, installed: {_built_with()}")
    folder = tmp_path / "patterns"
    shutil.copytree(default_patterns_dir(), folder)
    (folder / COMPILED_FILE).unlink()
    fresh = PatternSet(folder)
    assert not fresh.from_cache
    assert [r.to_json() for r in fresh.rules] == [r.to_json() for r in cached.rules]
    assert fresh.split_runs == cached.split_runs


def test_editing_a_pattern_file_invalidates_the_compiled_form(tmp_path):
    folder = tmp_path / "patterns"
    shutil.copytree(default_patterns_dir(), folder)
    path = folder / "legal_action.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  - match: \"forged _{0,2} signature\"\n", encoding="utf-8")
    patterns = PatternSet(folder)
    assert not patterns.from_cache
    assert "legal_action" in _flags(RedFlagRules(folder), "Somebody forged my signature on the consent form.")


# -- the learned heads -------------------------------------------------------------------------------------
def test_heads_reuse_the_classifier_features(triager):
    texts = ["The nurse was rude and I waited four hours.", "Staff slapped my mother.", "Thank you all."]
    proba, words = triager.classifier.predict_proba_with_words(texts)
    np.testing.assert_allclose(proba, triager.classifier.predict_proba(texts))
    model = triager.risk.model
    assert model.accepts(words)
    own = model.features(texts)
    np.testing.assert_allclose(model.decision(words), model.decision(own))


def test_intensity_levels_agree_with_the_datasets_module():
    from complaint_insight.datasets import INTENSITY_LEVELS
    from complaint_insight.triage import risk_scorer

    assert risk_scorer.INTENSITY_LEVELS == INTENSITY_LEVELS


def _copy_model(tmp_path):
    from complaint_insight.resources import model_path

    folder = tmp_path / "risk-model"
    shutil.copytree(model_path("risk-model"), folder)
    return folder


def test_tampered_risk_weights_are_refused(tmp_path):
    from complaint_insight.triage.risk_scorer import CompiledRiskModel

    folder = _copy_model(tmp_path)
    CompiledRiskModel.load(folder)  # intact copy loads
    with np.load(folder / "weights.npz") as npz:
        arrays = {k: npz[k] for k in npz.files}
    arrays["weights"][0, 0] += 1.0
    np.savez_compressed(folder / "weights.npz", **arrays)
    with pytest.raises(artifacts.ArtifactError, match="SHA-256"):
        CompiledRiskModel.load(folder)


def test_tampered_risk_description_is_refused(tmp_path):
    from complaint_insight.triage.risk_scorer import CompiledRiskModel

    folder = _copy_model(tmp_path)
    doc = json.loads((folder / "risk.json").read_text(encoding="utf-8"))
    doc["flag_thresholds"] = [-100.0] * len(doc["flag_thresholds"])  # would flag everything
    (folder / "risk.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(artifacts.ArtifactError, match="SHA-256"):
        CompiledRiskModel.load(folder)


def test_pickled_weights_are_refused_even_with_a_matching_manifest(tmp_path):
    from complaint_insight.triage.risk_scorer import CompiledRiskModel

    folder = _copy_model(tmp_path)
    np.savez(folder / "weights.npz", weights=np.array([object()], dtype=object), intercepts=np.zeros(3))
    artifacts.write_manifest(folder, kind="risk-model")
    with pytest.raises(artifacts.ArtifactError, match="refused"):
        CompiledRiskModel.load(folder)


def test_default_triage_of_a_plain_text_imports_neither_sklearn_nor_spacy():
    code = (
        "import sys; import complaint_insight as ci; r = ci.triage('Waited four hours and nobody told us anything.');"
        "assert r.is_complaint in (0, 1); bad = [m for m in ('sklearn', 'scipy', 'spacy', 'skops') if m in sys.modules];"
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == ""


def test_a_red_flag_text_loads_spacy_but_not_sklearn():
    code = (
        "import sys; import complaint_insight as ci; r = ci.triage('Staff slapped my mother.');"
        "assert 'safeguarding' in [f.type for f in r.red_flags] or 'violence_aggression' in [f.type for f in r.red_flags];"
        "print(','.join(m for m in ('sklearn', 'scipy', 'skops') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == ""
