"""YAML read with the line of every value, so that validation errors can name ``FILE:LINE``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from complaint_insight.errors import ConfigError

MAX_FILE_BYTES = 5_000_000
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: ~10x faster
Location = tuple[Any, ...]


class SourceFile:
    """A parsed YAML document plus a map from each value's path (keys / list indices) to its line."""

    def __init__(self, path: str | Path):
        self.path = str(path)
        file = Path(path)
        if not file.is_file():
            raise ConfigError(f"{self.path}: file not found")
        if file.stat().st_size > MAX_FILE_BYTES:
            raise ConfigError(
                f"{self.path}: larger than {MAX_FILE_BYTES // 1_000_000} MB; not a library file"
            )
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{self.path}: not UTF-8 text ({exc.reason})") from None
        self.lines: dict[Location, int] = {}
        loader = _LOADER(text)
        try:
            node = loader.get_single_node()
            self.data = loader.construct_document(node) if node is not None else None
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"{self.path}:{mark.line + 1}" if mark is not None else self.path
            problem = getattr(exc, "problem", None) or str(exc)
            raise ConfigError(f"{where}: invalid YAML: {problem}") from None
        finally:
            loader.dispose()
        if node is not None:
            self._walk(node, ())

    def _walk(self, node: yaml.Node, at: Location) -> None:
        self.lines[at] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, value_node in node.value:
                key = key_node.value
                line = key_node.start_mark.line + 1
                if (
                    key in seen
                ):  # PyYAML silently keeps the last one; a repeated key is nearly always a mistake
                    raise ConfigError(f"{self.path}:{line}: key {key!r} repeated (first on line {seen[key]})")
                seen[key] = line
                self._walk(value_node, at + (key,))
                self.lines[at + (key,)] = line
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self._walk(item, at + (index,))

    def line(self, at: Location) -> int | None:
        """Line of the deepest existing prefix of ``at`` (a missing key is reported at its parent)."""
        at = tuple(at)
        while at not in self.lines and at:
            at = at[:-1]
        return self.lines.get(at)

    def where(self, at: Location) -> str:
        line = self.line(at)
        return f"{self.path}:{line}" if line else self.path
