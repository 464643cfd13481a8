"""On the real NHS FFT corpus (skipped when ../shared/datasets is absent)."""
import numpy as np
import pytest
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

from complaint_insight.themes import ThemeModel

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def complaints():
    from complaint_insight.datasets import load_nhs_fft

    df = load_nhs_fft()
    df = df[df["label"] == 1].reset_index(drop=True)
    codes = list(df.columns[df.columns.get_loc("Not assigned") + 1 : df.columns.get_loc("corpus")])
    values = df[codes].to_numpy()
    df["code"] = np.where(values.sum(axis=1) > 0, np.array(codes, dtype=object)[values.argmax(axis=1)], "none")
    return df


def test_nhs_complaints_order_free_and_agreeing_with_codes(complaints):
    model = ThemeModel(20).fit(complaints["text"])
    ids = model.fitted_assignments()["theme_id"].to_numpy()
    order = np.random.default_rng(1).permutation(len(complaints))
    shuffled = ThemeModel(20).fit(complaints["text"].iloc[order])
    back = np.empty(len(ids), dtype=object)
    back[order] = shuffled.fitted_assignments()["theme_id"].to_numpy()
    assert adjusted_rand_score(ids, back) == 1.0
    assert normalized_mutual_info_score(complaints["code"], ids) > 0.2
    assert (model.labels_ == -1).mean() < 0.02
    assert len({t.label for t in model.themes_}) == 20
