"""The explainable red-flag layer: spaCy Matcher patterns kept as data, with NegEx-style context.

Patterns live in YAML files (``triage/patterns/<type>.yaml``; see the README there for the
syntax). They are compiled into spaCy ``Matcher`` rules over a blank English tokenizer. A lemma
spec (``bruise``) is compiled into the lower-cased word forms whose spacy-lookups-data lemma it is
(bruise, bruises, bruised, ...), so matching needs no lemmatiser, only the tokenizer.

Speed (the risk layer's budget is well under 0.1 ms per typical text):

- Prefilter without spaCy: a text's set of words (maximal letter runs, lower-cased) is intersected
  with each rule's *anchor* (its rarest required word spec); a rule is a candidate only if every
  other required word spec and its ``requires`` list also have a word in the text. Most texts
  stop here, after one ``translate`` + ``split`` and a few set look-ups.
- Bounded windows: a candidate text is tokenised by spaCy only around the anchor words of its
  candidate rules (the sentence, one sentence either side, at most ``WINDOW_CHARS`` each way), and
  only the candidate rules' matchers run there. Matches never cross ``. ! ? ;`` and negation and
  hypothetical cues are read within the sentence, so a window sees all a match needs.
- Compiled once: the compiled rules are stored next to the YAML files (``compiled.json``, keyed by
  the SHA-256 of the YAML and the spaCy / lookups versions), so loading the shipped patterns reads
  one JSON file; spaCy itself is imported only when the first candidate text arrives.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import re
import threading
from bisect import bisect_right
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


def import_spacy():
    """Import spaCy, without PyTorch when nothing has loaded it yet.

    thinc (spaCy's machine-learning library) imports PyTorch eagerly when it is installed: about 4 s
    of a first red flag's 6-7 s on a busy 2-core machine, for a blank tokenizer and a Matcher that
    never use it. Set ``COMPLAINT_INSIGHT_SPACY_WITH_TORCH=1`` for processes that will also run
    spaCy pipelines needing PyTorch (e.g. transformers) after the risk layer has loaded spaCy.
    """
    import os
    import sys

    if "thinc" in sys.modules or "torch" in sys.modules or os.environ.get("COMPLAINT_INSIGHT_SPACY_WITH_TORCH"):
        import spacy

        return spacy
    sys.modules["torch"] = None  # type: ignore[assignment]  # makes "import torch" fail inside thinc only
    try:
        import spacy
    finally:
        if "torch" in sys.modules and sys.modules["torch"] is None:
            del sys.modules["torch"]  # PyTorch stays importable for everything else
    return spacy


SENTENCE_MARKS = (".", "!", "?", ";")  # a pattern wildcard never crosses these
_WILDCARD_TOKEN = {"IS_STOP": False}


def blank_english():
    """A blank English pipeline whose private vocabulary marks sentence marks with ``IS_STOP``.

    The Matcher checks a plain attribute in C but a ``NOT_IN`` list in Python, token by token, and
    "any token except . ! ? ;" is the commonest spec in the patterns. Stop words play no part in
    matching here, so in this pipeline's own vocabulary ``IS_STOP`` means "sentence mark" instead.
    """
    spacy = import_spacy()  # first: importing spacy.attrs would load spaCy (and PyTorch) the slow way
    from spacy.attrs import IS_STOP

    nlp = spacy.blank("en")
    getters = dict(nlp.vocab.lex_attr_getters)  # a copy: other blank pipelines keep real stop words
    getters[IS_STOP] = SENTENCE_MARKS.__contains__
    nlp.vocab.lex_attr_getters = getters
    for lexeme in nlp.vocab:
        lexeme.is_stop = lexeme.orth_ in SENTENCE_MARKS
    return nlp


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
        if form == form.lower():  # tokens are compared lower-cased
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
    """How often a token spec would fire on ordinary text (lower is a better anchor).

    Zipf's law estimate: a form of frequency rank r occurs about 1/r as often as the commonest
    word, and a spec fires when any of its forms occurs, so its forms' estimates add up. (Ranking a
    spec by its single commonest form made "to" look rarer than "give|send|tell|...": rules then
    anchored on "to", "of" or "a", and nearly every text had to be checked against them.)
    """
    rank = _word_rank()
    unknown = len(rank) + 1
    return sum(1.0 / (rank.get(form, unknown) + 1) for form in forms)


# -- compiling the pattern syntax ----------------------------------------------------------------
COMPILED_FILE = "compiled.json"
COMPILED_FORMAT = "red-flag-patterns/3"
# How far (characters) a window reaches from an anchor word when no sentence end comes first.
WINDOW_CHARS = 300


@dataclass(frozen=True)
class CompiledRule:
    flag: str
    key: str
    tokens: list[dict]  # a spaCy Matcher pattern over lower-cased word forms
    anchor: frozenset[str]  # word forms, one of which must occur for the rule to match
    specs: tuple[frozenset[str], ...]  # every other required word spec (forms)
    # The required specs in pattern order, each with the most tokens the pattern allows between it
    # and the previous one: a match needs them within that many whitespace-separated chunks.
    chain: tuple[tuple[frozenset[str], int], ...]
    requires: frozenset[str]  # word forms; one must occur anywhere in the text (empty = no requirement)
    conditional: bool
    source: str
    words: frozenset[str]  # every word the pattern names itself

    def to_json(self) -> dict:
        return {"flag": self.flag, "key": self.key, "tokens": self.tokens, "anchor": sorted(self.anchor),
                "specs": [sorted(s) for s in self.specs],
                "chain": [[sorted(f), gap] for f, gap in self.chain], "requires": sorted(self.requires),
                "conditional": self.conditional, "source": self.source, "words": sorted(self.words)}

    @classmethod
    def from_json(cls, data: dict) -> "CompiledRule":
        return cls(data["flag"], data["key"], data["tokens"], frozenset(data["anchor"]),
                   tuple(frozenset(s) for s in data["specs"]), tuple((frozenset(f), g) for f, g in data["chain"]),
                   frozenset(data["requires"]),
                   bool(data["conditional"]), data["source"], frozenset(data["words"]))


def _surface_forms(lemmas: set[str], words: set[str]) -> set[str]:
    forms = set(words) | set(lemmas)
    by_lemma = _forms_by_lemma()
    for lem in lemmas:
        forms |= by_lemma.get(lem, set())
    return forms


def _split_runs(nlp) -> dict[str, list[str]]:
    """Letter runs that spaCy's tokenizer exceptions cut into other words ("hes" -> "he", "cannot" ->
    "can", "not", "can't" -> "ca"): the prefilter adds these pieces to a text's word set, so a rule
    naming "he" or "not" still sees "hes" or "cannot"."""
    pieces: dict[str, set[str]] = {}
    for exception in nlp.tokenizer.rules:
        runs = set(_LETTER_RUN.findall(exception.lower()))
        hidden = {t.lower_ for t in nlp.make_doc(exception) if t.lower_.isalpha()} - runs
        for run in runs:
            if hidden:
                pieces.setdefault(run, set()).update(hidden)
    return {run: sorted(p) for run, p in sorted(pieces.items())}


def _checkable(forms: set[str]) -> bool:
    return all(f.isalpha() for f in forms)


def _compile_rule(flag: str, index: int, rule: PatternRule, lists: dict[str, list[str]], where: str) -> CompiledRule:
    tokens: list[dict] = []
    specs: list[tuple[float, frozenset[str]]] = []
    chain: list[tuple[frozenset[str], int]] = []
    gap = 0  # tokens the pattern allows since the last checkable spec
    for spec in rule.match.split():
        wildcard = _WILDCARD.match(spec)
        if wildcard:
            token: dict = dict(_WILDCARD_TOKEN)
            gap += 1
            if wildcard.group(1) is not None:
                low, high = int(wildcard.group(1)), int(wildcard.group(2))
                if low > high:
                    raise ConfigError(f"{where}: {spec!r}: the minimum is above the maximum")
                token["OP"] = f"{{{low},{high}}}"
                gap += high - 1
            tokens.append(token)
            continue
        if spec == "-?":  # "self-harm" is three tokens; "self -? harm" also matches "self harm"
            tokens.append({"ORTH": "-", "OP": "?"})
            gap += 1
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
        # A lemma spec matches every lower-cased form with that lookup lemma, which is what
        # LEMMA IN [...] over lookup-lemmatised tokens matched, without lemmatising each token.
        forms = set(words) if exact else _surface_forms({lemma(w) for w in words} | words, words)
        token = {"LOWER": {"IN": sorted(forms)}}
        if optional:
            token["OP"] = "?"
            gap += 1
        else:
            chain.append((frozenset(forms), gap))
            gap = 0
            if _checkable(forms):  # only letter-run words can anchor (the index is by word)
                specs.append((_commonness(forms), frozenset(forms)))
        tokens.append(token)
    if not specs:
        raise ConfigError(f"{where}: {rule.match!r} needs at least one required plain-word token (letters only)")
    specs.sort(key=lambda s: s[0])
    others = tuple(forms for forms, _ in chain if forms != specs[0][1])
    requires: set[str] = set()
    for name in rule.requires:
        if name not in lists:
            raise ConfigError(f"{where}: requires unknown list {name!r}; known: {', '.join(sorted(lists))}")
        words = {w.lower() for w in lists[name]}
        requires |= _surface_forms({lemma(w) for w in words} | words, words)
    named = frozenset(w for w in re.split(r"[\s|=?]+", rule.match.lower()) if w and not w.startswith(("_", "@")))
    return CompiledRule(flag, f"{flag}#{index}", tokens, specs[0][1], others, tuple(chain),
                        frozenset(requires), rule.conditional, rule.match, named)


def _compile_phrase(flag: str, index: int, phrase: str, nlp, where: str) -> CompiledRule:
    lowers = [t.lower_ for t in nlp.make_doc(phrase)]
    chain = tuple((frozenset({word}), 0) for word in lowers)
    specs = sorted(((_commonness(set(f)), f) for f, _ in chain if _checkable(f)), key=lambda s: s[0])
    if not specs:
        raise ConfigError(f"{where}: phrase {phrase!r} needs at least one plain word (letters only)")
    others = tuple(forms for forms, _ in chain if forms != specs[0][1])
    return CompiledRule(flag, f"{flag}#p{index}", [{"LOWER": w} for w in lowers], specs[0][1],
                        others, chain, frozenset(), False, phrase, frozenset())


def _built_with() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for package in ("spacy", "spacy-lookups-data"):
        try:
            found[package] = version(package)
        except PackageNotFoundError:
            found[package] = "missing"
    return found


def _source_digest(folder: Path) -> str:
    """SHA-256 of the pattern files (and of the compiled format).

    The spaCy and lookups versions are recorded beside it but do not invalidate the compiled form:
    within spaCy 3 they change at most a rare word form or tokenizer exception, and recompiling at
    load time would cost seconds on every start of a process with another patch version.
    """
    digest = hashlib.sha256(COMPILED_FORMAT.encode())
    for path in sorted(folder.glob("*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


class PatternSet:
    """All red-flag patterns and context cues from one folder, validated and compiled.

    When the folder holds a ``compiled.json`` written by :meth:`write_compiled` for exactly these
    YAML files (and the installed spaCy / lookups versions), it is read instead of compiling again.
    """

    def __init__(self, folder: str | Path | None = None):
        self.folder = Path(folder) if folder is not None else default_patterns_dir()
        if not self.folder.is_dir():
            raise ConfigError(f"pattern folder not found: {self.folder}")
        self.digest = _source_digest(self.folder)
        cached = self._read_compiled()
        if cached is not None:
            self.context = ContextCues.model_validate(cached["context"])
            self.flags: list[str] = list(cached["flags"])
            self.rules: list[CompiledRule] = [CompiledRule.from_json(r) for r in cached["rules"]]
            self.split_runs: dict[str, list[str]] = cached["split_runs"]
            self.built_with: dict[str, str] = cached.get("built_with", {})
            self.from_cache = True
        else:
            self._compile()
            self.built_with = _built_with()
            self.from_cache = False

    def _read_compiled(self) -> dict | None:
        path = self.folder / COMPILED_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("format") != COMPILED_FORMAT or data.get("source_sha256") != self.digest:
            return None  # stale or foreign: compile from the YAML instead
        return data

    def _compile(self) -> None:
        from spacy.matcher import Matcher

        nlp = blank_english()
        self.split_runs = _split_runs(nlp)
        context_path = self.folder / "context.yaml"
        if not context_path.is_file():
            raise ConfigError(f"{self.folder} has no context.yaml (negation and hypothetical cues)")
        self.context = _validated(ContextCues, _read_yaml(context_path), context_path)
        shared: dict[str, list[str]] = {}
        lists_path = self.folder / "lists.yaml"
        if lists_path.is_file():
            data = _read_yaml(lists_path) or {}
            if not isinstance(data, dict) or not isinstance(data.get("lists", {}), dict):
                raise ConfigError(f"{lists_path}: expected a mapping 'lists: {{name: [words]}}'")
            shared = {str(k): [str(w) for w in v] for k, v in data.get("lists", {}).items()}
        self.rules = []
        self.flags = []
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
                self.rules.append(_compile_phrase(spec.flag, i, phrase, nlp, f"{path.name} phrase {i + 1}"))
        if not self.flags:
            raise ConfigError(f"{self.folder} holds no red-flag pattern files (<type>.yaml)")
        matcher = Matcher(nlp.vocab)
        for rule in self.rules:
            try:
                matcher.add(rule.key, [rule.tokens])
            except Exception as exc:  # spaCy validates the pattern itself
                raise ConfigError(f"pattern {rule.source!r} for {rule.flag} is not a valid spaCy pattern: {exc}") from None

    def write_compiled(self) -> Path:
        """Store the compiled rules next to the YAML files, so later loads skip compiling."""
        path = self.folder / COMPILED_FILE
        data = {"format": COMPILED_FORMAT, "source_sha256": self.digest, "built_with": _built_with(), "flags": self.flags,
                "context": self.context.model_dump(), "split_runs": self.split_runs, "rules": [r.to_json() for r in self.rules]}
        path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n", encoding="utf-8")
        return path

    def anchors(self) -> set[str]:
        words: set[str] = set()
        for rule in self.rules:
            words |= rule.anchor
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


def _cue_tuples(cues: list[str]) -> dict[str, list[tuple[str, ...]]]:
    """Cues as token tuples, grouped by first token (longest first), so a position checks only its own."""
    grouped: dict[str, list[tuple[str, ...]]] = {}
    for cue in sorted({tuple(c.lower().replace("n't", " n't").split()) for c in cues}, key=len, reverse=True):
        if cue:
            grouped.setdefault(cue[0], []).append(cue)
    return grouped


def _starts_at(lowers: list[str], j: int, cues: dict[str, list[tuple[str, ...]]]) -> tuple[str, ...] | None:
    for cue in cues.get(lowers[j], ()):
        if len(cue) == 1 or tuple(lowers[j : j + len(cue)]) == cue:
            return cue
    return None


_LETTER_RUN = re.compile(r"[^\W\d_]+")
# Lower-case ASCII letters stay, every other byte becomes a space: bytes.translate + split finds
# the letter runs of an ASCII text several times faster than a regular expression.
_ASCII_RUNS = bytes(c if 97 <= c <= 122 else 32 for c in range(256))
# The same, with spaces (chunk boundaries in a text of single spaces) marked "|" (see _ChunkIndex).
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_ASCII_MARKED = bytes(c if 97 <= c <= 122 else 124 if c == 32 else 32 for c in range(256))
# A sentence end as spaCy tokenises it: punctuation before a space (not "3.5" or an e-mail address).
_SPACES = re.compile(r"\s+")
_BOUNDARY = re.compile(r"[.!?]+(?=\s|$)|\n+")


def letter_runs(low: str) -> set[str]:
    """The maximal letter runs of a lower-cased text."""
    if low.isascii():
        return set(low.encode("ascii").translate(_ASCII_RUNS).decode("ascii").split())
    return set(_LETTER_RUN.findall(low))


@lru_cache(maxsize=4096)
def _word_finder(words: tuple[str, ...]) -> re.Pattern:
    return re.compile(r"(?<![^\W\d_])(?:" + "|".join(map(re.escape, words)) + r")(?![^\W\d_])")


def _window(low: str, start: int, end: int) -> tuple[int, int]:
    """The sentence holding ``low[start:end]`` and one sentence either side, at most WINDOW_CHARS each way."""
    lo = max(0, start - WINDOW_CHARS)
    before = [m.end() for m in _BOUNDARY.finditer(low, lo, start)]
    if len(before) >= 2:
        first = before[-2]
    elif lo == 0:
        first = 0
    else:
        space = low.find(" ", lo, start)  # do not start inside a word
        first = space + 1 if space >= 0 else lo
    hi = min(len(low), end + WINDOW_CHARS)
    after = [m.end() for m in _BOUNDARY.finditer(low, end, hi)]
    if len(after) >= 2:
        last = after[1]
    elif hi == len(low):
        last = hi
    else:
        space = low.rfind(" ", end, hi)
        last = space if space > end else hi
    return first, last


class _ChunkIndex:
    """Where words occur in one text, counted in whitespace-separated chunks (found on demand)."""

    __slots__ = ("low", "words", "split_from", "spaces", "cache", "single", "marked", "shift",
                 "ascii_letters")

    def __init__(self, low: str, words: set[str], split_from: dict[str, set[str]]):
        self.low = low
        self.words = words
        self.split_from = split_from
        self.spaces: list[int] | None = None
        self.cache: dict[str, list[int]] = {}
        # With single spaces only, the chunk of a position is the count of spaces before it (fast, in C).
        self.single = not ("  " in low or "\n" in low or "\t" in low or "\r" in low)
        self.marked: str | None = None
        self.shift = 0
        self.ascii_letters: bool | None = None

    def _letters_ascii(self) -> bool:
        """Are all the text's letters ASCII? (Emoji, curly quotes and dashes are not letters.)"""
        if self.ascii_letters is None:
            low = self.low
            self.ascii_letters = low.isascii() or not any(c.isalnum() for c in _NON_ASCII.findall(low))
        return self.ascii_letters

    def _marked(self) -> str:
        """The text (letters all ASCII) as letter runs between spaces, chunk boundaries ``|``: "| a | b c |".

        ``" he "`` is then found only where "he" is a whole letter run (not in "the" or "help"),
        so finding a word costs one ``str.find`` per real occurrence; the ``|`` before a position
        count its chunk (other characters become "?", a non-letter). ``shift`` aligns that count
        with :meth:`_chunk_of`, which counts the chunks of the other forms.
        """
        if self.marked is None:
            low = self.low
            if self.single:  # chunks are separated by single spaces only: as _chunk_of counts them
                text, self.shift = low, 1
            else:  # str.split() and \s+ agree on ASCII whitespace; a leading run is one chunk less
                text, self.shift = " ".join(low.split()), 0 if low[:1].isspace() else 1
            letters = text.encode("ascii", "replace").translate(_ASCII_MARKED).decode("ascii")
            self.marked = "| " + letters.replace("|", " | ") + " |"
        return self.marked

    def _chunk_of(self, starts: list[int]) -> list[int]:
        low = self.low
        if self.single:
            return sorted({low.count(" ", 0, at) for at in starts})
        if self.spaces is None:
            self.spaces = [m.start() for m in _SPACES.finditer(low)]
        spaces = self.spaces
        return sorted({bisect_right(spaces, at) for at in starts})

    def chunks(self, form: str) -> list[int]:
        found = self.cache.get(form)
        if found is None:
            low = self.low
            starts = []
            if form.isalpha():  # the word itself, or runs spaCy would cut it out of ("hes" for "he")
                hidden = self.split_from.get(form)
                runs = (form, *[run for run in hidden if run in self.words]) if hidden else (form,)
            else:
                runs = ()
            if runs and self._letters_ascii():
                marked = self._marked()
                for run in runs:
                    needle = " " + run + " "
                    at = marked.find(needle)
                    while at >= 0:
                        starts.append(at)
                        at = marked.find(needle, at + len(needle) - 1)
                shift = self.shift
                found = sorted({marked.count("|", 0, at) - shift for at in starts})
            elif runs:  # letters beyond ASCII: str.find + a boundary check (much faster than a regex)
                for run in runs:
                    at, end = low.find(run), len(run)
                    while at >= 0:
                        if (at == 0 or not low[at - 1].isalpha()) and not low[at + end : at + end + 1].isalpha():
                            starts.append(at)
                        at = low.find(run, at + end)
                found = self._chunk_of(starts)
            else:  # not a letter run ("n't", "£"): any substring
                at = low.find(form)
                while at >= 0:
                    starts.append(at)
                    at = low.find(form, at + 1)
                found = self._chunk_of(starts)
            self.cache[form] = found
        return found


