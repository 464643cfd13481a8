"""The explainable red-flag layer: spaCy Matcher patterns kept as data, with NegEx-style context.

Patterns live in YAML files (``triage/patterns/<type>.yaml``; see the README there for the
syntax). They are compiled into spaCy ``Matcher`` / ``PhraseMatcher`` rules over a blank English
tokenizer whose tokens carry lower-cased lookup lemmas from spacy-lookups-data.

Speed: a text only reaches spaCy when one of the patterns' anchor words occurs in it. Each pattern
has an anchor (its rarest required token), and the anchors' word forms are compiled into one
regular expression; on feedback corpora that prefilter lets through only a few per cent of texts.
"""
from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from complaint_insight.errors import ConfigError
from complaint_insight.resources import package_data

SENTENCE_END = {".", "!", "?", "\n"}
_INNER_NEGATION = {"no", "not", "n't", "never", "without", "nobody", "nothing"}
_WILDCARD = re.compile(r"^_(?:\{(\d+),(\d+)\})?$")
_WORDY = re.compile(r"^[a-z0-9'][a-z0-9&']*$")


# -- pattern files -------------------------------------------------------------------------------
class PatternRule(BaseModel):
    model_config = ConfigDict(extra="forbid")
    match: str
    requires: list[str] = Field(default_factory=list, description="list names; one of their words must occur")
    conditional: bool = Field(default=False, description="still a flag inside 'if ...' clauses")

    @field_validator("requires", mode="before")
    @classmethod
    def _one_or_many(cls, value):
        return [value] if isinstance(value, str) else value


def _no_yaml_booleans(value):
    """YAML reads unquoted no/yes/on/off as booleans; say so instead of a puzzling type error."""
    if isinstance(value, list):
        for item in value:
            if isinstance(item, bool):
                raise ValueError("a word was read as true/false: quote no, yes, on and off (\"no\")")
    return value


class FlagPatterns(BaseModel):
    model_config = ConfigDict(extra="forbid")
    flag: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    lists: dict[str, list[str]] = Field(default_factory=dict)
    patterns: list[PatternRule] = Field(default_factory=list)
    phrases: list[str] = Field(default_factory=list)

    @field_validator("lists", mode="before")
    @classmethod
    def _lists(cls, value):
        if isinstance(value, dict):
            for words in value.values():
                _no_yaml_booleans(words)
        return value


class NegationContext(BaseModel):
    model_config = ConfigDict(extra="forbid")
    _check = field_validator("before", "after", "pseudo", "terminators", mode="before")(_no_yaml_booleans)
    window: int = Field(default=6, ge=1, le=20)
    before: list[str]
    after: list[str] = Field(default_factory=list)
    pseudo: list[str] = Field(default_factory=list)
    terminators: list[str] = Field(default_factory=list)


class HypotheticalContext(BaseModel):
    model_config = ConfigDict(extra="forbid")
    _check = field_validator("before", "generic", "conditional", "realis", mode="before")(_no_yaml_booleans)
    before: list[str]
    generic: list[str] = Field(default_factory=list)
    conditional: list[str] = Field(default_factory=list)
    realis: list[str] = Field(default_factory=list)


class ContextCues(BaseModel):
    model_config = ConfigDict(extra="forbid")
    negation: NegationContext
    hypothetical: HypotheticalContext


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None


def _validated(model: type[BaseModel], data: Any, path: Path) -> Any:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or '(top)'}: {e['msg']}" for e in exc.errors()[:5])
        raise ConfigError(f"{path}: {problems}") from None


def default_patterns_dir() -> Path:
    return package_data("triage", "patterns")


# -- lemmas and word frequencies -----------------------------------------------------------------
@lru_cache(maxsize=1)
def lemma_table() -> dict[str, str]:
    """spacy-lookups-data's English lookup lemmas (form -> lemma), read as plain JSON."""
    import spacy_lookups_data

    path = Path(spacy_lookups_data.__file__).parent / "data" / "en_lemma_lookup.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)


@lru_cache(maxsize=1)
def _forms_by_lemma() -> dict[str, set[str]]:
    forms: dict[str, set[str]] = {}
    for form, lemma in lemma_table().items():
        if form.islower():
            forms.setdefault(lemma, set()).add(form)
    return forms


def lemma(word: str) -> str:
    word = word.lower()
    return lemma_table().get(word, word)


@lru_cache(maxsize=1)
def _word_rank() -> dict[str, int]:
    lines = package_data("triage", "data", "english_words.txt").read_text(encoding="utf-8").split("\n")
    words = [w for w in lines if w and not w.startswith("#")]
    return {w: i for i, w in enumerate(words)}


