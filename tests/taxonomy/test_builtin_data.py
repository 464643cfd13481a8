"""The authored taxonomy data is consistent with the taxonomy files it labels."""
import pytest

from complaint_insight.datasets import dedup_key
from complaint_insight.taxonomy import load_taxonomy
from complaint_insight.taxonomy.corpora import AUTHORED, authored_examples
from complaint_insight.taxonomy.labels import label_matrix


@pytest.mark.parametrize("taxonomy_id", sorted(AUTHORED))
def test_authored_examples_use_known_categories_and_splits(taxonomy_id):
    rows = authored_examples(taxonomy_id)
    taxonomy = load_taxonomy(taxonomy_id)
    labels = label_matrix(taxonomy, rows["labels"].tolist(), len(rows))  # raises on an unknown id
    assert set(rows["split"]) == {"train", "test"}
    assert labels.Y.sum(axis=1).min() >= 1  # every example has a category
    test_ids = set(labels.Y[(rows["split"] == "test").to_numpy()].nonzero()[1])
    assert len(test_ids) == len(taxonomy.predicted_ids)  # every category is tested


@pytest.mark.parametrize("taxonomy_id", sorted(AUTHORED))
def test_no_authored_row_repeats_a_taxonomy_example_or_crosses_splits(taxonomy_id):
    rows = authored_examples(taxonomy_id)
    keys = rows["text"].map(dedup_key)
    assert not keys.duplicated().any()
    examples = {dedup_key(e) for c in load_taxonomy(taxonomy_id).categories for e in c.examples}
    assert not examples & set(keys)


def test_hcat_severities_are_on_the_scale():
    rows = authored_examples("hcat")
    levels = {level for row in rows["labels"] for level in row.values()}
    assert levels <= {1, 2, 3}


def test_qdc_leaves_map_to_distinct_corpus_columns():
    qdc = load_taxonomy("qdc")
    columns = [qdc.by_id[c].extra("corpus_column") for c in qdc.predicted_ids]
    assert all(columns) and len(set(columns)) == len(columns)
