"""The default suggester decides a text's categories with the shipped trained categorisers."""
import pytest

from complaint_insight.actions import ActionSuggester, TrainedCategorySource, suggest_actions
from complaint_insight.actions.categories import threshold_score
from complaint_insight.errors import InputError


def test_threshold_score_is_one_half_at_the_threshold_and_monotone():
    assert threshold_score(0.2, 0.2) == 0.5
    assert threshold_score(1.0, 0.2) == 1.0
    assert threshold_score(0.1, 0.2) == 0.25
    assert threshold_score(0.01, 0.2) == 0.0  # under the floor: noise, dropped
    scores = [threshold_score(p / 100, 0.3) for p in range(101)]
    assert scores == sorted(scores)


def test_trained_source_uses_the_shipped_models_and_similarity_for_the_rest():
    source = TrainedCategorySource(("hcat", "qdc", "uk_public_services"))
    assert source.trained == ("hcat", "qdc")
    assert source.origin("qdc") == "categoriser" and source.origin("uk_public_services") == "similarity"
    scores = source("We waited five hours in A&E and nobody told us what was happening.")
    assert max(scores["qdc"], key=scores["qdc"].get) == "timeliness_of_care"
    assert scores["qdc"]["timeliness_of_care"] >= 0.5  # over its threshold
    assert set(scores["hcat"]) <= {"quality", "safety", "environment", "institutional_processes", "listening",
                                   "communication", "respect_patient_rights"}


def test_default_suggestions_say_a_category_came_from_the_categoriser():
    text = "Dad was discharged at midnight with no care package and no one told us he was coming home."
    results = suggest_actions(text, k=3)
    assert any("from the categoriser" in r.why for r in results)
    assert any(c.startswith("qdc:") for r in results for c in r.categories)


def test_category_source_choices():
    text = "The ward toilets were filthy."
    similarity = ActionSuggester(category_source="similarity").suggest(text, k=3)
    assert all("from the categoriser" not in r.why for r in similarity)
    with pytest.raises(InputError, match="category_source must be"):
        ActionSuggester(category_source="psychic").suggest(text)
