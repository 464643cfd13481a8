import json

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from complaint_insight.artifacts import ArtifactError
from complaint_insight.errors import InputError
from complaint_insight.taxonomy import Categoriser, load_categoriser, load_taxonomy
from complaint_insight.taxonomy.metrics import multilabel_report


def test_zero_shot_on_custom_taxonomy_without_training(custom_taxonomy_file):
    categoriser = Categoriser(custom_taxonomy_file)
    texts = [
        "I drove round the car park for forty minutes and could not find a space",
        "The coffee from the cafe was cold and the sandwiches were stale",
        "The man on reception was extremely rude and shouted at me",
    ]
    p = categoriser.predict_proba(texts)
    assert p.shape == (3, 3) and ((p >= 0) & (p <= 1)).all()
    assert list(categoriser.classes_[p.argmax(axis=1)]) == ["parking", "food", "staff"]
    results = categoriser.categorise(texts)
    assert [r.categories[0].id for r in results] == ["parking", "food", "staff"]
    assert results[0].categories[0].name == "Parking"


def test_results_keep_order_and_define_bad_input(custom_taxonomy_file):
    categoriser = Categoriser(custom_taxonomy_file)
    results = categoriser.categorise(["", None, "\x00\x00\x00", "No parking spaces again"], ids=["a", "b", "c", "d"])
    assert [r.id for r in results] == ["a", "b", "c", "d"]
    assert [r.status for r in results] == ["empty", "empty", "unreadable", "ok"]
    assert results[0].categories == [] and set(results[0].probabilities.values()) == {0.0}
    assert results[2].probabilities is None and results[2].categories == []
    assert results[3].categories[0].id == "parking"
    with pytest.raises(TypeError):
        categoriser.categorise("a single string")
    with pytest.raises(TypeError, match="row 'x'"):
        categoriser.categorise([{"not": "text"}], ids=["x"])


def test_fit_improves_on_labelled_rows(opaque_taxonomy_file, opaque_rows):
    train, labels, test, test_labels = opaque_rows
    truth = np.array([[int(c in row) for c in ("alpha", "beta")] for row in test_labels])
    zero = Categoriser(opaque_taxonomy_file)
    _, before = multilabel_report(truth, zero.predict(test), ["alpha", "beta"])
    fitted = Categoriser(opaque_taxonomy_file, min_positives=3, cv=3).fit(train, labels)
    _, after = multilabel_report(truth, fitted.predict(test), ["alpha", "beta"])
    assert fitted.trained_.all() and fitted.n_train_rows_ == 20
    assert after["macro_f1"] >= 0.75 and after["macro_f1"] > before["macro_f1"] + 0.3


def test_categories_with_too_few_positives_stay_zero_shot(custom_taxonomy_file):
    texts = ["The car park was full"] * 3 + ["Rude staff"] * 6 + ["Cold tea"] * 6
    labels = [["parking"]] * 3 + [["staff"]] * 6 + [["food"]] * 6
    model = Categoriser(custom_taxonomy_file, min_positives=5, cv=3).fit(texts, labels)
    assert dict(zip(model.classes_, model.trained_)) == {"parking": False, "food": True, "staff": True}
    assert model.positives_.tolist() == [3, 6, 6]
    zero = Categoriser(custom_taxonomy_file)
    probe = ["Parking permits cost too much"]
    assert model.predict_proba(probe)[0, 0] == pytest.approx(zero.predict_proba(probe)[0, 0])


def test_label_forms_and_rollup():
    hcat = Categoriser("hcat")
    frame_labels = pd.DataFrame({"safety_medication_errors": [1, 0, 0, 0, 0, 1], "listening": [0, 1, 1, 1, 1, 0]})
    texts = ["Wrong tablets given", "Nobody listened", "They ignored me", "Not heard", "Dismissed", "Double dose"]
    model = hcat.set_params(min_positives=2, cv=2).fit(texts, frame_labels)
    # only the two labelled categories can have heads; the others were not labelled at all
    assert model.classes_[model.trained_].tolist() == ["safety", "listening"]
    with pytest.raises(InputError, match="unknown category 'nope'"):
        Categoriser("hcat").fit(["x"], [["nope"]])
    with pytest.raises(InputError, match="severity of 'quality' must be 0-3"):
        Categoriser("hcat").fit(["x"], [{"quality": 7}])
    with pytest.raises(InputError, match="2 texts but 1 label rows"):
        Categoriser("hcat").fit(["x", "y"], [["quality"]])


def test_thresholds_tune_towards_recall_and_set(opaque_taxonomy_file, opaque_rows):
    train, labels, test, test_labels = opaque_rows
    model = Categoriser(opaque_taxonomy_file, min_positives=3, cv=3).fit(train, labels)
    model.tune_thresholds(test, test_labels, target_recall=1.0)
    p = model.predict_proba(test)
    truth = np.array([[int(c in row) for c in ("alpha", "beta")] for row in test_labels])
    for j in range(2):
        assert p[truth[:, j] == 1, j].min() == pytest.approx(model.thresholds_[j])
    assert (model.predict(test)[truth == 1] == 1).all()  # every positive found
    model.set_thresholds({"alpha": 0.9})
    assert model.thresholds["alpha"] == 0.9
    model.set_thresholds(0.2)
    assert set(model.thresholds.values()) == {0.2}
    with pytest.raises(InputError, match="unknown category 'gamma'"):
        model.set_thresholds({"gamma": 0.5})
    with pytest.raises(ValueError):
        model.set_thresholds(1.5)
    with pytest.raises(ValueError):
        model.tune_thresholds(test, test_labels, target_recall=0)