def _chain_fits(chain: tuple[tuple[frozenset[str], int], ...], index: _ChunkIndex, words: set[str]) -> bool:
    """Can the specs occur in order, each within ``gap + 1`` chunks of the previous one?

    A gap of g tokens spans at most g + 1 runs of whitespace (spaCy never joins across whitespace),
    so this is necessary for a match: a text failing it cannot match and never reaches spaCy.
    """
    reach: list[int] | None = None
    for forms, gap in chain:
        found = sorted({p for f in forms & words for p in index.chunks(f)})
        if reach is not None:
            found = [q for q in found if any(0 <= q - p <= gap + 1 for p in reach)]
        if not found:
            return False
        reach = found
    return True


class RedFlagRules:
    """Find red-flag phrases in texts, skipping negated and hypothetical mentions.

    Parameters
    ----------
    patterns : folder path or None
        A folder of pattern files (default: the shipped ``triage/patterns``).
    """

    def __init__(self, patterns: str | Path | None = None):
        self._source = patterns
        self.pattern_set = PatternSet(patterns)
        self.flags = list(self.pattern_set.flags)
        self._rules = self.pattern_set.rules
        self._by_anchor: dict[str, list[int]] = {}
        for i, rule in enumerate(self._rules):
            for word in rule.anchor:
                self._by_anchor.setdefault(word, []).append(i)
        self._anchor_words = frozenset(self._by_anchor)
        self._split = {run: frozenset(p) for run, p in self.pattern_set.split_runs.items()}
        self._split_keys = frozenset(self._split)
        # Required forms that are not letter runs ("n't", "£") are looked for as substrings: a
        # token's text is always a substring of its whitespace-separated chunk.
        self._other_forms = tuple(sorted({f for r in self._rules for forms, _ in r.chain for f in forms if not f.isalpha()}))
        self._needs_others = [any(not f.isalpha() for forms, _ in r.chain for f in forms) for r in self._rules]
        self._spec_others = {spec: tuple(sorted(f for f in spec if not f.isalpha()))
                             for r in self._rules for spec in r.specs if not all(f.isalpha() for f in spec)}
        self._split_from: dict[str, set[str]] = {}  # piece -> the runs it hides in (for finding it)
        for run, pieces in self._split.items():
            for piece in pieces:
                self._split_from.setdefault(piece, set()).add(run)
        # ``requires`` words that are letter runs are checked in the text's word set; others
        # ("n't", "a&e") are looked for as substrings of the lower-cased text.
        self._requires_words = [frozenset(w for w in r.requires if w.isalpha()) for r in self._rules]
        self._requires_other = [tuple(sorted(w for w in r.requires if not w.isalpha())) for r in self._rules]
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
        self._nlp = None
        self._matchers: dict[int, Any] = {}
        self._lock = threading.Lock()
        self.spacy_calls = 0  # windows tokenised so far (lets tests see that plain texts never reach spaCy)

    def __getstate__(self):
        # Sent to worker processes as the folder: each worker loads (and caches) the rules once; the
        # lock and spaCy objects are never pickled.
        return {"_source": None if self._source is None else str(self._source)}

    def __setstate__(self, state):
        from complaint_insight.triage.risk import load_rules

        # Share the cached instance's state itself (not a copy of it): spaCy and the matchers load
        # lazily, and a copy would see the shared matchers but keep its own unset ``_nlp``.
        object.__setattr__(self, "__dict__", load_rules(state["_source"]).__dict__)

    # -- public ----------------------------------------------------------------------------------
    def candidate_rules(self, text: str) -> list[int]:
        """Rules whose every checkable word occurs in ``text`` (only these can match); no spaCy."""
        low = text.lower()
        return self._candidates(low, self._words(low))

    def candidates(self, texts: list[str]) -> list[int]:
        """Indices of texts with at least one candidate rule (only these reach spaCy)."""
        return [i for i, text in enumerate(texts) if self.candidate_rules(text)]

    def find(self, texts: list[str]) -> list[list[RuleHit]]:
        """Red-flag hits per text, in text order; a text without a candidate rule never reaches spaCy."""
        return [self.find_one(text) for text in texts]

    def find_one(self, text: str) -> list[RuleHit]:
        low = text.lower()
        words = self._words(low)
        if self._anchor_words.isdisjoint(words):
            return []
        candidates = self._candidates(low, words)
        if not candidates:
            return []
        found: list[tuple[str, int, int, str]] = []
        for start, end in self._windows(text, low, words, candidates):
            found.extend(self._match_window(text, start, end, candidates))
        # Keep the longest hit per flag and position; overlapping hits of one flag add nothing.
        found.sort(key=lambda h: (h[0], h[1], -(h[2] - h[1])))
        out: list[RuleHit] = []
        last: dict[str, int] = {}
        for flag, start, end, source in found:
            if start < last.get(flag, -1):
                continue
            last[flag] = end
            out.append(RuleHit(flag, start, end, text[start:end], source))
        return out

    # -- prefilter and windows -------------------------------------------------------------------
    def _words(self, low: str) -> set[str]:
        """The text's letter runs plus the words spaCy would cut out of them (see ``_split_runs``)."""
        words = letter_runs(low)
        for run in self._split_keys.intersection(words):
            words |= self._split[run]
        return words

    def _candidates(self, low: str, words: set[str]) -> list[int]:
        present = self._anchor_words.intersection(words)
        if not present:
            return []
        others: list[str] | None = None
        with_others = words
        out: set[int] = set()
        rules = self._rules
        needs_others = self._needs_others
        spec_others = self._spec_others
        by_anchor = self._by_anchor
        index: _ChunkIndex | None = None
        if len(present) == 1:
            (word,) = present
            ids: Any = by_anchor[word]
        else:
            ids = {i for word in present for i in by_anchor[word]}  # each rule once
        for i in ids:
            rule = rules[i]
            missing = False
            for spec in rule.specs:  # a plain loop: cheaper than any() over a generator here
                if words.isdisjoint(spec):
                    extra = spec_others.get(spec)  # forms that are not letter runs ("n't"): substrings
                    if extra is None or not any(f in low for f in extra):
                        missing = True
                        break
            if missing:
                continue
            if rule.requires and words.isdisjoint(self._requires_words[i]):
                if not any(w in low for w in self._requires_other[i]):
                    continue
            if len(rule.chain) > 1:
                if index is None:
                    index = _ChunkIndex(low, words, self._split_from)
                if needs_others[i]:  # forms that are not letter runs ("n't", "£"): found once per text
                    if others is None:
                        others = [f for f in self._other_forms if f in low]
                        with_others = words.union(others) if others else words
                    if not _chain_fits(rule.chain, index, with_others):
                        continue
                elif not _chain_fits(rule.chain, index, words):
                    continue
            out.add(i)
        return sorted(out)

    def _windows(self, text: str, low: str, words: set[str], candidates: list[int]) -> list[tuple[int, int]]:
        if len(low) != len(text):  # a few characters change length when lower-cased: read it all
            return [(0, len(text))]
        anchors = set()
        for i in candidates:
            anchors |= self._rules[i].anchor & words
        for piece in list(anchors):
            anchors |= self._split_from.get(piece, set()) & words
        spans = sorted(_window(low, m.start(), m.end()) for m in _word_finder(tuple(sorted(anchors))).finditer(low))
        merged: list[list[int]] = []
        for start, end in spans:
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        return [(a, b) for a, b in merged]

    # -- spaCy -----------------------------------------------------------------------------------
    def _matcher(self, i: int):
        matcher = self._matchers.get(i)
        if matcher is None:
            with self._lock:
                if self._nlp is None:  # spaCy loads on the first candidate text only
                    self._nlp = blank_english()
                from spacy.matcher import Matcher

                matcher = Matcher(self._nlp.vocab)
                rule = self._rules[i]
                try:
                    matcher.add(rule.key, [rule.tokens])
                except Exception as exc:
                    raise ConfigError(f"pattern {rule.source!r} for {rule.flag} is not a valid spaCy pattern: {exc}") from None
                self._matchers[i] = matcher
        return matcher

    def _match_window(self, text: str, offset: int, stop: int, candidates: list[int]) -> list[tuple[str, int, int, str]]:
        matchers = [(i, self._matcher(i)) for i in candidates]
        doc = self._nlp.make_doc(text[offset:stop])
        self.spacy_calls += 1
        lowers: list[str] | None = None
        found = []
        for i, matcher in matchers:
            rule = self._rules[i]
            for _, start, end in matcher(doc):
                if lowers is None:
                    lowers = [t.lower_ for t in doc]
                if self._negated(lowers, start, end, rule.words) or self._hypothetical(lowers, start, end, rule.conditional):
                    continue
                span = doc[start:end]
                found.append((rule.flag, offset + span.start_char, offset + span.end_char, rule.source))
        return found

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


def main(argv: list[str] | None = None) -> None:
    """``python -m complaint_insight.triage.rules [FOLDER]``: compile a pattern folder into compiled.json."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else default_patterns_dir()
    stale = folder / COMPILED_FILE
    if stale.is_file():
        stale.unlink()  # never trust the old file while recompiling
    print(PatternSet(folder).write_compiled())


if __name__ == "__main__":
    main()
