"""The fast tokenisers (``bytes.translate`` + split) give exactly the regular expressions' tokens.

Both feed the shipped classifier: a different token would change features, so this is checked on
arbitrary text built to hit the edge cases (apostrophes at word starts, "!" and "?" next to
words, emoticon characters, digits, underscores, non-ASCII).
"""
from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from complaint_insight.triage.lexicon import _TOKEN, _tokens
from complaint_insight.triage.scorer import _WordBlock

pieces = st.one_of(
    st.text(max_size=20),
    st.text(alphabet="ab'!?:;=-()dp/\\|_09 .,\n\t", max_size=20),
    st.sampled_from(["don't", "'n'", "rock 'n' roll", "it's'", "!!", "?!", ":)", ";-(", "=d", "covid19", "a_b",
                     "x", "I", "İ", "naïve", "\u2019", "GREAT!!!", " '", "''", "o'", "__", "1 2 3"]),
)
texts = st.lists(pieces, max_size=10).map("".join)
DEFAULT_BLOCK = {"token_pattern": r"(?u)\b\w\w+\b", "lowercase": True, "ngram_range": [1, 2],
                 "sublinear_tf": True, "vocabulary": ["rude", "rude staff"]}


@settings(max_examples=400, deadline=None)
@given(texts)
def test_lexicon_tokens_equal_the_regex(text):
    low = text.lower()
    assert _tokens(low) == _TOKEN.findall(low)


@settings(max_examples=400, deadline=None)
@given(texts)
def test_word_block_tokens_equal_scikit_learns_pattern(text):
    import numpy as np

    block = _WordBlock(DEFAULT_BLOCK, np.ones(2), np.ones(2))
    assert block.default_pattern
    assert block.tokens(text) == re.findall(DEFAULT_BLOCK["token_pattern"], text)
    assert block.tokens(text.lower()) == re.findall(DEFAULT_BLOCK["token_pattern"], text.lower())


def test_a_custom_token_pattern_is_used_as_given():
    import numpy as np

    block = _WordBlock({**DEFAULT_BLOCK, "token_pattern": r"\S+"}, np.ones(2), np.ones(2))
    assert not block.default_pattern
    assert block.tokens("a b! c") == ["a", "b!", "c"]


chunk_pieces = st.one_of(
    st.text(alphabet="abhe t'|!-\n\t\r\x0b\x0c\xa0\u2003", max_size=12),
    st.sampled_from(["he", "the", "hes", "she", " he ", "n't", "didn't", "😟", "\u2019", "naïve", "m²", "İ", "  ", "a|b"]),
)
chunk_texts = st.lists(chunk_pieces, max_size=12).map("".join)


@settings(max_examples=400, deadline=None)
@given(chunk_texts)
def test_chunk_index_fast_path_equals_the_boundary_scan(text):
    """Finding words in the marked copy of a text gives the chunks the character scan gives."""
    from complaint_insight.triage.rules import _ChunkIndex, letter_runs

    low = text.lower()
    words = letter_runs(low)
    split_from = {"he": {"hes"}}
    fast, slow = _ChunkIndex(low, words, split_from), _ChunkIndex(low, words, split_from)
    slow.ascii_letters = False  # force the per-character boundary scan
    for form in ("he", "the", "a", "b", "t", "n't", "na", "ve", "m", "i"):
        assert fast.chunks(form) == slow.chunks(form), form


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.tuples(st.integers(0, 7), st.floats(-2, 2, width=32)), max_size=5), min_size=1, max_size=40),
       st.integers(1, 9))
def test_word_features_dot_equals_the_dense_product_at_any_block_size(rows, block_rows):
    """Blocked ``X @ W`` (rows without terms included) gives every row the same sum as one pass."""
    import numpy as np

    from complaint_insight.triage.scorer import WordFeatures

    indptr = np.cumsum([0] + [len(r) for r in rows]).astype(np.int64)
    indices = np.asarray([c for r in rows for c, _ in r], dtype=np.int32)
    values = np.asarray([v for r in rows for _, v in r], dtype=np.float64)
    features = WordFeatures(indptr, indices, values, 8, "")
    weights = np.arange(24, dtype=np.float32).reshape(8, 3) / 7
    dense = np.zeros((len(rows), 8), dtype=np.float32)
    for i, r in enumerate(rows):
        for c, v in r:
            dense[i, c] += np.float32(v)
    got = features.dot(weights, block_rows=block_rows)
    assert got.shape == (len(rows), 3)
    np.testing.assert_allclose(got, dense.astype(np.float64) @ weights.astype(np.float64), rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(got, features.dot(weights, block_rows=len(rows)))
