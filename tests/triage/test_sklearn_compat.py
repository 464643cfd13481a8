"""scikit-learn compatibility of the triage estimators.

``check_estimator`` / ``parametrize_with_checks`` generate numeric 2-D data, so for estimators
whose tags say "text only" (``input_tags.string=True, two_d_array=False``) scikit-learn runs just
``check_estimator_cloneable`` and skips the rest. Here we run every check that needs no numeric
data directly, and test the data-dependent parts of the contract on texts.
"""
import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.utils import estimator_checks as checks

from complaint_insight.triage.classifier import ComplaintClassifier
from complaint_insight.triage.features import EmbeddingFeatures, LexiconFeatures, TextCleaner

ESTIMATORS = [ComplaintClassifier(), TextCleaner(), LexiconFeatures(), EmbeddingFeatures()]
API_CHECKS = [
    checks.check_estimator_cloneable,
    checks.check_estimator_tags_renamed,
    checks.check_valid_tag_types,
    checks.check_estimator_repr,
    checks.check_no_attributes_set_in_init,
    checks.check_parameters_default_constructible,
    checks.check_get_params_invariance,
    checks.check_set_params,
    checks.check_mixin_order,
]


def _id(obj):
    return getattr(obj, "__name__", None) or type(obj).__name__


@pytest.mark.parametrize("check", API_CHECKS, ids=_id)
@pytest.mark.parametrize("estimator", ESTIMATORS, ids=_id)
def test_scikit_learn_api_checks(estimator, check):
    check(type(estimator).__name__, clone(estimator))


def test_unfitted_classifier_raises_not_fitted():
    checks.check_estimators_unfitted("ComplaintClassifier", ComplaintClassifier())


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.SkipTestWarning")  # the text-input skip, expected
@pytest.mark.parametrize("estimator", ESTIMATORS, ids=_id)
def test_check_estimator_runs_what_applies_and_passes(estimator):
    results = checks.check_estimator(clone(estimator), on_fail=None)
    assert results and all(r["status"] in ("passed", "skipped") for r in results), results


@pytest.fixture(scope="module")
def texts_and_labels(authored_complaints):
    train = authored_complaints[authored_complaints.split == "train"].sample(240, random_state=0)
    return train["text"].tolist(), train["label"].astype(int).to_numpy()


def test_fit_returns_self_keeps_params_and_is_deterministic(texts_and_labels):
    X, y = texts_and_labels
    estimator = ComplaintClassifier(cv=2)
    before = estimator.get_params()
    assert estimator.fit(X, y) is estimator
    assert estimator.get_params() == before  # fit never overwrites a parameter
    again = ComplaintClassifier(cv=2).fit(X, y)
    assert np.array_equal(estimator.predict_proba(X[:20]), again.predict_proba(X[:20]))
    assert list(estimator.classes_) == [0, 1] and estimator.n_features_in_ == 1
    restored = pickle.loads(pickle.dumps(estimator))
    assert np.array_equal(restored.predict_proba(X[:20]), estimator.predict_proba(X[:20]))
    weighted = ComplaintClassifier(cv=2).fit(X, y, sample_weight=np.where(y == 1, 2.0, 1.0))
    assert weighted.predict_proba(X[:20])[:, 1].mean() > estimator.predict_proba(X[:20])[:, 1].mean()


def test_pipeline_on_a_one_column_frame_with_grid_search(texts_and_labels):
    X, y = texts_and_labels
    frame = pd.DataFrame({"text": X})
    pipeline = Pipeline([("classifier", ComplaintClassifier(calibration=None))])
    scores = cross_val_score(pipeline, frame, y, cv=3, scoring="roc_auc")
    assert scores.mean() > 0.6
    search = GridSearchCV(pipeline, {"classifier__C": [0.5, 4.0], "classifier__features": ["words", "words+lexicon"]},
                          cv=2, scoring="roc_auc")
    search.fit(frame, y)
    assert set(search.best_params_) == {"classifier__C", "classifier__features"}
    assert search.predict_proba(frame.head(5)).shape == (5, 2)
    assert search.best_estimator_.named_steps["classifier"] is not pipeline.named_steps["classifier"]
