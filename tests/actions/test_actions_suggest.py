import datetime as dt
from types import SimpleNamespace

import pytest

from complaint_insight.actions import (
    ActionSuggester,
    LogEntry,
    SQLiteLearningLog,
    categoriser_source,
    load_library,
    suggest_actions,
)
from complaint_insight.errors import InputError

RULES_LIBRARY = """
library: rules
version: "1"
themes:
  - id: noise
    label: Noise at night
    description: Wards too noisy at night for patients to sleep.
    key_phrases: [noise, noisy]
actions:
  - id: r.poster
    text: Put up posters asking staff to keep noise down at night.
    owner: ward manager
    action_type: warning
    applies_to: {themes: [noise], categories: {hcat: [environment_accommodation]}}
    measure: Complaints about noise.
  - id: r.training
    text: Train night staff on keeping noise down.
    owner: practice educator
    action_type: training
    applies_to: {themes: [noise], categories: {hcat: [environment_accommodation]}}
    measure: Complaints about noise.
  - id: r.policy
    text: Write a quiet-at-night policy for all wards.
    owner: matron
    action_type: new_policy
    applies_to: {themes: [noise], categories: {hcat: [environment_accommodation]}}
    measure: Complaints about noise.
  - id: r.soft-close-bins
    text: Fit soft-close bins and doors on every ward.
    owner: estates
    action_type: architectural_physical_change
    applies_to: {categories: {hcat: [environment_equipment]}}
    measure: Complaints about noise.
"""


@pytest.fixture
def rules(tmp_path, write_file, constant_embedder):
    library = load_library([write_file(tmp_path / "rules.yaml", RULES_LIBRARY)], builtin=False)
    return ActionSuggester(library, embedder=constant_embedder)


def test_equally_fitting_stronger_action_ranks_first(tmp_path, write_file, constant_embedder):
    body = RULES_LIBRARY.replace(
        "applies_to: {categories: {hcat: [environment_equipment]}}", "applies_to: {themes: [noise]}"
    )
    library = load_library([write_file(tmp_path / "rules.yaml", body)], builtin=False)
    results = ActionSuggester(library, embedder=constant_embedder).suggest(theme="noise", k=4)
    assert [r.strength for r in results] == ["stronger", "weaker", "weaker", "weaker"]
    assert results[0].action_id == "r.soft-close-bins"


def test_never_only_weaker_when_a_stronger_action_fits(rules):
    scores = {"hcat": {"environment_accommodation": 1.0, "environment_equipment": 0.5}}
    results = rules.suggest(category=scores, k=3)
    assert [r.strength for r in results][:2] == ["weaker", "weaker"]  # the weaker ones fit better ...
    assert results[-1].action_id == "r.soft-close-bins"  # ... but the last place goes to the stronger one
    assert "not only weaker actions" in results[-1].why
    assert [r.rank for r in results] == [1, 2, 3]


def test_only_weaker_when_nothing_stronger_fits(rules):
    scores = {"hcat": {"environment_accommodation": 1.0, "environment_equipment": 0.2}}
    results = rules.suggest(category=scores, k=3)
    assert {r.strength for r in results} == {"weaker"} and len(results) == 3


def test_builtin_themes_rank_a_stronger_or_intermediate_action_first():
    library = load_library()
    for theme in library.themes:
        results = suggest_actions(theme=theme, k=3)
        assert results, theme
        assert results[0].strength in ("stronger", "intermediate"), theme
        assert all(theme_label == library.themes[theme].label for theme_label in results[0].themes[:1])


@pytest.mark.parametrize(
    ("text", "theme"),
    [
        ("There is black mould all over the children's bedroom and the council blames us", "damp_mould"),
        ("Waited nine hours in A&E with no update at all", "waiting_times"),
        ("The toilets on the ward were filthy and the bins overflowing", "cleanliness"),
        ("Dad was sent home at midnight without his tablets and no care package", "discharge"),
        ("The boiler has been broken for a month and the contractor never turned up", "repairs"),
    ],
)
def test_text_gets_actions_for_its_theme_with_reasons(text, theme):
    library = load_library()
    results = suggest_actions(text, k=3)
    assert len(results) == 3
    on_theme = [r for r in results if theme in library.actions[r.action_id].applies_to.themes]
    assert on_theme, [r.action_id for r in results]
    assert library.themes[theme].label in on_theme[0].why and on_theme[0].words
    assert any(r.strength in ("stronger", "intermediate") for r in results)
    assert suggest_actions(text, k=3) == results  # deterministic


def test_retrain_staff_complaint_is_not_answered_with_training_alone():
    results = suggest_actions("The nurse was rude and dismissive, staff need retraining", k=3)
    assert any(r.strength in ("stronger", "intermediate") for r in results)


def test_theme_from_the_themes_package_and_its_log_history(log_path):
    theme = {
        "theme_id": "T003",
        "label": "mould in flats",
        "key_phrases": ["black mould", "damp walls"],
        "size": 41,
    }
    results = suggest_actions(theme=theme, k=3)
    assert "Damp and mould" in results[0].themes

    log = SQLiteLearningLog(log_path)
    log.add(_entry("T003", "mould in flats", "Employ a damp surveyor for the estate", status="done"))
    first = suggest_actions(theme=theme, k=3, log=log)[0]
    assert first.source == "learning_log" and first.past.theme_id == "T003" and first.action_id is None


