"""The shipped QDC model against the NHS FFT corpus (slow; skipped without ../shared/datasets)."""
import json

import numpy as np
import pytest

from complaint_insight.datasets import have_shared_datasets
from complaint_insight.resources import model_path
from complaint_insight.taxonomy import load_categoriser, load_taxonomy
from complaint_insight.taxonomy.metrics import multilabel_report

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not have_shared_datasets(), reason="shared datasets not present (../shared/datasets)"),
]


def test_shipped_qdc_model_reproduces_its_card_on_the_test_split():
    from complaint_insight.taxonomy.corpora import qdc_corpus

    rows, labels = qdc_corpus()
    metrics = json.loads((model_path("qdc-categoriser") / "metrics.json").read_text())
    scored = [c for c in load_taxonomy("qdc").predicted_ids if c not in metrics["excluded_categories"]]
    test = (rows["split"] == "test").to_numpy()
    model = load_categoriser("qdc")
    predicted = model.predict(rows.loc[test, "text"].tolist())
    cols = [list(model.classes_).index(c) for c in scored]
    _, summary = multilabel_report(labels.loc[test, scored].to_numpy(), predicted[:, cols], scored)
    assert summary["micro_f1"] == pytest.approx(metrics["test_summary"]["micro_f1"], abs=1e-6)
    assert summary["macro_f1"] == pytest.approx(metrics["test_summary"]["macro_f1"], abs=1e-6)
    assert summary["micro_f1"] > 0.6 and np.isfinite(summary["macro_f1"])


def test_train_and_test_share_no_comment():
    from complaint_insight.datasets import dedup_key
    from complaint_insight.taxonomy.corpora import qdc_corpus

    rows, _ = qdc_corpus()
    keys = rows["text"].map(dedup_key)
    assert not set(keys[rows["split"] == "train"]) & set(keys[rows["split"] == "test"])
