"""The front-line policy: where each red flag goes, how fast, and the wording of the staff prompt.

Policy is data: ``triage/policy/default.yaml`` ships sensible NHS-style defaults, and an
organisation passes its own file (``Triager(policy=PATH)``, ``--policy PATH``). A policy file only
needs the parts it changes; it is merged over the defaults and then validated, and any problem is a
:class:`~complaint_insight.errors.ConfigError` naming the file and the field.
"""
from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from complaint_insight.errors import ConfigError
from complaint_insight.resources import package_data

NEEDS_HUMAN_READER = "needs_human_reader"


def _placeholders(template: str) -> set[str]:
    try:
        return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}
    except ValueError as exc:
        raise ValueError(f"bad braces in {template!r}: {exc}") from None


def _check_template(template: str, allowed: set[str]) -> str:
    unknown = _placeholders(template) - allowed
    if unknown:
        raise ValueError(
            f"unknown placeholder(s) {', '.join('{' + u + '}' for u in sorted(unknown))} in {template!r}; "
            f"allowed: {', '.join('{' + a + '}' for a in sorted(allowed)) or 'none'}"
        )
    return template


class Route(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: str = Field(min_length=1)
    route: str = Field(min_length=1)
    when: str = Field(min_length=1)
    severity_floor: int = Field(ge=0, le=3, description="a flag of this type makes severity at least this")


class ComplaintWording(BaseModel):
    model_config = ConfigDict(extra="forbid")
    acknowledge_within: str
    treat_as_complaint: str
    treat_as_complaint_no_cues: str
    next_steps: str
    not_a_complaint: str
    not_a_complaint_hint: str
    empty: str
    needs_human_reader_non_english: str
    needs_human_reader_unreadable: str

    @model_validator(mode="after")
    def _templates(self):
        _check_template(self.treat_as_complaint, {"cues"})
        _check_template(self.next_steps, {"acknowledge_within"})
        for name in ("acknowledge_within", "treat_as_complaint_no_cues", "not_a_complaint", "not_a_complaint_hint",
                     "empty", "needs_human_reader_non_english", "needs_human_reader_unreadable"):
            _check_template(getattr(self, name), set())
        return self


class Policy(BaseModel):
    """Validated policy. Build with :func:`load_policy`."""

    model_config = ConfigDict(extra="forbid")
    complaint: ComplaintWording
    red_flag_sentence: str
    red_flag_sentence_no_span: str
    severity_labels: dict[int, str]
    routes: dict[str, Route]

    @model_validator(mode="after")
    def _check(self):
        _check_template(self.red_flag_sentence, {"label", "route", "when", "span"})
        _check_template(self.red_flag_sentence_no_span, {"label", "route", "when"})
        if set(self.severity_labels) != {0, 1, 2, 3}:
            raise ValueError("severity_labels needs exactly the levels 0, 1, 2 and 3")
        if NEEDS_HUMAN_READER not in self.routes:
            raise ValueError(f"routes needs an entry for {NEEDS_HUMAN_READER!r}")
        return self

    def route_for(self, flag: str) -> Route:
        if flag not in self.routes:
            raise ConfigError(f"the policy has no route for red flag {flag!r}; add it under 'routes:'")
        return self.routes[flag]


def _merge(base: Any, override: Any) -> Any:
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for key, value in override.items():
            merged[key] = _merge(base[key], value) if key in base else value
        return merged
    return override


def _read(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"policy file not found: {path}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read policy: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: policy is not UTF-8 text") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: policy is not valid YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a policy file must be a mapping (key: value), got {type(data).__name__}")
    return data


@lru_cache(maxsize=1)
def _default_data() -> dict:
    return _read(package_data("triage", "policy", "default.yaml"))


def load_policy(policy: "str | Path | Policy | None" = None, *, flags: "list[str] | None" = None) -> Policy:
    """The default policy, or ``policy`` (a file merged over the defaults, or a Policy) validated.

    ``flags`` are the red-flag types the patterns can raise; each needs a route.
    """
    if isinstance(policy, Policy):
        result, where = policy, "policy"
    else:
        data = _default_data()
        where = "default policy"
        if policy is not None:
            where = str(policy)
            data = _merge(data, _read(Path(policy)))
        try:
            result = Policy.model_validate(data)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc'])) or '(top)'}: {e['msg'].removeprefix('Value error, ')}"
                for e in exc.errors()[:5]
            )
            raise ConfigError(f"{where}: {problems}") from None
    missing = [f for f in (flags or []) if f not in result.routes]
    if missing:
        raise ConfigError(f"{where}: no route for red flag(s) {', '.join(missing)}; add them under 'routes:'")
    return result
