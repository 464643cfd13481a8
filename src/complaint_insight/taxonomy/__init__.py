"""Standard and custom taxonomies: multi-label categories that make complaints comparable.

    from complaint_insight.taxonomy import load_categoriser
    categoriser = load_categoriser("hcat")          # shipped model if there is one, else zero-shot
    categoriser.categorise(["The ward was filthy and nobody listened"])

Taxonomies are data files (``builtin/*.yaml`` or a user's YAML/JSON); see docs/taxonomy.md.
"""
from __future__ import annotations

import threading
from pathlib import Path

from complaint_insight.errors import ConfigError
from complaint_insight.taxonomy.categoriser import Categoriser
from complaint_insight.taxonomy.crosswalk import load_crosswalk, to_ko41a
from complaint_insight.taxonomy.loader import TaxonomyError, available_taxonomies, load_taxonomy
from complaint_insight.taxonomy.result import Categorisation, CategoryScore
from complaint_insight.taxonomy.schema import Category, Taxonomy
from complaint_insight.taxonomy.themes import dominant_categories, map_themes_to_categories, theme_category_shares


def shipped_model_name(taxonomy_id: str) -> str:
    """Folder name under ``models/`` of the trained categoriser shipped for a built-in taxonomy."""
    return f"{taxonomy_id.replace('_', '-')}-categoriser"


def load_categoriser(taxonomy: "str | Path | Taxonomy", *, model: str | Path | None = None, zero_shot: bool = False) -> Categoriser:
    """A ready categoriser: ``model`` if given, else the shipped trained model for a built-in
    taxonomy (``models/<id>-categoriser``), else a zero-shot one built from the taxonomy itself."""
    from complaint_insight.resources import model_path

    if model is not None:
        return Categoriser.load(model)
    resolved = load_taxonomy(taxonomy)
    shipped = model_path(shipped_model_name(resolved.id))
    if not zero_shot and isinstance(taxonomy, str) and taxonomy in available_taxonomies() and shipped.is_dir():
        return Categoriser.load(shipped)
    return Categoriser(resolved)


_SHARED: dict[str, Categoriser] = {}
_SHARED_LOCK = threading.Lock()


def shared_categoriser(taxonomy_id: str) -> Categoriser:
    """The process-wide categoriser of a built-in taxonomy: loaded (and warmed) once, then shared.

    The service's /v1/categorise and the action suggester use the same instance, so a model is
    held in memory once. Only built-in names: a path here could make a caller read any file.
    """
    if taxonomy_id not in available_taxonomies():
        raise ConfigError(f"unknown taxonomy {taxonomy_id!r}; available: {', '.join(available_taxonomies())}")
    with _SHARED_LOCK:
        if taxonomy_id not in _SHARED:
            categoriser = load_categoriser(taxonomy_id)
            categoriser.categorise(["warm-up"])  # builds the prior's prototypes now, not in a request
            _SHARED[taxonomy_id] = categoriser
        return _SHARED[taxonomy_id]


__all__ = [
    "Categorisation",
    "Category",
    "CategoryScore",
    "Categoriser",
    "Taxonomy",
    "TaxonomyError",
    "available_taxonomies",
    "dominant_categories",
    "load_categoriser",
    "load_crosswalk",
    "load_taxonomy",
    "map_themes_to_categories",
    "shared_categoriser",
    "shipped_model_name",
    "theme_category_shares",
    "to_ko41a",
]