def test_save_load_round_trip_keeps_thresholds_and_scores(tmp_path, opaque_taxonomy_file, opaque_rows):
    train, labels, test, test_labels = opaque_rows
    model = Categoriser(opaque_taxonomy_file, min_positives=3, cv=3).fit(train, labels)
    model.tune_thresholds(test, test_labels, target_recall=0.75)
    folder = model.save(tmp_path / "model")
    opaque_taxonomy_file.unlink()  # the saved model must not need the taxonomy file any more
    loaded = Categoriser.load(folder)
    assert loaded.thresholds == model.thresholds
    np.testing.assert_allclose(loaded.predict_proba(test), model.predict_proba(test), rtol=1e-6)
    assert not any(p.suffix in (".pkl", ".skops") for p in folder.iterdir())
    weights = folder / "weights.npz"
    weights.write_bytes(weights.read_bytes() + b"tampered")
    with pytest.raises(ArtifactError, match="SHA-256"):
        Categoriser.load(folder)


def test_zero_shot_model_saves_tuned_thresholds(tmp_path, custom_taxonomy_file):
    model = Categoriser(custom_taxonomy_file).set_thresholds({"food": 0.15})
    loaded = Categoriser.load(model.save(tmp_path / "m"))
    assert loaded.thresholds["food"] == 0.15 and not loaded.is_trained()


def test_estimator_contract(custom_taxonomy_file):
    model = Categoriser(custom_taxonomy_file, C=0.5)
    copy = clone(model)
    assert copy.get_params()["C"] == 0.5 and not hasattr(copy, "taxonomy_")
    assert model.__sklearn_tags__().requires_fit is False


def test_categorise_frame_keeps_rows_columns_and_index(custom_taxonomy_file):
    frame = pd.DataFrame(
        {"text": ["Cold soup in the cafe", "", "Rude receptionist"], "ward": ["A", "B", "C"], "severity": [2, -1, None]},
        index=[10, 5, 7],
    )
    out = Categoriser(custom_taxonomy_file).categorise_frame(frame, severity_column="severity")
    assert list(out.index) == [10, 5, 7] and list(out["ward"]) == ["A", "B", "C"]
    assert list(out.columns[:3]) == ["text", "ward", "severity"]
    assert {"categories", "category_status", "p_parking", "p_food", "p_staff", "severity_food"} <= set(out.columns)
    assert out.loc[10, "categories"].split(";")[0] == "food" and out.loc[10, "severity_food"] == 2
    assert out.loc[5, "categories"] == "" and out.loc[5, "category_status"] == "empty"
    assert (out.loc[7, [c for c in out.columns if c.startswith("severity_")]] == -1).all()
    with pytest.warns(UserWarning, match="replacing existing column"):
        Categoriser(custom_taxonomy_file).categorise_frame(out[["text", "categories"]])
    with pytest.raises(InputError, match="text column 'body' not found"):
        Categoriser(custom_taxonomy_file).categorise_frame(frame, text_column="body")


def test_shipped_hcat_model_loads_and_categorises():
    categoriser = load_categoriser("hcat")
    assert categoriser.is_trained()
    result = categoriser.categorise(["The nurse gave my father the wrong tablets and he was very ill"])[0]
    assert "safety" in result.ids
    assert not load_categoriser("hcat", zero_shot=True).is_trained()


def test_result_json_round_trip(custom_taxonomy_file):
    result = Categoriser(custom_taxonomy_file).categorise(["No parking"], ids=[7])[0]
    data = json.loads(json.dumps(result.to_dict()))
    assert data["id"] == 7 and data["taxonomy"] == "clinic" and data["categories"][0]["id"] == "parking"


def test_taxonomy_object_is_accepted():
    taxonomy = load_taxonomy("retail")
    assert Categoriser(taxonomy).category_ids == taxonomy.predicted_ids


def test_best_floor_learns_when_forcing_the_top_category_helps():
    from complaint_insight.taxonomy.categoriser import _best_floor

    # every row has exactly one true category; thresholds 0.5 miss rows whose top score is 0.3-0.4
    Y = np.array([[1, 0], [0, 1], [1, 0], [0, 1], [0, 1], [0, 1]])
    p = np.array([[0.9, 0.1], [0.1, 0.8], [0.35, 0.1], [0.1, 0.3], [0.05, 0.04], [0.1, 0.6]])
    floor = _best_floor(Y, p, np.array([0.5, 0.5]))
    assert 0.06 <= floor <= 0.3  # low enough to rescue the 0.3 and 0.35 rows, not the 0.05 row (wrong top)
    # when forcing only adds false positives, the rule stays off
    Y_none = np.array([[1, 0], [0, 0], [0, 0]])
    assert _best_floor(Y_none, np.array([[0.9, 0.1], [0.3, 0.2], [0.4, 0.1]]), np.array([0.5, 0.5])) == 1.0


def test_at_least_one_rule_is_learned_saved_and_applied(tmp_path, opaque_taxonomy_file, opaque_rows):
    train, labels, test, _ = opaque_rows
    model = Categoriser(opaque_taxonomy_file, min_positives=3, cv=3, at_least_one=True).fit(train, labels)
    assert 0.0 < float(model.min_one_floor_) <= 1.0
    model.min_one_floor_ = 0.02  # force the rule on, with every threshold out of reach
    model.set_thresholds(1.0)
    predicted = model.predict(test + [""])
    assert (predicted[:-1].sum(axis=1) == 1).all() and predicted[-1].sum() == 0  # an empty text stays empty
    assert model.categorise(["The bus was late"])[0].ids != []
    loaded = Categoriser.load(model.save(tmp_path / "m"))
    assert float(loaded.min_one_floor_) == 0.02 and (loaded.predict(test) == predicted[:-1]).all()
    off = clone(model).set_params(at_least_one=False).fit(train, labels).set_thresholds(1.0)
    assert off.predict(test).sum() == 0