def _commonness(forms: set[str]) -> float:
    """How often a token spec would fire on ordinary text (lower is a better anchor)."""
    rank = _word_rank()
    commonest = min(rank.get(form, 50_000) for form in forms)
    weight = 1000.0 if commonest < 300 else 100.0 if commonest < 3000 else 10.0 if commonest < 10_000 else 1.0
    return weight + 0.01 * len(forms)


# -- compiling the pattern syntax ----------------------------------------------------------------
@dataclass(frozen=True)
class CompiledRule:
    flag: str
    key: str
    tokens: list[dict]
    anchor: frozenset[str]  # word forms, one of which must occur for the rule to match
    requires: frozenset[str]  # lemmas; empty = no requirement
    conditional: bool
    source: str
    words: frozenset[str]  # every word the pattern names itself


def _surface_forms(lemmas: set[str], words: set[str]) -> set[str]:
    forms = set(words) | set(lemmas)
    by_lemma = _forms_by_lemma()
    for lem in lemmas:
        forms |= by_lemma.get(lem, set())
    return forms


def _compile_rule(flag: str, index: int, rule: PatternRule, lists: dict[str, list[str]], where: str) -> CompiledRule:
    tokens: list[dict] = []
    best: tuple[float, frozenset[str]] | None = None
    for spec in rule.match.split():
        wildcard = _WILDCARD.match(spec)
        if wildcard:
            token: dict = {"ORTH": {"NOT_IN": [".", "!", "?", ";"]}}
            if wildcard.group(1) is not None:
                low, high = int(wildcard.group(1)), int(wildcard.group(2))
                if low > high:
                    raise ConfigError(f"{where}: {spec!r}: the minimum is above the maximum")
                token["OP"] = f"{{{low},{high}}}"
            tokens.append(token)
            continue
        if spec == "-?":  # "self-harm" is three tokens; "self -? harm" also matches "self harm"
            tokens.append({"ORTH": "-", "OP": "?"})
            continue
        optional = spec.endswith("?") and len(spec) > 1
        body = spec[:-1] if optional else spec
        exact = body.startswith("=")
        words: set[str] = set()
        for alternative in (body[1:] if exact else body).split("|"):
            alternative = alternative.strip().lower()
            if alternative.startswith("@"):
                name = alternative[1:]
                if name not in lists:
                    raise ConfigError(f"{where}: unknown list @{name} in {rule.match!r}; known: {', '.join(sorted(lists))}")
                words |= {w.lower() for w in lists[name]}
            elif alternative:
                if not _WORDY.match(alternative) and alternative not in {"£", "&"}:
                    raise ConfigError(
                        f"{where}: {alternative!r} in {rule.match!r} is not one token; split it into separate specs"
                    )
                words.add(alternative)
        if not words:
            raise ConfigError(f"{where}: empty token spec {spec!r} in {rule.match!r}")
        if exact:
            token = {"LOWER": {"IN": sorted(words)}}
            forms = set(words)
        else:
            lemmas = {lemma(w) for w in words} | words
            token = {"LEMMA": {"IN": sorted(lemmas)}}
            forms = _surface_forms(lemmas, words)
        if optional:
            token["OP"] = "?"
        else:
            alpha_forms = frozenset(f for f in forms if f.isalpha())
            if len(alpha_forms) == len(forms):  # only all-letter words can be found by the prefilter
                cost = _commonness(set(alpha_forms))
                if best is None or cost < best[0]:
                    best = (cost, alpha_forms)
        tokens.append(token)
    if best is None:
        raise ConfigError(f"{where}: {rule.match!r} needs at least one required word token")
    requires: set[str] = set()
    for name in rule.requires:
        if name not in lists:
            raise ConfigError(f"{where}: requires unknown list {name!r}; known: {', '.join(sorted(lists))}")
        requires |= {lemma(w) for w in lists[name]} | {w.lower() for w in lists[name]}
    named = frozenset(w for w in re.split(r"[\s|=?]+", rule.match.lower()) if w and not w.startswith(("_", "@")))
    return CompiledRule(flag, f"{flag}#{index}", tokens, best[1], frozenset(requires), rule.conditional, rule.match, named)


@dataclass(frozen=True)
class CompiledPhrase:
    flag: str
    key: str
    text: str
    anchor: frozenset[str]


