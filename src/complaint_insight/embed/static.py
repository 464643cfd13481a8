"""The default embedder: a static (model2vec) model shipped in ``models/``."""
from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from complaint_insight.artifacts import ArtifactError, verify


class StaticEmbedder:
    """Token-embedding lookup + mean pooling; deterministic, thread-safe, no torch."""

    def __init__(self, path: str | Path, *, batch_size: int = 2048):
        self.path = Path(path)
        manifest = verify(self.path, kind="static-embedder")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # never reach for the network
        from model2vec import StaticModel

        try:
            self._model = StaticModel.from_pretrained(str(self.path))
        except Exception as exc:  # safetensors/tokenizers/json raise their own types for corrupt files
            raise ArtifactError(f"{self.path}: not a readable static embedder: {exc}") from None
        self.dim = int(self._model.dim)
        self.name = f"static:{self.path.name}@{manifest['files']['model.safetensors']['sha256'][:12]}"
        self.batch_size = batch_size
        # model2vec reconfigures its (Rust) tokenizer on every encode call; two threads at once
        # fail with "Already borrowed" (the service categorises and suggests in worker threads).
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        # model2vec's multiprocessing would fork per call; batching in-process is faster here.
        with self._lock:
            vectors = self._model.encode(list(texts), batch_size=self.batch_size, use_multiprocessing=False)
        return np.asarray(vectors, dtype=np.float32)
