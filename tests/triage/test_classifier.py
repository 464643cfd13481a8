import json

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV

from complaint_insight.artifacts import ArtifactError
from complaint_insight.triage.classifier import ComplaintClassifier
from complaint_insight.triage.scorer import CompiledComplaintScorer


def test_estimator_contract(small_classifier, authored_complaints):
    params = small_classifier.get_params()
    assert params["features"] == "words+lexicon" and params["threshold"] == 0.5
    fresh = clone(small_classifier)
    assert not hasattr(fresh, "pipeline_")
    p = small_classifier.predict_proba(["the nurse was rude", "thank you all"])
    assert p.shape == (2, 2) and np.allclose(p.sum(axis=1), 1)
    assert set(small_classifier.predict(["x", "y"])) <= {0, 1}


def test_grid_search_runs_on_texts(authored_complaints):
    train = authored_complaints[authored_complaints.split == "train"]
    search = GridSearchCV(ComplaintClassifier(calibration=None), {"C": [0.5, 4.0]}, cv=3, scoring="roc_auc")
    search.fit(train["text"].tolist(), train["label"].astype(int))
    assert search.best_params_["C"] in (0.5, 4.0)
    assert search.best_score_ > 0.6


def test_threshold_is_respected(small_classifier):
    texts = ["The receptionist was rude and I waited two hours", "Lovely staff, thank you"]
    p = small_classifier.predict_proba(texts)[:, 1]
    strict = clone(small_classifier).set_params(threshold=1.0)
    strict.pipeline_, strict.calibrator_, strict.classes_ = (
        small_classifier.pipeline_, small_classifier.calibrator_, small_classifier.classes_)
    assert list(strict.predict(texts)) == [int(v >= 1.0) for v in p]


def test_bad_training_input():
    with pytest.raises(TypeError, match="single string"):
        ComplaintClassifier().fit("one text", [1])
    with pytest.raises(ValueError, match="labels must be 0"):
        ComplaintClassifier().fit(["a b", "c d"], [0, 2])
    with pytest.raises(TypeError, match="row 1"):
        ComplaintClassifier().fit(["a", None], [0, 1])


def test_save_load_round_trip_and_compiled_scorer_agree(tmp_path, small_classifier, authored_complaints):
    folder = small_classifier.save(tmp_path / "clf")
    texts = authored_complaints["text"].tolist()
    expected = small_classifier.predict_proba(texts)
    again = ComplaintClassifier.load(folder)
    assert np.allclose(again.predict_proba(texts), expected, atol=1e-6)
    compiled = CompiledComplaintScorer.load(folder)
    assert np.allclose(compiled.predict_proba(texts), expected, atol=1e-6)


def test_tampered_model_is_refused(tmp_path, small_classifier):
    folder = small_classifier.save(tmp_path / "clf")
    doc = json.loads((folder / "model.json").read_text())
    doc["threshold"] = 0.01
    (folder / "model.json").write_text(json.dumps(doc))
    with pytest.raises(ArtifactError, match="SHA-256"):
        CompiledComplaintScorer.load(folder)


def test_pickled_weights_are_refused_even_with_matching_hash(tmp_path, small_classifier):
    from complaint_insight.artifacts import write_manifest

    folder = small_classifier.save(tmp_path / "clf")
    np.savez(folder / "weights.npz", coef=np.array([object()], dtype=object))
    write_manifest(folder, kind="complaint-classifier")  # hash now matches the malicious file
    with pytest.raises(ArtifactError, match="refused"):
        CompiledComplaintScorer.load(folder)
