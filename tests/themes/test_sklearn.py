"""scikit-learn compatibility: clone, Pipeline, GridSearchCV, and sklearn's own estimator checks.

The estimator checks feed numeric arrays; ThemeModel takes a numeric 2-D array as precomputed
embeddings (texts are its usual input), so every check applies and none is skipped, except
``check_array_api_input``, which sklearn itself skips unless SCIPY_ARRAY_API is set.
"""
import numpy as np
import pytest
from sklearn.base import clone
from sklearn.metrics import adjusted_rand_score, make_scorer
from sklearn.model_selection import GridSearchCV, KFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.utils.estimator_checks import parametrize_with_checks

from complaint_insight.themes import ThemeModel


@parametrize_with_checks([ThemeModel(n_themes=3)])
def test_sklearn_estimator_checks(estimator, check):
    check(estimator)


def test_clone_keeps_params_and_drops_state(fitted):
    copy = clone(fitted)
    assert copy.get_params() == fitted.get_params()
    assert not hasattr(copy, "cluster_centers_")


def test_in_a_pipeline(authored):
    pipe = Pipeline([("lower", FunctionTransformer(lambda texts: [str(t).lower() for t in texts])),
                     ("themes", ThemeModel(5))])
    predicted = pipe.fit(authored["text"].tolist()).predict(authored["text"].tolist())
    assert adjusted_rand_score(authored["theme"], predicted) > 0.8


def test_grid_search_over_number_of_themes(authored):
    search = GridSearchCV(ThemeModel(), {"n_themes": [2, 5]}, cv=KFold(3, shuffle=True, random_state=0),
                          scoring=make_scorer(adjusted_rand_score))
    search.fit(authored["text"].tolist(), authored["theme"].tolist())
    assert search.best_params_ == {"n_themes": 5}


def test_precomputed_embeddings_have_id_labels():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(3, 8))
    X = np.vstack([c + 0.05 * rng.normal(size=(20, 8)) for c in centres])
    model = ThemeModel(3).fit(X)
    assert adjusted_rand_score(np.repeat([0, 1, 2], 20), model.labels_) == pytest.approx(1.0)
    assert [t.label for t in model.themes_] == ["T01", "T02", "T03"]
    assert model.n_features_in_ == 8
