"""Crosswalks from taxonomy categories to external reporting codes (NHS KO41a subject areas).

The KO41a return counts written complaints by subject area, one subject per complaint. A
crosswalk file lists the subjects and, per taxonomy, the subjects each category maps to (first
= primary). :func:`to_ko41a` turns categoriser output or category counts into that table.
"""
from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from pathlib import Path

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from complaint_insight.errors import ConfigError, InputError
from complaint_insight.taxonomy.loader import (
    Problem,
    TaxonomyError,
    available_taxonomies,
    builtin_dir,
    duplicate_keys,
    line_of,
    load_taxonomy,
    node_at,
    read_document,
)
from complaint_insight.taxonomy.schema import Taxonomy

OTHER_NAME = "Other"


class Subject(BaseModel):
    model_config = ConfigDict(frozen=True)
    code: str = Field(min_length=1)
    name: str = Field(min_length=1)


class Crosswalk(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)
    id: str
    name: str = ""
    source: str = ""
    subjects: list[Subject] = Field(min_length=1)
    maps: dict[str, dict[str, list[str]]] = Field(default_factory=dict)

    @cached_property
    def subject_names(self) -> dict[str, str]:
        return {s.code: s.name for s in self.subjects}

    @cached_property
    def other_code(self) -> str | None:
        return next((s.code for s in self.subjects if s.name == OTHER_NAME), None)

    def map_for(self, taxonomy: Taxonomy) -> dict[str, list[str]]:
        if taxonomy.id not in self.maps:
            raise ConfigError(
                f"crosswalk {self.id!r} has no map for taxonomy {taxonomy.id!r}; it maps: {', '.join(self.maps)}"
            )
        return self.maps[taxonomy.id]


def load_crosswalk(name_or_path: str | Path = "ko41a") -> Crosswalk:
    """Load and check a crosswalk: known subject codes, categories that exist, every predicted category mapped."""
    text = str(name_or_path)
    path = builtin_dir() / "crosswalks" / f"{text}.yaml"
    if not path.is_file():
        path = Path(text)
        if not path.is_file():
            builtins = sorted(p.stem for p in (builtin_dir() / "crosswalks").glob("*.yaml"))
            raise ConfigError(f"unknown crosswalk {text!r}; available: {', '.join(builtins)} (or a file path)")
    data, root = read_document(path)
    problems = duplicate_keys(root)
    try:
        crosswalk = Crosswalk.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"])
            problems.append(Problem(line_of(node_at(root, error["loc"])), f"{where}: {error['msg']}"))
        raise TaxonomyError(path, problems) from None
    seen: dict[str, int | None] = {}
    for i, subject in enumerate(crosswalk.subjects):
        line = line_of(node_at(root, ["subjects", i, "code"]))
        if subject.code in seen:
            problems.append(Problem(line, f"duplicate subject code {subject.code!r} (first on line {seen[subject.code]})"))
        seen.setdefault(subject.code, line)
    for taxonomy_id, mapping in crosswalk.maps.items():
        if taxonomy_id not in available_taxonomies():
            continue  # a map for a user's taxonomy is checked when it is used
        problems += _map_problems(crosswalk, load_taxonomy(taxonomy_id), mapping, root)
    if problems:
        raise TaxonomyError(path, problems)
    return crosswalk


def _map_problems(crosswalk: Crosswalk, taxonomy: Taxonomy, mapping: dict, root) -> list[Problem]:
    problems = []
    for cid, codes in mapping.items():
        line = line_of(node_at(root, ["maps", taxonomy.id, cid]))
        if cid not in taxonomy.by_id:
            problems.append(Problem(line, f"{taxonomy.id} has no category {cid!r}"))
        if not codes:
            problems.append(Problem(line, f"{cid!r} maps to no subject"))
        for code in codes:
            if code not in crosswalk.subject_names:
                problems.append(Problem(line, f"{cid!r} maps to unknown subject code {code!r}"))
    maps = node_at(root, ["maps"])
    key_line = next((line_of(k) for k, _ in getattr(maps, "value", []) if k.value == taxonomy.id), None)
    for cid in taxonomy.predicted_ids:
        if cid not in mapping:
            problems.append(Problem(key_line, f"{taxonomy.id} category {cid!r} has no mapping"))
    return problems


def to_ko41a(
    data: "pd.DataFrame | Mapping[str, int] | pd.Series",
    taxonomy: "str | Path | Taxonomy" = "hcat",
    *,
    crosswalk: "str | Path | Crosswalk" = "ko41a",
    categories_column: str = "categories",
    mode: str = "primary",
) -> pd.DataFrame:
    """Count complaints by KO41a subject area.

    ``data`` is either categoriser output (a DataFrame whose ``categories`` column holds
    ';'-joined ids, most probable first) — one row per complaint — or counts per category id.

    ``mode="primary"`` (the return's own convention: one subject per complaint) counts each row
    once, under the primary subject of its most probable category; rows with no category count
    as "Other". With counts, each category's count goes to its primary subject.
    ``mode="all"`` counts a row under every subject any of its categories maps to (so the
    column no longer sums to the number of complaints).

    Returns every subject in the crosswalk's order with ``code``, ``subject``, ``complaints``
    and ``share`` (of the complaints: the rows given, or the sum of the counts).
    """
    if mode not in ("primary", "all"):
        raise ValueError("mode must be 'primary' or 'all'")
    taxonomy = load_taxonomy(taxonomy)
    walk = crosswalk if isinstance(crosswalk, Crosswalk) else load_crosswalk(crosswalk)
    mapping = walk.map_for(taxonomy)

    def codes_of(cid: str) -> list[str]:
        if cid in mapping:
            return mapping[cid]
        if cid in taxonomy.by_id:  # a sub-category without its own line rolls up
            for ancestor in taxonomy.ancestors(cid):
                if ancestor in mapping:
                    return mapping[ancestor]
        raise InputError(f"category {cid!r} has no {walk.id} mapping for taxonomy {taxonomy.id!r}")

    counts = {s.code: 0 for s in walk.subjects}
    total = 0
    if isinstance(data, pd.DataFrame):
        total = len(data)
        if categories_column not in data.columns:
            raise InputError(f"column {categories_column!r} not found; columns are: {', '.join(map(str, data.columns))}")
        for value in data[categories_column].tolist():
            ids = [c for c in str(value).split(";") if c] if isinstance(value, str) else []
            if not ids:
                if walk.other_code is None:
                    raise ConfigError(f"crosswalk {walk.id!r} has no 'Other' subject for uncategorised rows")
                counts[walk.other_code] += 1
            elif mode == "primary":
                counts[codes_of(ids[0])[0]] += 1
            else:
                for code in dict.fromkeys(code for cid in ids for code in codes_of(cid)):
                    counts[code] += 1
    else:
        for cid, n in dict(data).items():
            n = int(n)
            if n < 0:
                raise InputError(f"count of {cid!r} is negative")
            total += n
            for code in codes_of(cid)[:1] if mode == "primary" else codes_of(cid):
                counts[code] += n
    return pd.DataFrame(
        {
            "code": list(counts),
            "subject": [walk.subject_names[c] for c in counts],
            "complaints": list(counts.values()),
            "share": [n / total if total else 0.0 for n in counts.values()],
        }
    )
