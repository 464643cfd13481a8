import numpy as np
import pandas as pd
import pytest

from complaint_insight.errors import InputError
from complaint_insight.taxonomy import theme_category_shares


def test_shares_of_theme_and_of_category():
    frame = pd.DataFrame(
        {
            "theme_id": [1, 1, 1, 1, 2, 2, None],
            "categories": ["communication;listening", "communication", "", "communication;communication", ["safety"],
                           "communication", "communication"],
        }
    )
    table = theme_category_shares(frame)
    rows = {(r.theme_id, r.category): r for r in table.itertuples()}
    assert rows[(1, "communication")].complaints == 3 and rows[(1, "communication")].theme_size == 4
    assert rows[(1, "communication")].share_of_theme == pytest.approx(0.75)
    assert rows[(1, "communication")].share_of_category == pytest.approx(0.75)  # 3 of the 4 themed ones
    assert rows[(1, "(none)")].share_of_theme == pytest.approx(0.25)
    assert rows[(2, "safety")].share_of_theme == pytest.approx(0.5)
    assert list(table.loc[table.theme_id == 1, "category"])[0] == "communication"  # largest share first


def test_missing_columns_and_empty_input():
    with pytest.raises(InputError, match="column 'theme_id' not found"):
        theme_category_shares(pd.DataFrame({"categories": ["a"]}))
    empty = theme_category_shares(pd.DataFrame({"theme_id": [None], "categories": ["a"]}))
    assert empty.empty and "share_of_theme" in empty.columns


# -- map_themes_to_categories: authored toy data, figures worked out by hand -------------------------
from complaint_insight.taxonomy import dominant_categories, map_themes_to_categories  # noqa: E402


def test_map_from_joined_lists_share_lift_and_dominant():
    themes = ["parking", "parking", "parking", "parking", "food", "food", "", None]
    cats = ["environment;access", "environment", "environment", "", "food", "food;environment", "food", "access"]
    table = map_themes_to_categories(themes, cats)
    row = table.set_index(["theme_id", "category_id"])
    # 6 themed complaints; environment on 4 of them overall
    assert row.loc[("parking", "environment"), "n"] == 3
    assert row.loc[("parking", "environment"), "share_of_theme"] == pytest.approx(3 / 4)
    assert row.loc[("parking", "environment"), "overall_share"] == pytest.approx(4 / 6)
    assert row.loc[("parking", "environment"), "lift"] == pytest.approx((3 / 4) / (4 / 6))
    assert row.loc[("parking", "environment"), "share_of_category"] == pytest.approx(3 / 4)
    assert row.loc[("food", "food"), "lift"] == pytest.approx(1.0 / (2 / 6))
    assert row.loc[("parking", "(none)"), "share_of_theme"] == pytest.approx(1 / 4)
    assert not row.loc[("parking", "(none)"), "dominant"]
    dominant = dominant_categories(table).set_index("theme_id")
    assert dominant.loc["parking", "category_id"] == "environment"
    assert dominant.loc["food", "category_id"] == "food"
    assert dominant.loc["food", "theme_size"] == 2


def test_matrix_input_names_from_taxonomy_and_min_share():
    matrix = np.array([[1, 0, 0], [1, 1, 0], [0, 1, 0], [0, 0, 1]])
    table = map_themes_to_categories([0, 0, 0, 1], matrix, ["quality", "safety", "environment"], taxonomy="hcat")
    row = table.set_index(["theme_id", "category_id"])
    assert row.loc[(0, "quality"), "category_name"] == "Quality"
    # tie on share (2/3 each): the higher lift wins; quality is 2/4 overall and safety 2/4 → same lift → id order
    assert row.loc[(0, "quality"), "dominant"] and not row.loc[(0, "safety"), "dominant"]
    assert row.loc[(1, "environment"), "lift"] == pytest.approx(4.0)
    filtered = map_themes_to_categories([0, 0, 0, 1], matrix, ["quality", "safety", "environment"], min_share=0.7)
    assert set(filtered["category_id"]) == {"environment"}
    frame = pd.DataFrame(matrix, columns=["quality", "safety", "environment"])
    same = map_themes_to_categories([0, 0, 0, 1], frame)
    pd.testing.assert_frame_equal(same, map_themes_to_categories([0, 0, 0, 1], matrix, ["quality", "safety", "environment"]))


def test_tie_on_share_goes_to_higher_lift():
    # theme A: x and y each on 1 of 2; overall x is rare (1 of 4), y common (3 of 4) -> x dominant
    table = map_themes_to_categories(["A", "A", "B", "B"], ["x", "y", "y", "y"])
    assert table.loc[table.dominant & (table.theme_id == "A"), "category_id"].item() == "x"


def test_theme_map_bad_input():
    with pytest.raises(InputError, match="needs category_ids"):
        map_themes_to_categories([1, 2], np.eye(2))
    with pytest.raises(InputError, match="only 0 and 1"):
        map_themes_to_categories([1, 2], np.array([[2, 0], [0, 1]]), ["a", "b"])
    with pytest.raises(InputError, match="2 theme ids but 3"):
        map_themes_to_categories([1, 2], ["a", "b", "c"])
    with pytest.raises(InputError, match="not in category_ids: zz"):
        map_themes_to_categories([1, 2], ["a", "zz"], ["a", "b"])
    with pytest.raises(InputError, match="';'-joined"):
        map_themes_to_categories([1], [{"a": 1}])
    with pytest.raises(ValueError, match="min_share"):
        map_themes_to_categories([1], ["a"], min_share=2)
    empty = map_themes_to_categories([None, ""], ["a", "b"])
    assert empty.empty and "lift" in empty.columns
    with pytest.raises(InputError, match="not a theme map"):
        dominant_categories(pd.DataFrame({"theme_id": [1]}))


def test_dominant_is_empty_for_a_theme_without_categories():
    table = map_themes_to_categories([1, 1, 2], ["", "", "a"])
    dominant = dominant_categories(table).set_index("theme_id")
    assert pd.isna(dominant.loc[1, "category_id"]) and dominant.loc[2, "category_id"] == "a"
