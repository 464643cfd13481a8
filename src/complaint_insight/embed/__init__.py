"""Sentence embedders behind one small interface, loaded once per process.

``get_embedder("static")`` (the default) is the bundled model2vec model distilled from
all-MiniLM-L6-v2: no torch, ~tens of thousands of texts/s. ``get_embedder("minilm")`` is the
full all-MiniLM-L6-v2 through sentence-transformers (``pip install complaint-insight[st]``).
Any object with ``name``, ``dim`` and ``encode(texts) -> (n, dim) float32`` can be passed instead.
"""
from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np


@runtime_checkable
class Embedder(Protocol):
    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return an ``(len(texts), dim)`` float32 array of L2-normalised rows."""
        ...


_CACHE: dict[str, Embedder] = {}
_LOCK = threading.Lock()


def get_embedder(spec: "str | Path | Embedder" = "static") -> Embedder:
    """Return a shared embedder for ``spec``: ``"static"``, ``"minilm"``, a model folder, or an Embedder."""
    if not isinstance(spec, (str, Path)):
        if isinstance(spec, Embedder):
            return spec
        raise TypeError(f"embedder must be a name, a path or an Embedder, got {type(spec).__name__}")
    key = str(spec)
    with _LOCK:
        if key not in _CACHE:
            _CACHE[key] = _build(key)
        return _CACHE[key]


def _build(key: str) -> Embedder:
    from complaint_insight.resources import DEFAULT_EMBEDDER, model_path

    if key in ("static", "default", DEFAULT_EMBEDDER):
        from complaint_insight.embed.static import StaticEmbedder

        return StaticEmbedder(model_path(DEFAULT_EMBEDDER))
    if key in ("minilm", "sentence-transformers", "all-MiniLM-L6-v2"):
        from complaint_insight.embed.sentence import SentenceTransformerEmbedder

        return SentenceTransformerEmbedder()
    path = Path(key)
    if path.is_dir() and (path / "manifest.json").is_file():
        from complaint_insight.embed.static import StaticEmbedder

        return StaticEmbedder(path)
    from complaint_insight.errors import ConfigError

    raise ConfigError(f"unknown embedder {key!r}; use 'static', 'minilm' or a model folder with a manifest.json")


__all__ = ["Embedder", "get_embedder"]
