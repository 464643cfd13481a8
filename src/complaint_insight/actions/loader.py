"""Loading the action library: the project's YAML files plus any an organisation adds.

Every problem is reported as ``FILE:LINE: what is wrong`` (all of them at once), so that an
organisation editing its own file can fix it without reading code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import ValidationError

from complaint_insight.actions.categories import builtin_taxonomies, taxonomy_categories
from complaint_insight.actions.schema import Action, CommonTheme, LibraryFile
from complaint_insight.actions.yaml_source import SourceFile
from complaint_insight.errors import ConfigError
from complaint_insight.resources import package_data

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# Loaded in this order; later files may use the themes of earlier ones.
BUILTIN_FILES = ("common_themes.yaml", "hcat.yaml", "qdc.yaml", "uk_public_services.yaml")


class LibraryError(ConfigError):
    """One or more problems in action-library files; ``problems`` holds ``FILE:LINE: message`` lines."""

    def __init__(self, problems: Sequence[str]):
        self.problems = list(problems)
        head = (
            self.problems[0]
            if len(self.problems) == 1
            else (f"{len(self.problems)} problems in the action library:\n  " + "\n  ".join(self.problems))
        )
        super().__init__(head)


def library_dir() -> Path:
    return package_data("actions", "library")


@lru_cache(maxsize=1)
def rca2_hierarchy() -> dict[str, tuple[str, str]]:
    """``{action_type: (strength, RCA2 category name)}`` from ``library/rca2.yaml``."""
    data = yaml.load((library_dir() / "rca2.yaml").read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    return {
        key: (level, label)
        for level, block in data["levels"].items()
        for key, label in block["action_types"].items()
    }


@dataclass(frozen=True)
class LibraryInfo:
    library: str
    version: str
    path: str


@dataclass
class ActionLibrary:
    """Actions and common themes, validated and cross-checked."""

    actions: dict[str, Action]
    themes: dict[str, CommonTheme]
    files: list[LibraryInfo]
    fingerprint: str
    _theme_categories: dict[str, set[tuple[str, str]]] = field(default_factory=dict, repr=False)

    def __post_init__(self):
        self._theme_categories = {
            tid: {(tax, cid) for tax, ids in theme.categories.items() for cid in ids}
            for tid, theme in self.themes.items()
        }

    def categories_of_theme(self, theme_id: str) -> set[tuple[str, str]]:
        return self._theme_categories.get(theme_id, set())

    def direct_categories(self, action: Action) -> set[tuple[str, str]]:
        return {(tax, cid) for tax, ids in action.applies_to.categories.items() for cid in ids}

    def action_type_label(self, action: Action) -> str:
        return rca2_hierarchy()[action.action_type][1]

    def versions(self) -> str:
        return ", ".join(f"{f.library} {f.version}" for f in self.files)


def load_library(extra: Iterable[str | Path] = (), *, builtin: bool = True) -> ActionLibrary:
    """The built-in library (unless ``builtin=False``) extended by the organisation files in ``extra``."""
    paths = [library_dir() / name for name in BUILTIN_FILES] if builtin else []
    paths += [Path(p) for p in extra]
    if not paths:
        raise ConfigError("no action-library files given")
    key = tuple((str(p), _digest(p)) for p in paths)
    return _load(key)


def _digest(path: Path) -> str:
    if not path.is_file():
        raise ConfigError(f"{path}: file not found")
    return hashlib.sha256(path.read_bytes()).hexdigest()


@lru_cache(maxsize=8)
def _load(key: tuple[tuple[str, str], ...]) -> ActionLibrary:
    hierarchy = {k: v[0] for k, v in rca2_hierarchy().items()}
    problems: list[str] = []
    parsed: list[tuple[SourceFile, LibraryFile]] = []
    for path, _ in key:
        source = SourceFile(path)
        if not isinstance(source.data, dict):
            problems.append(f"{source.where(())}: expected a mapping with 'library', 'version' and 'actions'")
            continue
        try:
            parsed.append((source, LibraryFile.model_validate(source.data, context={"rca2": hierarchy})))
        except ValidationError as exc:
            problems.extend(_describe(source, exc))
    if problems:
        raise LibraryError(problems)

    actions: dict[str, Action] = {}
    action_where: dict[str, str] = {}
    themes: dict[str, CommonTheme] = {}
    theme_where: dict[str, str] = {}
    libraries: dict[str, str] = {}
    retired: list[tuple[str, str]] = []
    for source, lib in parsed:
        if lib.library in libraries:
            problems.append(
                f"{source.where(('library',))}: library id {lib.library!r} already used by {libraries[lib.library]}"
            )
        libraries[lib.library] = source.path
        for i, theme in enumerate(lib.themes):
            where = source.where(("themes", i, "id"))
            if theme.id in themes:
                problems.append(f"{where}: theme id {theme.id!r} already defined at {theme_where[theme.id]}")
                continue
            themes[theme.id], theme_where[theme.id] = theme, where
            problems += [
                f"{source.where(('themes', i, 'categories', tax))}: {m}"
                for tax, m in _unknown_categories(theme.categories)
            ]
        for i, action in enumerate(lib.actions):
            where = source.where(("actions", i, "id"))
            if action.id in actions:
                problems.append(
                    f"{where}: action id {action.id!r} already defined at {action_where[action.id]}"
                )
                continue
            actions[action.id] = action.model_copy(update={"library": lib.library})
            action_where[action.id] = where
            for j, theme_id in enumerate(action.applies_to.themes):
                if theme_id not in themes:
                    problems.append(
                        f"{source.where(('actions', i, 'applies_to', 'themes', j))}: unknown theme {theme_id!r} "
                        f"(action {action.id!r}); known themes: {', '.join(sorted(themes)) or 'none'}"
                    )
            problems += [
                f"{source.where(('actions', i, 'applies_to', 'categories', tax))}: {m} (action {action.id!r})"
                for tax, m in _unknown_categories(action.applies_to.categories)
            ]
        retired += [(rid, source.where(("retire", j))) for j, rid in enumerate(lib.retire)]
    for rid, where in retired:
        if rid not in actions:
            problems.append(f"{where}: cannot retire unknown action {rid!r}")
        else:
            del actions[rid]
    if problems:
        raise LibraryError(problems)
    fingerprint = hashlib.sha256("|".join(d for _, d in key).encode()).hexdigest()[:16]
    files = [LibraryInfo(lib.library, lib.version, source.path) for source, lib in parsed]
    return ActionLibrary(actions=actions, themes=themes, files=files, fingerprint=fingerprint)


def _unknown_categories(categories: dict[str, list[str]]) -> list[tuple[str, str]]:
    """Category ids that a built-in taxonomy does not have (other taxonomies are the organisation's own)."""
    out = []
    known_taxonomies = builtin_taxonomies()
    for taxonomy, ids in categories.items():
        if taxonomy not in known_taxonomies:
            continue
        known = taxonomy_categories(taxonomy)
        for cid in ids:
            if cid not in known:
                out.append((taxonomy, f"unknown {taxonomy} category {cid!r}"))
    return out


def _describe(source: SourceFile, exc: ValidationError) -> list[str]:
    out = []
    for error in exc.errors():
        at = tuple(error["loc"])
        owner, message = at, error["msg"].removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            owner, message = at[:-1], f"unknown key {at[-1]!r} (check the spelling)"
        elif error["type"] == "missing":
            owner, message = at[:-1], f"missing required key {at[-1]!r}"
            at = owner  # a missing key has no line of its own
        out.append(f"{source.where(at)}: {_loc_label(source, owner)}: {message}")
    return out


def _loc_label(source: SourceFile, loc: tuple) -> str:
    parts = []
    for i, part in enumerate(loc):
        if isinstance(part, int):
            item = _get(source.data, loc[: i + 1])
            name = item.get("id") if isinstance(item, dict) else None
            parts.append(f"[{part}]" + (f" ({name})" if name else ""))
        else:
            parts.append(("." if parts else "") + str(part))
    return "".join(parts) or "file"


def _get(data, loc):
    for part in loc:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data
