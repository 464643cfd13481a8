"""A batch gives exactly what one call per text gives: the batch paths (vectorised TF-IDF, cue
look-ups, column building, worker processes) are speed-ups, never a different answer."""
import pickle

import numpy as np
import pandas as pd
import pytest

from complaint_insight.datasets import load_authored
from complaint_insight.text import clean_for_model
from complaint_insight.triage import Triager
from complaint_insight.triage.cues import cue_spans, cue_spans_many, positive_weights
from complaint_insight.triage.result import TriageResult, construct_result, rows_columns

ODD = ["", None, "   ", "n/a", 12, 3.5, b"\xff\xfe\x00abc", "<b>rude</b> &amp; late", "=HYPERLINK(1)",
       "Très mécontent, l'infirmière était impolie", "病院はひどい", "Waited 3 hrs 😡 appalling, Ελλάδα",
       "RUDE RUDE rude staff!!! never again", "He hit me. I never felt unsafe.", "x" * 30_000 + " they hit my dad",
       "My mum was left in soiled sheets and not fed for two days", "the the the the", "a", "İstanbul clinic was rude"]


@pytest.fixture(scope="module")
def texts():
    authored = []
    for name in ("complaints", "risk"):
        try:
            authored += load_authored(name)["text"].tolist()
        except Exception:  # an authored set missing from this checkout
            continue
    return authored + ODD


@pytest.fixture(scope="module")
def triager():
    return Triager()


def test_batch_equals_single_calls(triager, texts):
    batch = triager.assess_many(texts, ids=list(range(len(texts))))
    singles = [triager.assess(t, id=i) for i, t in enumerate(texts)]
    assert [r.model_dump() for r in batch] == [r.model_dump() for r in singles]
    assert sum(r.is_complaint for r in batch) > 0 and any(r.red_flags for r in batch) and any(r.cues for r in batch)


def test_results_are_valid_models(triager, texts):
    # Triage builds results without re-validating them; validating them from outside must agree.
    for result in triager.assess_many(texts):
        again = TriageResult.model_validate(result.model_dump())
        assert again == result and again.model_fields_set == result.model_fields_set
        assert pickle.loads(pickle.dumps(result)) == result


def test_frame_columns_match_to_row(triager, texts):
    results = triager.assess_many(texts)
    expected = pd.DataFrame([r.to_row() for r in results])
    built = pd.DataFrame(rows_columns(results))
    pd.testing.assert_frame_equal(built, expected, check_exact=True)
    assert list(pd.DataFrame(rows_columns([])).columns) == list(expected.columns)


def test_construct_result_equals_validated():
    values = dict(id="a", is_complaint=1, complaint_probability=0.8, threshold=0.5, status="ok", needs_human_reader=False,
                  truncated=False, red_flags=[], severity=2, severity_label="medium", severity_reason="r",
                  intensity="blame", cues=[], prompt="p")
    assert construct_result(**values) == TriageResult(**values)


def test_vectorised_word_block_is_bit_identical(triager, texts):
    block = triager.classifier.word_block
    cleaned = [clean_for_model(t) if isinstance(t, str) else "" for t in texts]
    fast_scores, fast = block.score_with_features(cleaned)
    loop_scores, loop = block._score_with_features_loop(cleaned)
    assert np.array_equal(fast_scores, loop_scores)
    assert np.array_equal(fast.indptr, loop.indptr) and np.array_equal(fast.indices, loop.indices)
    assert np.array_equal(fast.values, loop.values)
    assert np.array_equal(fast_scores, [block.score(t) for t in cleaned])
    empty_scores, empty = block.score_with_features([])
    assert len(empty_scores) == 0 and list(empty.indptr) == [0]


def test_batch_cues_equal_single_cues(triager, texts):
    strings = [t for t in texts if isinstance(t, str)]
    weights = positive_weights(triager.classifier)
    assert cue_spans_many(strings, triager.classifier) == [cue_spans(t, weights) for t in strings]
    assert cue_spans_many(strings[:3], triager.classifier, max_cues=0) == [[], [], []]


def test_rules_shared_by_unpickled_copies(monkeypatch):
    # Worker processes receive the rules pickled, one copy per task; copies made before spaCy loaded
    # must still find red flags after another copy has loaded it.
    from complaint_insight.triage import risk

    monkeypatch.setattr(risk, "_RULES", {})
    original = risk.load_rules()
    first, second = pickle.loads(pickle.dumps(original)), pickle.loads(pickle.dumps(original))
    text = "The carer hit my mother and left her in soiled bedding"
    assert first.find([text])[0]
    assert second.find([text]) == first.find([text])


def test_first_red_flag_does_not_import_pytorch():
    # thinc imports PyTorch (seconds) unless spaCy is imported through rules.import_spacy.
    import subprocess
    import sys

    code = ("import sys; from complaint_insight import triage; "
            "r = triage('The carer hit my mother and left her in soiled bedding'); "
            "assert r.red_flags, r; assert 'spacy' in sys.modules; print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "False"


def test_construct_model_equals_validated_cue_and_flag():
    from complaint_insight.triage.result import Cue, RedFlag, construct_model

    cue = dict(start=3, end=7, text="rude", weight=1.25)
    assert construct_model(Cue, **cue) == Cue(**cue)
    flag = dict(type="needs_human_reader", label="L", route="R", span=None, source="input")
    built = construct_model(RedFlag, **flag)
    assert built == RedFlag(**flag) and hash(built) == hash(RedFlag(**flag))
