"""The static embedder is shared by every thread of the service: concurrent encodes must work."""
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from complaint_insight.embed import get_embedder


def test_concurrent_encodes_give_the_same_vectors_as_serial_ones():
    embedder = get_embedder("static")
    texts = [f"The ward was noisy at night, bed {i}. " * 5 for i in range(60)]
    batches = [texts[i : i + 30] for i in range(0, 31, 10)] * 4
    expected = [embedder.encode(batch) for batch in batches]

    def encode_many(batch):
        return [embedder.encode(batch) for _ in range(5)][-1]

    with ThreadPoolExecutor(8) as pool:  # without the lock: RuntimeError "Already borrowed"
        results = list(pool.map(encode_many, batches))
    for got, want in zip(results, expected):
        np.testing.assert_array_equal(got, want)
