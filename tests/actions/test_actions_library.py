import pytest

from complaint_insight.actions import LibraryError, load_library
from complaint_insight.actions.categories import taxonomy_categories
from complaint_insight.actions.loader import rca2_hierarchy
from complaint_insight.errors import ConfigError


BRIEF_THEMES = (
    "waiting_times",
    "communication",
    "staff_attitude",
    "discharge",
    "medication",
    "food_hydration",
    "cleanliness",
    "appointments_letters",
    "transport_parking",
    "complaints_handling",
    "repairs",
    "damp_mould",
)


@pytest.fixture(scope="module")
def library():
    return load_library()


def test_builtin_library_loads_with_every_reference_resolved(library):
    assert len(library.actions) > 100
    assert {f.library for f in library.files} == {"common_themes", "hcat", "qdc", "uk_public_services"}
    for action in library.actions.values():
        assert action.owner and action.measure and action.strength in ("stronger", "intermediate", "weaker")
        for theme in action.applies_to.themes:
            assert theme in library.themes
        for taxonomy, ids in action.applies_to.categories.items():
            assert set(ids) <= set(taxonomy_categories(taxonomy))


@pytest.mark.parametrize("theme", BRIEF_THEMES)
def test_each_common_theme_has_a_stronger_or_intermediate_action(library, theme):
    strengths = {a.strength for a in library.actions.values() if theme in a.applies_to.themes}
    assert strengths & {"stronger", "intermediate"}


def test_every_taxonomy_is_covered(library):
    for taxonomy in ("hcat", "qdc", "uk_public_services"):
        keyed = {c for a in library.actions.values() for c in a.applies_to.categories.get(taxonomy, [])}
        keyed |= {c for t in library.themes.values() for c in t.categories.get(taxonomy, [])}
        assert len(keyed) >= 10, taxonomy


def test_rca2_levels_follow_the_npsf_table():
    hierarchy = {k: v[0] for k, v in rca2_hierarchy().items()}
    assert hierarchy["forcing_function"] == "stronger"
    assert hierarchy["leadership_involvement"] == "stronger"
    assert hierarchy["staffing_workload"] == "intermediate"  # RCA2 puts staffing in the middle band
    assert hierarchy["checklist_cognitive_aid"] == "intermediate"
    assert hierarchy["training"] == "weaker" and hierarchy["new_policy"] == "weaker"


def test_organisation_file_adds_themes_and_actions_and_retires(org_file):
    library = load_library([org_file])
    assert "org.open-visiting" in library.actions and "visiting" in library.themes
    assert library.actions["org.open-visiting"].strength == "stronger"  # derived from the action type
    assert library.actions["org.open-visiting"].library == "st_elsewhere"
    assert "wait.apology-briefing" not in library.actions
    assert "st_elsewhere 2024.1" in library.versions()


@pytest.fixture
def problems(tmp_path, write_file):
    def load(body: str) -> str:
        path = write_file(tmp_path / "bad.yaml", body)
        with pytest.raises(LibraryError) as info:
            load_library([path])
        return str(info.value)

    return load


def test_unknown_key_is_reported_with_file_and_line(problems):
    message = problems(
        """
        library: bad
        version: "1"
        actions:
          - id: bad.one
            text: Install a queueing phone system with call-back.
            owenr: practice manager
            action_type: software_enhancement
            applies_to: {themes: [waiting_times]}
            measure: Average answer time.
        """,
    )
    assert "bad.yaml:6:" in message and "unknown key 'owenr'" in message
    assert "missing required key 'owner'" in message  # both problems are reported at once


def test_strength_that_contradicts_rca2_is_refused_with_line(problems):
    message = problems(
        """
        library: bad
        version: "1"
        actions:
          - id: bad.training
            text: Retrain all staff in customer care.
            owner: learning and development lead
            action_type: training
            strength: stronger
            applies_to: {themes: [staff_attitude]}
            measure: Training completion.
        """,
    )
    assert "bad.yaml:3:" in message or "bad.yaml:4:" in message
    assert "disagrees with action_type 'training'" in message and "weaker" in message


def test_unknown_action_type_theme_and_category_are_named(problems):
    message = problems(
        """
        library: bad
        version: "1"
        actions:
          - id: bad.theme
            text: Something concrete to do about it all.
            owner: someone in charge
            action_type: software_enhancement
            applies_to:
              themes: [waiting_tims]
              categories:
                hcat: [institutional_waiting_time]
            measure: Complaints per month.
        """,
    )
    assert "bad.yaml:9: unknown theme 'waiting_tims'" in message
    assert "bad.yaml:11: unknown hcat category 'institutional_waiting_time'" in message


def test_duplicate_action_id_and_invalid_yaml_and_repeated_key(problems, tmp_path, write_file):
    message = problems(
        """
        library: dup
        version: "1"
        actions:
          - id: wait.front-door-streaming
            text: Another action with a taken identifier.
            owner: someone in charge
            action_type: redundancy
            applies_to: {themes: [waiting_times]}
            measure: Complaints per month.
        """,
    )
    assert (
        "bad.yaml:4: action id 'wait.front-door-streaming' already defined at" in message
        and "common_themes.yaml" in message
    )

    broken = write_file(tmp_path / "broken.yaml", "library: x\nversion: '1'\nactions: [\n")
    with pytest.raises(ConfigError, match=r"broken.yaml:\d+: invalid YAML"):
        load_library([broken])
    repeated = write_file(tmp_path / "repeated.yaml", "library: x\nversion: '1'\nlibrary: y\n")
    with pytest.raises(ConfigError, match=r"repeated.yaml:3: key 'library' repeated \(first on line 1\)"):
        load_library([repeated])


def test_action_without_target_and_retire_of_unknown(problems):
    message = problems(
        """
        library: bad
        version: "1"
        actions:
          - id: bad.nothing
            text: An action that applies to nothing at all.
            owner: someone in charge
            action_type: redundancy
            applies_to: {}
            measure: Complaints per month.
        """,
    )
    assert (
        "bad.yaml:8: actions[0] (bad.nothing).applies_to: applies_to needs at least one theme or category"
        in message
    )
    message = problems('library: bad\nversion: "1"\nretire: [no.such.action]\n')
    assert message.endswith("bad.yaml:3: cannot retire unknown action 'no.such.action'")


def test_missing_file_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_library([tmp_path / "nope.yaml"])
