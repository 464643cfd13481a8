"""What /healthz says about each loaded model: name, kind, creation date and manifest hash."""
from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel, Field

from complaint_insight.artifacts import sha256_file


class ModelInfo(BaseModel):
    name: str = Field(description="Model folder name, or the class name of a model passed in code")
    kind: str | None = None
    created: str | None = None
    manifest_sha256: str | None = Field(
        default=None, description="SHA-256 of manifest.json, which lists the SHA-256 of every model file"
    )


def describe(model, folder: str | Path | None) -> ModelInfo:
    """Describe ``model``, loaded from ``folder`` (None when it was built in code)."""
    manifest = Path(folder) / "manifest.json" if folder is not None else None
    if manifest is None or not manifest.is_file():
        return ModelInfo(name=type(model).__name__)
    doc = json.loads(manifest.read_text(encoding="utf-8"))
    return ModelInfo(
        name=Path(folder).name, kind=doc.get("kind"), created=doc.get("created"), manifest_sha256=sha256_file(manifest)
    )