class PatternSet:
    """All red-flag patterns and context cues from one folder, validated and compiled."""

    def __init__(self, folder: str | Path | None = None):
        self.folder = Path(folder) if folder is not None else default_patterns_dir()
        if not self.folder.is_dir():
            raise ConfigError(f"pattern folder not found: {self.folder}")
        context_path = self.folder / "context.yaml"
        if not context_path.is_file():
            raise ConfigError(f"{self.folder} has no context.yaml (negation and hypothetical cues)")
        self.context: ContextCues = _validated(ContextCues, _read_yaml(context_path), context_path)
        shared: dict[str, list[str]] = {}
        lists_path = self.folder / "lists.yaml"
        if lists_path.is_file():
            data = _read_yaml(lists_path) or {}
            if not isinstance(data, dict) or not isinstance(data.get("lists", {}), dict):
                raise ConfigError(f"{lists_path}: expected a mapping 'lists: {{name: [words]}}'")
            shared = {str(k): [str(w) for w in v] for k, v in data.get("lists", {}).items()}
        self.rules: list[CompiledRule] = []
        self.phrases: list[CompiledPhrase] = []
        self.flags: list[str] = []
        for path in sorted(self.folder.glob("*.yaml")):
            if path.name in ("context.yaml", "lists.yaml"):
                continue
            spec: FlagPatterns = _validated(FlagPatterns, _read_yaml(path), path)
            if spec.flag in self.flags:
                raise ConfigError(f"{path}: flag {spec.flag!r} is defined twice")
            self.flags.append(spec.flag)
            lists = {**shared, **spec.lists}
            for i, rule in enumerate(spec.patterns):
                self.rules.append(_compile_rule(spec.flag, i, rule, lists, f"{path.name} pattern {i + 1}"))
            for i, phrase in enumerate(spec.phrases):
                words = phrase.lower().split()
                anchors = [w for w in words if w.isalpha()]
                if not anchors:
                    raise ConfigError(f"{path.name}: phrase {phrase!r} needs at least one word")
                anchor = min(anchors, key=lambda w: _commonness({w}))
                self.phrases.append(CompiledPhrase(spec.flag, f"{spec.flag}#p{i}", phrase, frozenset({anchor})))
        if not self.flags:
            raise ConfigError(f"{self.folder} holds no red-flag pattern files (<type>.yaml)")

    def anchors(self) -> set[str]:
        words: set[str] = set()
        for rule in self.rules:
            words |= rule.anchor
        for phrase in self.phrases:
            words |= phrase.anchor
        return words


# -- matching ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RuleHit:
    """One red-flag rule match on the original text (character offsets)."""

    flag: str
    start: int
    end: int
    text: str
    rule: str


def _cue_tuples(cues: list[str]) -> list[tuple[str, ...]]:
    return sorted({tuple(c.lower().replace("n't", " n't").split()) for c in cues}, key=len, reverse=True)


def _starts_at(lowers: list[str], j: int, cues: list[tuple[str, ...]]) -> tuple[str, ...] | None:
    for cue in cues:
        if tuple(lowers[j : j + len(cue)]) == cue:
            return cue
    return None


