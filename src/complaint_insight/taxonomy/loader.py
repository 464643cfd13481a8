"""Reading taxonomy files (YAML or JSON) with errors that name the file and the line.

``load_taxonomy("hcat")`` reads a built-in taxonomy; ``load_taxonomy("my_taxonomy.yaml")`` reads
a user's file. Every problem found (duplicate id, missing description, unknown parent, cycle,
wrong type) is reported together, each as ``FILE:LINE: message``.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from complaint_insight.errors import ConfigError
from complaint_insight.resources import package_data
from complaint_insight.taxonomy.schema import Taxonomy

SUFFIXES = (".yaml", ".yml", ".json")
MAX_FILE_BYTES = 20_000_000


def builtin_dir() -> Path:
    return package_data("taxonomy", "builtin")


def available_taxonomies() -> list[str]:
    """Names of the built-in taxonomies, for ``load_taxonomy(name)``."""
    return sorted(p.stem for p in builtin_dir().glob("*.yaml"))


@dataclass(frozen=True)
class Problem:
    line: int | None
    message: str


class TaxonomyError(ConfigError):
    """A taxonomy (or crosswalk) file is invalid; ``problems`` lists each one with its line."""

    def __init__(self, path: str | Path, problems: Iterable[Problem]):
        self.path = str(path)
        self.problems = sorted(problems, key=lambda p: (p.line or 0, p.message))
        lines = [f"{self.path}:{p.line}: {p.message}" if p.line else f"{self.path}: {p.message}" for p in self.problems]
        head = lines[0] if len(lines) == 1 else f"{self.path}: {len(lines)} problems\n  " + "\n  ".join(lines)
        super().__init__(head)


def resolve_taxonomy_path(name_or_path: str | Path) -> Path:
    """A built-in name or a file path → the file; unknown names list what is available."""
    text = str(name_or_path)
    path = Path(text)
    looks_like_file = path.suffix.lower() in SUFFIXES or "/" in text or "\\" in text
    if looks_like_file:
        if not path.is_file():
            raise ConfigError(f"taxonomy file not found: {text}")
        return path
    builtin = builtin_dir() / f"{text}.yaml"
    if builtin.is_file():
        return builtin
    if path.is_file():
        return path
    raise ConfigError(
        f"unknown taxonomy {text!r}; available built-ins: {', '.join(available_taxonomies())} "
        f"(or give the path of a .yaml/.json taxonomy file)"
    )


def load_taxonomy(name_or_path: "str | Path | Taxonomy") -> Taxonomy:
    """Load and validate a built-in taxonomy by name, or a YAML/JSON taxonomy file."""
    if isinstance(name_or_path, Taxonomy):
        return name_or_path
    if not isinstance(name_or_path, (str, Path)):
        raise TypeError(f"taxonomy must be a name, a path or a Taxonomy, got {type(name_or_path).__name__}")
    path = resolve_taxonomy_path(name_or_path)
    data, root = read_document(path)
    return parse_taxonomy(data, root, path)


def taxonomy_from_dict(data: dict, *, source: str = "<dict>") -> Taxonomy:
    """Validate a taxonomy given as a Python dict (no line numbers)."""
    return parse_taxonomy(data, None, source)


# -- reading --------------------------------------------------------------------------------------
def read_document(path: Path) -> tuple[Any, yaml.Node | None]:
    """Return (data, node tree). The node tree carries line numbers; it is None if unavailable."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise TaxonomyError(path, [Problem(None, f"file is {size} bytes; the limit is {MAX_FILE_BYTES}")])
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise TaxonomyError(path, [Problem(None, "not UTF-8 text")]) from None
    except OSError as exc:
        raise TaxonomyError(path, [Problem(None, f"cannot read: {exc.strerror or exc}")]) from None
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise TaxonomyError(path, [Problem(exc.lineno, f"invalid JSON: {exc.msg}")]) from None
        # Strict JSON has no raw tabs inside strings, so tabs are only indentation, which YAML refuses.
        try:
            root = yaml.compose(text.replace("\t", " "), Loader=yaml.SafeLoader)
        except yaml.YAMLError:
            root = None
        return data, root
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise TaxonomyError(path, [Problem(line, f"invalid YAML: {exc.problem or exc.context}")]) from None
    except yaml.YAMLError as exc:
        raise TaxonomyError(path, [Problem(None, f"invalid YAML: {exc}")]) from None
    return data, root


