"""Where the shipped models and data live, found without any network access."""
from __future__ import annotations

import os
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def models_dir() -> Path:
    """The folder of shipped models.

    ``$COMPLAINT_INSIGHT_MODELS`` wins; otherwise the repository's ``models/`` (source checkout or
    editable install), otherwise ``complaint_insight/_models`` inside an installed wheel.
    """
    env = os.environ.get("COMPLAINT_INSIGHT_MODELS")
    if env:
        return Path(env)
    for candidate in (_PACKAGE_DIR.parents[1] / "models", _PACKAGE_DIR / "_models"):
        if candidate.is_dir():
            return candidate
    return _PACKAGE_DIR.parents[1] / "models"


def model_path(name: str) -> Path:
    return models_dir() / name


def package_data(*parts: str) -> Path:
    return _PACKAGE_DIR.joinpath(*parts)


DEFAULT_EMBEDDER = "static-minilm"
DEFAULT_CLASSIFIER = "complaint-classifier"
