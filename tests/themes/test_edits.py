import pytest

from complaint_insight.errors import InputError
from complaint_insight.themes import ThemeModel


@pytest.fixture
def model(authored):
    return ThemeModel(5).fit(authored)


def _id_of(model, word):
    return next(t.id for t in model.themes_ if word in t.label.lower() or word in " ".join(t.key_phrases))


def test_rename_survives_refit(model, authored):
    parking = _id_of(model, "park")
    model.rename(parking, "Car parking")
    new = model.refit(authored.sample(frac=0.8, random_state=2))
    theme = new.theme(parking)
    assert theme.label == "Car parking" and theme.label_edited


def test_merge_then_refit_keeps_the_merge(model, authored):
    food, phone = _id_of(model, "food"), _id_of(model, "phone")
    model.merge([food, phone], label="Food and phones")
    assert model.n_themes_ == 4 and model.theme(food).label == "Food and phones"
    assert phone not in {t.id for t in model.themes_}
    assert model.fitted_assignments()["theme_id"].value_counts()[food] == 30
    new = model.refit(authored)
    assert new.theme(food).label == "Food and phones"
    assert phone not in {t.id for t in new.themes_}
    assert new.theme(food).size == 30


def test_split_creates_new_ids_and_survives_refit(model, authored):
    staff = _id_of(model, "rude")
    model.split(staff, authored, n=2)
    children = [t for t in model.themes_ if t.history and t.history[0].startswith(f"split from {staff}")]
    assert len(children) == 2 and staff not in {t.id for t in model.themes_}
    assert sum(c.size for c in children) == 15
    new = model.refit(authored)
    assert {c.id for c in children} <= {t.id for t in new.themes_}


def test_refit_keeps_ids_of_matched_themes(model, authored):
    new = model.refit(authored.sample(frac=0.9, random_state=5))
    new_ids = [t.id for t in new.themes_]
    for i, old in enumerate(model.themes_):
        assert old.id in new_ids, f"{old.id} lost"
        j = new_ids.index(old.id)
        assert float(new.cluster_centers_[j] @ model.cluster_centers_[i]) > 0.8


def test_edit_errors(model):
    with pytest.raises(InputError):
        model.merge(["T01"])
    with pytest.raises(InputError):
        model.rename("T99", "x")
    with pytest.raises(InputError):
        model.rename("T01", "  ")


def test_suggest_new_themes_from_unassigned(model):
    wifi = [f"The wifi in the waiting room {w} again" for w in
            ("dropped out", "was down", "did not work", "kept disconnecting", "failed", "was broken",
             "stopped working", "was unusable", "cut out", "was off")]
    suggestions = model.suggest_new_themes(wifi + ["The car park was full"], min_size=5)
    assert suggestions and "wifi" in (suggestions[0].label + " ".join(suggestions[0].key_phrases)).lower()
    assert suggestions[0].size >= 5