def line_of(node: yaml.Node | None) -> int | None:
    return node.start_mark.line + 1 if node is not None else None


def node_at(root: yaml.Node | None, loc: Iterable[Any]) -> yaml.Node | None:
    """The node at a path of mapping keys / sequence indexes; the deepest one found if the path ends early."""
    node = root
    for key in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == str(key)), None)
            if match is None:
                return node
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
            node = node.value[key]
        else:
            return node
    return node


def duplicate_keys(root: yaml.Node | None) -> list[Problem]:
    """YAML silently keeps the last of two equal keys in a mapping; a taxonomy file must not rely on that."""
    problems, stack = [], [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, int | None] = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    if key.value in seen:
                        problems.append(
                            Problem(line_of(key), f"key {key.value!r} appears twice (first on line {seen[key.value]})")
                        )
                    else:
                        seen[key.value] = line_of(key)
                stack.append(value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
    return problems


# -- validation -----------------------------------------------------------------------------------
def parse_taxonomy(data: Any, root: yaml.Node | None, path: str | Path) -> Taxonomy:
    problems = duplicate_keys(root)
    if not isinstance(data, dict):
        raise TaxonomyError(path, [Problem(line_of(root), "expected a mapping with 'id', 'name' and 'categories'")])
    categories = data.get("categories")
    if not isinstance(categories, list) or not categories:
        at = node_at(root, ["categories"])
        raise TaxonomyError(path, [*problems, Problem(line_of(at), "'categories' must be a non-empty list")])
    problems += _structure_problems(categories, root)
    if not problems:
        try:
            taxonomy = Taxonomy.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors():
                where = ".".join(str(part) for part in error["loc"])
                problems.append(Problem(line_of(node_at(root, error["loc"])), f"{where}: {error['msg']}"))
        else:
            return taxonomy
    raise TaxonomyError(path, problems)


def _structure_problems(categories: list, root: yaml.Node | None) -> list[Problem]:
    problems: list[Problem] = []
    first_line: dict[str, int | None] = {}
    parents: dict[str, tuple[Any, int | None]] = {}
    for index, category in enumerate(categories):
        node = node_at(root, ["categories", index])
        if not isinstance(category, dict):
            problems.append(Problem(line_of(node), f"categories[{index}] must be a mapping with id and description"))
            continue
        cid = category.get("id")
        if cid is None or (isinstance(cid, str) and not cid.strip()):
            problems.append(Problem(line_of(node), f"categories[{index}] has no id"))
            continue
        if not isinstance(cid, str):
            problems.append(Problem(line_of(node_at(node, ["id"])), f"category id {cid!r} must be text (quote it)"))
            continue
        id_line = line_of(node_at(node, ["id"]))
        if cid in first_line:
            problems.append(Problem(id_line, f"duplicate category id {cid!r} (first defined on line {first_line[cid]})"))
            continue
        first_line[cid] = id_line
        description = category.get("description")
        if not isinstance(description, str) or not description.strip():
            where = node_at(node, ["description"]) if "description" in category else node
            problems.append(Problem(line_of(where), f"category {cid!r} has no description"))
        parents[cid] = (category.get("parent"), line_of(node_at(node, ["parent"])) if "parent" in category else id_line)
    for cid, (parent, line) in parents.items():
        if parent is not None and parent not in parents:
            problems.append(Problem(line, f"category {cid!r} has unknown parent {parent!r}"))
    problems += _cycles(parents, first_line)
    return problems


def _cycles(parents: dict[str, tuple[Any, int | None]], first_line: dict[str, int | None]) -> list[Problem]:
    problems, reported = [], set()
    for start in parents:
        chain, seen = [start], {start}
        node = parents[start][0]
        while node is not None and node in parents and node not in seen:
            chain.append(node)
            seen.add(node)
            node = parents[node][0]
        if node is not None and node in seen:
            cycle = chain[chain.index(node):]
            key = frozenset(cycle)
            if key not in reported:
                reported.add(key)
                head = min(cycle, key=lambda c: first_line[c] or 0)
                order = cycle[cycle.index(head):] + cycle[: cycle.index(head)]
                text = " -> ".join(f"{c} (line {first_line[c]})" for c in [*order, head])
                problems.append(Problem(parents[head][1], f"parent links form a cycle: {text}"))
    return problems