class RedFlagRules:
    """Find red-flag phrases in texts, skipping negated and hypothetical mentions.

    Parameters
    ----------
    patterns : folder path or None
        A folder of pattern files (default: the shipped ``triage/patterns``).
    """

    def __init__(self, patterns: str | Path | None = None):
        import spacy
        from spacy.matcher import Matcher, PhraseMatcher

        self.pattern_set = PatternSet(patterns)
        self.flags = list(self.pattern_set.flags)
        self._nlp = spacy.blank("en")
        self._lemmas = lemma_table()
        self._matcher = Matcher(self._nlp.vocab)
        self._rules: dict[str, CompiledRule] = {}
        for rule in self.pattern_set.rules:
            try:
                self._matcher.add(rule.key, [rule.tokens])
            except Exception as exc:  # spaCy validates the pattern itself
                raise ConfigError(f"pattern {rule.source!r} for {rule.flag} is not a valid spaCy pattern: {exc}") from None
            self._rules[rule.key] = rule
        self._phrase_matcher = PhraseMatcher(self._nlp.vocab, attr="LOWER")
        self._phrases: dict[str, CompiledPhrase] = {}
        for phrase in self.pattern_set.phrases:
            self._phrase_matcher.add(phrase.key, [self._nlp.make_doc(phrase.text)])
            self._phrases[phrase.key] = phrase
        anchors = sorted(self.pattern_set.anchors(), key=len, reverse=True)
        # One alternation, longest words first; \b on both sides so 'harm' does not fire inside 'pharmacy'.
        self.prefilter = re.compile(r"\b(?:" + "|".join(map(re.escape, anchors)) + r")\b")
        ctx = self.pattern_set.context
        self._neg_before = _cue_tuples(ctx.negation.before)
        self._neg_after = _cue_tuples(ctx.negation.after)
        self._neg_pseudo = _cue_tuples(ctx.negation.pseudo)
        self._terminators = {t.lower() for t in ctx.negation.terminators}
        self._window = ctx.negation.window
        self._hyp_before = _cue_tuples(ctx.hypothetical.before)
        self._hyp_generic = _cue_tuples(ctx.hypothetical.generic)
        self._hyp_conditional = _cue_tuples(ctx.hypothetical.conditional)
        self._realis = _cue_tuples(ctx.hypothetical.realis)

    # -- public ----------------------------------------------------------------------------------
    def candidates(self, texts: list[str]) -> list[int]:
        """Indices of texts containing at least one anchor word (only these can match)."""
        search = self.prefilter.search
        return [i for i, text in enumerate(texts) if search(text.lower())]

    def find(self, texts: list[str]) -> list[list[RuleHit]]:
        """Red-flag hits per text, in text order; texts without anchors cost one regex search."""
        hits: list[list[RuleHit]] = [[] for _ in texts]
        for i in self.candidates(texts):
            hits[i] = self.find_one(texts[i])
        return hits

    def find_one(self, text: str) -> list[RuleHit]:
        doc = self._nlp.make_doc(text)
        table = self._lemmas
        for token in doc:
            low = token.lower_
            token.lemma_ = table.get(low, low)
        lowers = [t.lower_ for t in doc]
        lemmas = {t.lemma_ for t in doc} | set(lowers)
        found: list[tuple[str, int, int, str]] = []
        for match_id, start, end in self._matcher(doc):
            rule = self._rules[self._nlp.vocab.strings[match_id]]
            if rule.requires and not (rule.requires & lemmas):
                continue
            if self._negated(lowers, start, end, rule.words) or self._hypothetical(lowers, start, end, rule.conditional):
                continue
            found.append((rule.flag, start, end, rule.source))
        for match_id, start, end in self._phrase_matcher(doc):
            phrase = self._phrases[self._nlp.vocab.strings[match_id]]
            if self._negated(lowers, start, end) or self._hypothetical(lowers, start, end, False):
                continue
            found.append((phrase.flag, start, end, phrase.text))
        # Keep the longest hit per flag and position; overlapping hits of one flag add nothing.
        found.sort(key=lambda h: (h[0], h[1], -(h[2] - h[1])))
        out: list[RuleHit] = []
        last: dict[str, int] = {}
        for flag, start, end, source in found:
            if start < last.get(flag, -1):
                continue
            last[flag] = end
            span = doc[start:end]
            out.append(RuleHit(flag, span.start_char, span.end_char, span.text, source))
        return out

    # -- context ---------------------------------------------------------------------------------
    def _negated(self, lowers: list[str], start: int, end: int, rule_words: frozenset[str] = frozenset()) -> bool:
        j = start - 1
        lowest = max(0, start - self._window)
        while j >= lowest:
            if lowers[j] in self._terminators or lowers[j] in SENTENCE_END:
                break
            j -= 1
        for k in range(j + 1, start):
            if _starts_at(lowers, k, self._neg_pseudo):
                continue
            cue = _starts_at(lowers, k, self._neg_before)
            if cue and k + len(cue) <= start:
                return True
        # A negation inside the match ("the wiring isn't exposed", "a fall, no head injury") negates
        # it, unless the pattern spells that negation out itself ("pad not changed").
        for k in range(start + 1, end):
            if lowers[k] in _INNER_NEGATION and lowers[k] not in rule_words:
                return True
        for k in range(end, min(len(lowers), end + self._window)):
            if lowers[k] in SENTENCE_END:
                break
            if _starts_at(lowers, k, self._neg_after):
                return True
        return False

    def _hypothetical(self, lowers: list[str], start: int, end: int, conditional: bool) -> bool:
        first = start
        while first > 0 and lowers[first - 1] not in SENTENCE_END and "\n" not in lowers[first - 1]:
            first -= 1
        last = end
        while last < len(lowers) and lowers[last] not in SENTENCE_END and "\n" not in lowers[last]:
            last += 1
        if any(_starts_at(lowers, k, self._hyp_generic) for k in range(first, last)):
            return True  # about a topic ("the self-harm support group has been brilliant")
        if any(_starts_at(lowers, k, self._realis) for k in range(first, last)):
            return False
        for k in range(first, start):
            if _starts_at(lowers, k, self._hyp_before):
                return True
            if not conditional and _starts_at(lowers, k, self._hyp_conditional):
                return True
        return False
