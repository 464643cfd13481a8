import numpy as np

from complaint_insight.datasets import load_authored
from complaint_insight.embed import get_embedder
from complaint_insight.embed.wordcache import WordCachedEncoder


def test_same_vectors_as_the_static_model():
    static = get_embedder("static")
    texts = load_authored("themes")["text"].tolist() + [
        "", "   ", "Café — naïve £30 😡", "x" * 2000, "A_B c-d (e) $5.00!!", "unknownwordzzzq qqq"]
    fast = WordCachedEncoder(static)
    a, b = static.encode(texts), fast.encode(texts)
    assert a.shape == b.shape and b.dtype == np.float32
    norms = np.linalg.norm(a, axis=1)
    cos = (a * b).sum(axis=1)
    assert np.all(cos[norms > 0] > 0.999)  # model2vec averages in float16, the cache in float32
    assert np.all(np.linalg.norm(b[norms == 0], axis=1) == 0)
    # Cached words give the same answer on a second call, alone or in a batch.
    np.testing.assert_allclose(fast.encode(texts[:1])[0], b[0], atol=1e-6)
    assert fast.name == static.name and fast.dim == static.dim
