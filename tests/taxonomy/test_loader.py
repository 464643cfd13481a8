import json

import pytest

from complaint_insight.errors import ConfigError
from complaint_insight.taxonomy import TaxonomyError, available_taxonomies, load_taxonomy


def write(tmp_path, text, name="t.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problem_lines(exc: TaxonomyError) -> dict[int, str]:
    return {p.line: p.message for p in exc.problems}


def test_builtins_load_with_expected_levels():
    assert set(available_taxonomies()) >= {"hcat", "qdc", "uk_public_services", "retail"}
    hcat = load_taxonomy("hcat")
    assert hcat.predicted_ids == [
        "quality", "safety", "environment", "institutional_processes", "listening", "communication",
        "respect_patient_rights",
    ]
    assert hcat.rollup("safety_medication_errors") == "safety"
    assert hcat.rollup("clinical") is None
    assert len(load_taxonomy("qdc").predicted_ids) == 50
    assert len(load_taxonomy("retail").predicted_ids) == 8


def test_duplicate_id_names_both_lines(tmp_path):
    path = write(tmp_path, "id: t\ncategories:\n  - id: a\n    description: x\n  - id: a\n    description: y\n")
    with pytest.raises(TaxonomyError) as info:
        load_taxonomy(path)
    assert problem_lines(info.value) == {5: "duplicate category id 'a' (first defined on line 3)"}
    assert f"{path}:5:" in str(info.value)


def test_missing_and_empty_description_named_by_line(tmp_path):
    path = write(tmp_path, "id: t\ncategories:\n  - id: a\n    name: A\n  - id: b\n    description: '  '\n")
    with pytest.raises(TaxonomyError) as info:
        load_taxonomy(path)
    assert problem_lines(info.value) == {3: "category 'a' has no description", 6: "category 'b' has no description"}


def test_cycle_and_unknown_parent(tmp_path):
    text = (
        "id: t\ncategories:\n"
        "  - id: a\n    parent: b\n    description: x\n"
        "  - id: b\n    parent: a\n    description: y\n"
        "  - id: c\n    parent: nowhere\n    description: z\n"
    )
    with pytest.raises(TaxonomyError) as info:
        load_taxonomy(write(tmp_path, text))
    lines = problem_lines(info.value)
    assert lines[4] == "parent links form a cycle: a (line 3) -> b (line 6) -> a (line 3)"
    assert lines[10] == "category 'c' has unknown parent 'nowhere'"


def test_self_parent_is_a_cycle(tmp_path):
    with pytest.raises(TaxonomyError, match="cycle: a \\(line 3\\) -> a"):
        load_taxonomy(write(tmp_path, "id: t\ncategories:\n  - id: a\n    parent: a\n    description: x\n"))


def test_type_errors_get_lines(tmp_path):
    text = "id: t\ncategories:\n  - id: a\n    description: x\n    examples: [ok, 5]\n  - id: 'b;c'\n    description: y\n"
    with pytest.raises(TaxonomyError) as info:
        load_taxonomy(write(tmp_path, text))
    lines = problem_lines(info.value)
    assert set(lines) == {5, 6}
    assert "examples.1" in lines[5] and "categories.1.id" in lines[6]


def test_duplicate_yaml_key_and_syntax_error(tmp_path):
    dup = "id: t\ncategories:\n  - id: a\n    description: x\n    description: y\n"
    with pytest.raises(TaxonomyError) as info:
        load_taxonomy(write(tmp_path, dup))
    assert problem_lines(info.value) == {5: "key 'description' appears twice (first on line 4)"}
    with pytest.raises(TaxonomyError, match=r"t.yaml:3: invalid YAML"):
        load_taxonomy(write(tmp_path, "id: t\ncategories:\n  - id: a: b\n    description: x\n"))


def test_json_file_errors_have_lines(tmp_path):
    data = {"id": "t", "categories": [{"id": "a", "description": "x"}, {"id": "a", "description": "y"}]}
    path = write(tmp_path, json.dumps(data, indent="\t"), "t.json")
    with pytest.raises(TaxonomyError) as info:
        load_taxonomy(path)
    assert problem_lines(info.value) == {9: "duplicate category id 'a' (first defined on line 5)"}
    with pytest.raises(TaxonomyError, match=r"t.json:1: invalid JSON"):
        load_taxonomy(write(tmp_path, '{"id": "t",, }', "t.json"))


def test_valid_json_taxonomy_loads(tmp_path):
    data = {"id": "t", "severity_scale": {"1": "low"}, "categories": [{"id": "a", "description": "x"}]}
    taxonomy = load_taxonomy(write(tmp_path, json.dumps(data), "t.json"))
    assert taxonomy.predicted_ids == ["a"] and taxonomy.severity_scale == {1: "low"}


def test_unknown_name_lists_builtins():
    with pytest.raises(ConfigError) as info:
        load_taxonomy("hact")
    message = str(info.value)
    assert "unknown taxonomy 'hact'" in message
    for name in ("hcat", "qdc", "retail", "uk_public_services"):
        assert name in message


def test_missing_file_and_not_a_mapping(tmp_path):
    with pytest.raises(ConfigError, match="not found"):
        load_taxonomy(tmp_path / "missing.yaml")
    with pytest.raises(TaxonomyError, match="expected a mapping"):
        load_taxonomy(write(tmp_path, "- just\n- a list\n"))
    with pytest.raises(TaxonomyError, match="'categories' must be a non-empty list"):
        load_taxonomy(write(tmp_path, "id: t\ncategories: []\n"))


def test_predict_level_includes_shallower_leaves(tmp_path):
    text = "id: t\npredict_level: 1\ncategories:\n  - id: a\n    description: x\n  - id: b\n    parent: a\n    description: y\n  - id: c\n    description: z\n"
    taxonomy = load_taxonomy(write(tmp_path, text))
    assert taxonomy.predicted_ids == ["b", "c"]
    assert taxonomy.prototypes("b") == (["b: y"], [])
