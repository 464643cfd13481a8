import pandas as pd
import pytest

from complaint_insight.errors import ConfigError, InputError
from complaint_insight.taxonomy import TaxonomyError, load_crosswalk, load_taxonomy, to_ko41a


def test_builtin_crosswalk_covers_every_predicted_category():
    walk = load_crosswalk("ko41a")
    assert len(walk.subjects) == 22 and walk.other_code == "K22"
    for taxonomy_id in ("hcat", "qdc"):
        mapping = walk.map_for(load_taxonomy(taxonomy_id))
        assert set(load_taxonomy(taxonomy_id).predicted_ids) <= set(mapping)


def test_counts_go_to_primary_subject():
    table = to_ko41a({"quality": 3, "safety": 2, "safety_medication_errors": 1}, "hcat")
    counts = dict(zip(table["code"], table["complaints"]))
    assert counts["K13"] == 3 and counts["K04"] == 2 and counts["K14"] == 1
    assert table["complaints"].sum() == 6 and table["share"].sum() == pytest.approx(1.0)
    assert list(table.columns) == ["code", "subject", "complaints", "share"] and len(table) == 22


def test_frame_counts_each_complaint_once_under_its_first_category():
    frame = pd.DataFrame({"categories": ["safety;quality", "communication", "", None]})
    primary = to_ko41a(frame, "hcat")
    counts = dict(zip(primary["code"], primary["complaints"]))
    assert counts["K04"] == 1 and counts["K06"] == 1 and counts["K22"] == 2 and primary["complaints"].sum() == 4
    every = to_ko41a(frame, "hcat", mode="all")
    counts = dict(zip(every["code"], every["complaints"]))
    # safety -> K04, K14, K13; quality -> K13, K04, K11: each subject once per complaint
    assert counts["K04"] == 1 and counts["K13"] == 1 and counts["K11"] == 1 and counts["K14"] == 1
    assert every.set_index("code").loc["K04", "share"] == pytest.approx(0.25)


def test_errors_are_clear(tmp_path):
    with pytest.raises(ConfigError, match="has no map for taxonomy 'retail'"):
        to_ko41a({"delivery": 1}, "retail")
    with pytest.raises(InputError, match="unknown|no ko41a mapping"):
        to_ko41a({"not_a_category": 1}, "hcat")
    with pytest.raises(InputError, match="column 'categories' not found"):
        to_ko41a(pd.DataFrame({"x": [1]}), "hcat")
    with pytest.raises(ValueError):
        to_ko41a({"quality": 1}, "hcat", mode="some")
    bad = tmp_path / "walk.yaml"
    bad.write_text(
        "id: w\nsubjects:\n  - code: A\n    name: One\n  - code: A\n    name: Two\nmaps:\n  hcat:\n    quality: [Z]\n",
        encoding="utf-8",
    )
    with pytest.raises(TaxonomyError) as info:
        load_crosswalk(bad)
    problems = {(p.line, p.message) for p in info.value.problems}
    assert (5, "duplicate subject code 'A' (first on line 3)") in problems
    assert (9, "'quality' maps to unknown subject code 'Z'") in problems
    assert (8, "hcat category 'safety' has no mapping") in problems
