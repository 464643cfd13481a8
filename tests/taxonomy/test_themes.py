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