def _entry(theme_id, label, text, *, status="planned", action_id=None, effect=None, ratio=None, p=None):
    return LogEntry(
        theme_id=theme_id,
        theme_label=label,
        action_id=action_id,
        action_text=text,
        owner="service manager",
        date_agreed=dt.date(2024, 1, 10),
        status=status,
        effect=effect,
        effect_ratio=ratio,
        effect_p=p,
    )


def test_what_worked_here_before_comes_first(log_path):
    log = SQLiteLearningLog(log_path)
    log.add(
        _entry(
            "waiting_times", "Waiting times and delays", "Extra triage nurse at weekends", status="planned"
        )
    )
    worked = log.add(
        _entry(
            "waiting_times",
            "Waiting times and delays",
            "Front-door streaming",
            status="done",
            action_id="wait.front-door-streaming",
            effect="fell: 20 a month before, 12 after",
            ratio=0.6,
            p=0.01,
        )
    )
    log.add(
        _entry("waiting_times", "Waiting times and delays", "Pager for the waiting room", status="abandoned")
    )
    log.add(_entry("damp_mould", "Damp and mould", "Mould wash for all flats", status="done"))
    log.add(_entry("T3", "bins not emptied", "Return for missed bins within two days", status="done"))

    results = suggest_actions(theme="waiting_times", k=3, log=log_path)
    assert [r.source for r in results] == ["learning_log", "learning_log", "library"]
    assert results[0].past.entry_id == worked.id and "fell" in results[0].why
    assert results[0].strength == "stronger"  # known from the library action it was based on
    assert results[1].text == "Extra triage nurse at weekends" and results[1].strength is None
    assert all("Pager" not in r.text and "Mould" not in r.text for r in results)
    assert results[2].action_id != "wait.front-door-streaming"  # not suggested twice

    text_results = suggest_actions("We waited seven hours in A&E", k=3, log=log)
    assert [r.source for r in text_results] == ["learning_log", "learning_log", "library"]
    assert all("bins" not in r.text for r in text_results)  # a log entry on another theme is not "similar"
    bins = suggest_actions("The bin men missed our road again", k=3, log=log)
    assert bins[0].text == "Return for missed bins within two days"


def test_category_input(rules):
    results = suggest_actions(category="qdc:discharge", k=3)
    library = load_library()
    assert all("discharge" in library.actions[r.action_id].applies_to.themes for r in results)
    assert "Discharge and going home" in results[0].why
    with pytest.raises(InputError, match="unknown qdc category"):
        suggest_actions(category="qdc:no_such_thing")
    with pytest.raises(InputError, match="unknown category"):
        suggest_actions(category="no_such_thing")
    with pytest.raises(InputError, match="between 0 and 1"):
        suggest_actions(category={"hcat": {"quality": 3}})


def test_ambiguous_bare_category_asks_for_the_taxonomy(tmp_path, write_file):
    extra = write_file(
        tmp_path / "own.yaml",
        """
        library: own
        version: "1"
        actions:
          - id: own.discharge
            text: Our own discharge coordinator for the surgical wards.
            owner: surgical matron
            action_type: staffing_workload
            applies_to: {categories: {our_taxonomy: [discharge]}}
            measure: Delayed discharges.
        """,
    )
    suggester = ActionSuggester(load_library([extra]))
    with pytest.raises(InputError, match=r"several taxonomies \(our_taxonomy, qdc\)"):
        suggester.suggest(category="discharge")
    assert suggester.suggest(category="our_taxonomy:discharge", k=1)[0].action_id == "own.discharge"


def test_categoriser_hook_replaces_the_similarity_stand_in():
    seen = []

    def source(text):
        seen.append(text)
        return {"hcat": {"safety_medication_errors": 0.9}}

    results = suggest_actions("It happened on the Tuesday evening.", k=5, category_source=source)
    assert seen == ["It happened on the Tuesday evening."]
    library = load_library()
    from_hook = [r for r in results if "hcat:safety_medication_errors" in r.categories]
    assert from_hook and "from the categoriser" in from_hook[0].why
    assert "medication" in library.actions[from_hook[0].action_id].applies_to.themes


def test_categoriser_source_adapts_categoriser_objects():
    class FakeCategoriser:
        def __init__(self, taxonomy, probabilities):
            self.taxonomy, self.probabilities = taxonomy, probabilities

        def categorise(self, texts):
            return [SimpleNamespace(taxonomy=self.taxonomy, probabilities=self.probabilities) for _ in texts]

    source = categoriser_source(
        [FakeCategoriser("hcat", {"quality": 0.2}), FakeCategoriser("qdc", {"food_drink": 0.8})]
    )
    assert source("any text") == {"hcat": {"quality": 0.2}, "qdc": {"food_drink": 0.8}}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "exactly one of text, theme or category"),
        ({"text": "a", "theme": "b"}, r"exactly one .*\(got text, theme\)"),
        ({"text": "   "}, "text is empty"),
        ({"text": "12345"}, "text is unreadable"),
        ({"text": ["a list"]}, "expected text"),
        ({"text": "rude staff", "k": 0}, "k must be"),
        ({"theme": "  "}, "theme is empty"),
    ],
)
def test_bad_input_is_a_clear_error(kwargs, message):
    with pytest.raises(InputError, match=message):
        suggest_actions(**kwargs)


def test_result_to_dict_is_json_ready():
    import json

    data = suggest_actions(theme="medication", k=1)[0].to_dict()
    assert json.loads(json.dumps(data))["strength"] in ("stronger", "intermediate")
    assert set(data) >= {"rank", "text", "owner", "strength", "why", "measure", "source"}
