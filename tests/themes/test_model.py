import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import adjusted_rand_score

from complaint_insight.errors import InputError
from complaint_insight.themes import ThemeModel


def test_recovers_authored_themes_with_readable_labels(authored, fitted):
    assigned = fitted.fitted_assignments(authored.index)
    assert adjusted_rand_score(authored["theme"], assigned["theme_id"]) > 0.8
    assert [t.id for t in fitted.themes_] == ["T01", "T02", "T03", "T04", "T05"]
    labels = " | ".join(t.label.lower() for t in fitted.themes_)
    for word in ("park", "food", "phone"):
        assert word in labels, labels
    for theme in fitted.themes_:
        assert theme.label and len(theme.label.split()) <= 4
        assert len(theme.quotes) == 3 and len(set(theme.quotes)) == 3
        assert theme.key_phrases and theme.size > 0
    assert sum(t.size for t in fitted.themes_) == len(authored)


def test_parking_theme_label_is_a_phrase(fitted):
    parking = [t for t in fitted.themes_ if "park" in t.label.lower()]
    assert parking and len(parking[0].label.split()) >= 2


def test_shuffled_rows_give_identical_themes(authored, fitted):
    shuffled = authored.sample(frac=1, random_state=7)
    again = ThemeModel(5).fit(shuffled)
    a = fitted.fitted_assignments(authored.index)["theme_id"]
    b = again.fitted_assignments(shuffled.index)["theme_id"].loc[authored.index]
    assert (a == b).all()
    assert [t.label for t in again.themes_] == [t.label for t in fitted.themes_]
    np.testing.assert_array_equal(again.cluster_centers_, fitted.cluster_centers_)


def test_automatic_number_of_themes_is_explained(authored):
    model = ThemeModel().fit(authored["text"])
    assert model.selection_.chosen == model.n_themes_
    assert "theme" in model.selection_.explanation


def test_assign_alone_equals_batch(authored, fitted):
    texts = ["The car park was full and I missed my scan", "asdf qwerty zxcv", "", "Food was cold again"]
    batch = fitted.assign(texts)
    for i, text in enumerate(texts):
        alone = fitted.assign([text]).iloc[0]
        assert alone["theme_id"] == batch.iloc[i]["theme_id"]
        assert alone["theme_status"] == batch.iloc[i]["theme_status"]
    assert batch.iloc[0]["theme_label"] == next(t.label for t in fitted.themes_ if "park" in t.label.lower())
    assert batch.iloc[2]["theme_status"] == "empty" and batch.iloc[2]["theme_id"] == ""


def test_far_text_is_unassigned_with_distance(fitted):
    row = fitted.assign(["Lorem ipsum dolor sit amet consectetur"]).iloc[0]
    assert row["theme_status"] == "unassigned" and row["theme_id"] == "unassigned"
    assert row["theme_distance"] > fitted.distance_threshold_


def test_predict_transform_and_index(authored, fitted):
    frame = authored.set_index(pd.Index([f"r{i}" for i in range(len(authored))]))
    assert list(fitted.assign(frame).index) == list(frame.index)
    distances = fitted.transform(frame)
    assert distances.shape == (len(frame), fitted.n_themes_)
    predicted = fitted.predict(frame)
    assert ((predicted == distances.argmin(axis=1)) | (predicted == -1)).all()
    assert (predicted == fitted.labels_).mean() > 0.95


def test_few_outliers_at_fit(fitted):
    assert (fitted.labels_ == -1).mean() <= 0.05


def test_bad_input_errors(fitted):
    with pytest.raises(InputError):
        ThemeModel(3).fit(["only one text", "only one text", ""])
    with pytest.raises(InputError):
        ThemeModel(10).fit(["a b c", "d e f", "g h i"])
    with pytest.raises(InputError):
        fitted.assign("a single string")
    with pytest.raises(InputError):
        ThemeModel(2, text_column="body").fit(pd.DataFrame({"text": ["a", "b"]}))


def test_hostile_and_odd_inputs_get_defined_results(fitted):
    texts = ["<script>alert(1)</script>", "=HYPERLINK(\"http://x\")", "\x00\x01binary", "x" * 100_000,
             None, "Le parking est trop cher", 42]
    out = fitted.assign(texts)
    assert len(out) == len(texts)
    assert set(out["theme_status"]) <= {"assigned", "unassigned", "empty"}
    assert out.iloc[0]["theme_status"] == "empty" and out.iloc[4]["theme_status"] == "empty"
