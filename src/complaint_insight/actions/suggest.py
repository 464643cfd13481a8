"""``suggest_actions``: from a complaint, a theme or a category to a short ranked list of actions.

How a suggestion is ranked (docs/actions.md explains it for users):

1. Relevance (0-1). The input is turned into signals: common themes (their key phrases found in
   the text, embedding similarity to the theme, or categories linked to the theme), taxonomy
   categories (given; from the ``category_source``, by default the shipped trained categorisers
   and similarity for taxonomies without one; or from the theme), and the words that
   matched. An action's relevance is 0.7 x its best theme/category signal (+0.1 when one of its
   own cue words occurs) + 0.3 x the embedding similarity of the input to the action itself
   (0.9 / 0.1 for a given category or built-in theme, which match actions exactly).
   Embedding similarities are relative (z-scores among the alternatives, after subtracting each
   item's similarity to generic complaints), because static embeddings find every complaint
   fairly similar to every theme.
2. Only actions with relevance >= ``fit`` are candidates. Among them stronger RCA2 actions get a
   bonus (+0.15 stronger, +0.07 intermediate), so a stronger action that fits nearly as well
   ranks first, and an action on the same theme as one already chosen gets a penalty (-0.08), so
   that two problems in one complaint both get an action.
3. What the organisation did before comes first: learning-log entries on a similar theme
   (not abandoned), the ones measured as having worked first. At least one place is kept for
   the library when k > 1.
4. Never only weaker actions: if none of the top k is stronger or intermediate and a stronger or
   intermediate library action fits, it replaces the last place.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from complaint_insight.actions.categories import (
    CategorySource,
    SimilarityCategorySource,
    TrainedCategorySource,
    ancestors,
    builtin_taxonomies,
    category_name,
    hubness,
    reference_texts,
    taxonomy_categories,
)
from complaint_insight.actions.loader import ActionLibrary, load_library
from complaint_insight.actions.log import LearningLog, LogEntry, open_log
from complaint_insight.actions.phrases import PhraseMatcher, stems
from complaint_insight.actions.result import ActionSuggestion, PastAction
from complaint_insight.actions.schema import STRENGTH_RANK, Action
from complaint_insight.errors import InputError
from complaint_insight.text import clean_for_model, coerce_text, content_status

STRENGTH_BONUS = {"stronger": 0.15, "intermediate": 0.07, "weaker": 0.0}
SAME_TOPIC_PENALTY = 0.08
CUE_BONUS = 0.1
STRUCTURED_WEIGHT = 0.7
# A given category or built-in theme matches actions exactly; similarity then only breaks ties.
EXACT_STRUCTURED_WEIGHT = 0.9
MAX_K = 50
PAST_FIT = 0.5  # how similar a logged theme must be to count as "a similar theme"
THEME_SCALE = (1.0, 2.5)  # z-scores of theme similarity mapped to 0..1
ACTION_SCALE = (0.5, 3.0)  # z-scores of action similarity mapped to 0..1
# How much a category counts towards its linked themes, by where the category came from.
CATEGORY_WEIGHT = {"categoriser": 0.9, "similarity": 0.6, "given": 1.0, "theme": 1.0}
STATUS_ORDER = {"done": 0, "in_progress": 1, "planned": 2}


def _relative(cosines: np.ndarray, floor: float, ceiling: float) -> np.ndarray:
    """Similarities as z-scores among the alternatives, mapped from [floor, ceiling] to [0, 1].

    Static embeddings make every complaint fairly similar to every theme or action; what
    separates a good match is how far it stands out from the rest for this input.
    """
    z = (cosines - cosines.mean()) / (cosines.std() + 1e-6)
    return np.clip((z - floor) / (ceiling - floor), 0.0, 1.0)


@dataclass
class _Signals:
    """What the input says, before any action is scored."""

    text: str
    vector: np.ndarray
    themes: dict[str, float] = field(default_factory=dict)
    theme_words: dict[str, list[str]] = field(default_factory=dict)
    theme_via: dict[str, tuple[tuple[str, str], float]] = field(default_factory=dict)  # best linked category
    categories: dict[tuple[str, str], float] = field(default_factory=dict)
    category_origin: str = "given"  # given | categoriser | similarity | theme
    taxonomy_origin: dict[str, str] = field(default_factory=dict)  # per taxonomy, when a source mixes them
    words: tuple[str, ...] = ()
    theme_id: str | None = None  # the caller's own theme id, for the learning log
    structured_weight: float = STRUCTURED_WEIGHT

    def origin(self, taxonomy: str) -> str:
        return self.taxonomy_origin.get(taxonomy, self.category_origin)

    def weight(self, taxonomy: str) -> float:
        """How much a category of this taxonomy counts towards its linked themes (by its origin)."""
        return CATEGORY_WEIGHT[self.origin(taxonomy)]


class ActionSuggester:
    """Ranks library (and learning-log) actions for a complaint, a theme or a category.

    ``category_source`` decides a text's categories: ``"trained"`` (default; the shipped trained
    categorisers, hcat and qdc, and similarity for taxonomies without one, see
    ``categories.TrainedCategorySource``), ``"similarity"`` (similarity to the taxonomy files'
    descriptions and examples only; no model to load), or a callable ``text -> {taxonomy_id:
    {category_id: score}}`` (see ``categories.categoriser_source``).
    """

    def __init__(
        self,
        library: ActionLibrary | None = None,
        *,
        category_source: "CategorySource | str | None" = "trained",
        embedder: Any = "static",
        fit: float = 0.30,
    ):
        self.library = library or load_library()
        self.embedder = embedder
        self.category_source = category_source
        self.fit = fit
        self._entry_themes: dict[tuple, dict[str, float]] = {}
        self._lock = threading.Lock()
        self._ready = False

    # -- index -----------------------------------------------------------------------------------
    def _build(self) -> None:
        with self._lock:
            if self._ready:
                return
            from complaint_insight.embed import get_embedder

            self._embed = get_embedder(self.embedder)
            lib = self.library
            self._actions: list[Action] = list(lib.actions.values())
            self._action_vecs = self._embed.encode([_action_profile(a) for a in self._actions])
            self._theme_ids = list(lib.themes)
            self._theme_vecs = self._embed.encode(
                [f"{t.label}. {t.description} {', '.join(t.key_phrases)}" for t in lib.themes.values()]
            )
            self._theme_matchers = {tid: PhraseMatcher(t.key_phrases) for tid, t in lib.themes.items()}
            self._cue_matchers = [PhraseMatcher(a.cues) for a in self._actions]
            taxonomies = sorted(
                {tax for a in self._actions for tax in a.applies_to.categories}
                | {tax for t in lib.themes.values() for tax in t.categories}
            )
            self._taxonomies = [t for t in taxonomies if t in builtin_taxonomies()]
            reference = self._embed.encode(reference_texts(self._taxonomies) or ["complaint"])
            self._action_hub = hubness(self._action_vecs, reference)
            self._theme_hub = hubness(self._theme_vecs, reference)
            source = "trained" if self.category_source is None else self.category_source
            if source == "trained":
                self._source: Any = TrainedCategorySource(self._taxonomies, embedder=self._embed)
            elif source == "similarity":
                self._source = SimilarityCategorySource(self._taxonomies, embedder=self._embed)
            elif callable(source):
                self._source = source
            else:
                raise InputError(f"category_source must be 'trained', 'similarity' or a callable, got {source!r}")
            self._ready = True

    # -- public ----------------------------------------------------------------------------------
    def suggest(
        self,
        text: Any = None,
        *,
        theme: Any = None,
        category: Any = None,
        k: int = 3,
        log: "LearningLog | str | None" = None,
    ) -> list[ActionSuggestion]:
        given = [
            name
            for name, value in (("text", text), ("theme", theme), ("category", category))
            if value is not None
        ]
        if len(given) != 1:
            raise InputError(
                "give exactly one of text, theme or category"
                + (f" (got {', '.join(given)})" if given else "")
            )
        if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= MAX_K:
            raise InputError(f"k must be a whole number from 1 to {MAX_K}, got {k!r}")
        self._build()
        if text is not None:
            signals = self._from_text(text)
        elif theme is not None:
            signals = self._from_theme(theme)
        else:
            signals = self._from_category(category)
        past = self._past(signals, open_log(log, create=False), k) if log is not None else []
        library_items = self._rank_library(
            signals, k - len(past), exclude={p.action_id for p in past if p.action_id}
        )
        chosen = past + library_items
        chosen = self._ensure_not_only_weaker(signals, chosen, k)
        return [item.model_copy(update={"rank": i + 1}) for i, item in enumerate(chosen)]

    # -- signals ---------------------------------------------------------------------------------
    def _encode(self, text: str) -> np.ndarray:
        return self._embed.encode([text])[0]

    def _from_text(self, value: Any) -> _Signals:
        try:
            raw = coerce_text(value)
        except TypeError as exc:
            raise InputError(str(exc)) from None
        status = content_status(raw)
        if status != "ok":
            raise InputError(f"text is {status}: nothing to suggest actions for")
        text = clean_for_model(raw)
        signals = _Signals(text=text, vector=self._encode(text), category_origin="similarity")
        words = stems(text)
        theme_sims = _relative(self._theme_vecs @ signals.vector - self._theme_hub, *THEME_SCALE)
        scores = self._source(text)
        if isinstance(self._source, SimilarityCategorySource):
            signals.category_origin = "similarity"
        else:
            signals.category_origin = "categoriser"
            if hasattr(self._source, "origin"):
                signals.taxonomy_origin = {tax: self._source.origin(tax) for tax in scores}
        signals.categories = _flatten(scores)
        for i, tid in enumerate(self._theme_ids):
            found = self._theme_matchers[tid].find(words)
            keyword = min(0.5 + 0.15 * len(found), 0.95) if found else 0.0
            linked = _best_linked(signals.categories, self.library.categories_of_theme(tid))
            via_category = signals.weight(linked[0][0]) * linked[1] if linked else 0.0
            parts = sorted((keyword, float(theme_sims[i]), via_category), reverse=True)
            score = min(parts[0] + 0.15 * parts[1], 1.0)
            if score > 0:
                signals.themes[tid] = score
                signals.theme_words[tid] = found
                if linked and via_category >= 0.3:
                    signals.theme_via[tid] = linked
        signals.words = words
        return signals

    def _from_theme(self, theme: Any) -> _Signals:
        theme_id, label, phrases = _theme_parts(theme)
        lib = self.library
        if theme_id in lib.themes and not label:
            label, phrases = lib.themes[theme_id].label, list(lib.themes[theme_id].key_phrases)
        if not label and theme_id not in lib.themes:
            if isinstance(theme, str):  # a free label such as "discharge delays"
                label = theme
            else:
                raise InputError("a theme needs a label or key phrases")
        description = "; ".join([label, *phrases]) if phrases else label
        signals = self._from_text(description)
        signals.theme_id = theme_id or label
        signals.category_origin = "theme"
        if theme_id in lib.themes:
            signals.structured_weight = EXACT_STRUCTURED_WEIGHT
            signals.themes[theme_id] = 1.0
            for key in lib.categories_of_theme(theme_id):
                signals.categories[key] = 1.0
        return signals

    def _from_category(self, category: Any) -> _Signals:
        if isinstance(category, Mapping):
            scores = _flatten(category)
            if not scores:
                raise InputError("category scores are empty")
        else:
            scores = {self._resolve_category(str(category)): 1.0}
        names = [f"{category_name(t, c)}" for (t, c), s in sorted(scores.items(), key=lambda kv: -kv[1])[:3]]
        descriptions = []
        for tax, cid in scores:
            info = taxonomy_categories(tax).get(cid) if tax in builtin_taxonomies() else None
            if info is not None:
                descriptions.append(f"{info.name}. {info.description}")
        text = " ".join(descriptions) or "; ".join(names)
        signals = _Signals(
            text=text, vector=self._encode(text), categories=dict(scores), category_origin="given"
        )
        for tid in self._theme_ids:
            linked = _best_linked(scores, self.library.categories_of_theme(tid))
            if linked:
                signals.themes[tid] = 0.9 * linked[1]
                signals.theme_via[tid] = linked
        return signals

    def _resolve_category(self, spec: str) -> tuple[str, str]:
        spec = spec.strip()
        if ":" in spec:
            tax, cid = (p.strip() for p in spec.split(":", 1))
            if tax in builtin_taxonomies() and cid not in taxonomy_categories(tax):
                raise InputError(f"unknown {tax} category {cid!r}")
            return tax, cid
        matches = [tax for tax in self._taxonomies if spec in taxonomy_categories(tax)]
        matches += [
            tax
            for a in self._actions
            for tax, ids in a.applies_to.categories.items()
            if spec in ids and tax not in self._taxonomies
        ]
        matches = sorted(set(matches))
        if not matches:
            raise InputError(
                f"unknown category {spec!r}; write it as taxonomy:category, e.g. hcat:institutional_waiting_times"
            )
        if len(matches) > 1:
            raise InputError(
                f"category {spec!r} is in several taxonomies ({', '.join(matches)}); write it as taxonomy:{spec}"
            )
        return matches[0], spec

    # -- library ranking -------------------------------------------------------------------------
    def _relevance(self, signals: _Signals) -> list[tuple[float, Action, dict[str, Any]]]:
        sims = _relative(self._action_vecs @ signals.vector - self._action_hub, *ACTION_SCALE)
        expanded = _with_hierarchy(signals.categories)
        out = []
        for i, action in enumerate(self._actions):
            matched_themes = {
                t: signals.themes[t] for t in action.applies_to.themes if signals.themes.get(t, 0) > 0
            }
            matched_cats = {
                key: expanded[key]
                for key in self.library.direct_categories(action)
                if expanded.get(key, 0) > 0
            }
            structured = max([*matched_themes.values(), *matched_cats.values(), 0.0])
            cues = self._cue_matchers[i].find(signals.words) if signals.words else []
            if cues and structured > 0:
                structured = min(structured + CUE_BONUS, 1.0)
            weight = signals.structured_weight
            relevance = weight * structured + (1 - weight) * float(sims[i])
            out.append(
                (relevance, action, {"themes": matched_themes, "categories": matched_cats, "cues": cues})
            )
        return out

    def _rank_library(self, signals: _Signals, slots: int, *, exclude: set[str]) -> list[ActionSuggestion]:
        if slots <= 0:
            return []
        candidates = [c for c in self._relevance(signals) if c[0] >= self.fit and c[1].id not in exclude]
        chosen: list[tuple[float, Action, dict]] = []
        topics_used: dict[str, int] = {}
        while candidates and len(chosen) < slots:

            def key(c):
                relevance, action, matched = c
                penalty = SAME_TOPIC_PENALTY * topics_used.get(_topic(action, matched), 0)
                return (-(relevance + STRENGTH_BONUS[action.strength] - penalty), -action.rank, action.id)

            best = min(candidates, key=key)
            candidates.remove(best)
            chosen.append(best)
            topic = _topic(best[1], best[2])
            topics_used[topic] = topics_used.get(topic, 0) + 1
        return [self._library_item(signals, *c) for c in chosen]

    def _library_item(
        self, signals: _Signals, relevance: float, action: Action, matched: dict
    ) -> ActionSuggestion:
        lib = self.library
        ordered_themes = sorted(matched["themes"], key=lambda t: -matched["themes"][t])
        theme_labels = [lib.themes[t].label for t in ordered_themes]
        direct = sorted(matched["categories"], key=lambda key: -matched["categories"][key])
        via_themes = [signals.theme_via[t][0] for t in ordered_themes if t in signals.theme_via]
        categories = list(dict.fromkeys(f"{t}:{c}" for t, c in direct + via_themes))
        words = []
        for t in matched["themes"]:
            words += signals.theme_words.get(t, [])
        words = list(dict.fromkeys(words + matched["cues"]))
        return ActionSuggestion(
            rank=1,
            source="library",
            action_id=action.id,
            text=action.text,
            owner=action.owner,
            strength=action.strength,
            action_type=lib.action_type_label(action),
            score=round(min(relevance, 1.0), 4),
            why=self._why(signals, action, matched, words),
            themes=theme_labels,
            categories=categories,
            words=words,
            measure=action.measure,
            library=action.library,
        )

    def _why(self, signals: _Signals, action: Action, matched: dict, words: list[str]) -> str:
        lib = self.library
        parts = []
        origins = {
            "given": "given",
            "theme": "linked to the theme",
            "categoriser": "from the categoriser",
            "similarity": "estimated by similarity",
        }
        for tid in sorted(matched["themes"], key=lambda t: -matched["themes"][t])[:2]:
            details = []
            found = signals.theme_words.get(tid) or []
            if found:
                details.append(f"words: {', '.join(found[:4])}")
            if tid in signals.theme_via and signals.category_origin != "theme":
                (tax, cid), score = signals.theme_via[tid]
                details.append(f"{tax} category '{category_name(tax, cid)}', {origins[signals.origin(tax)]}, {score:.2f}")
            detail = f" ({'; '.join(details)})" if details else ""
            parts.append(f"theme '{lib.themes[tid].label}'{detail}")
        for (tax, cid), score in sorted(matched["categories"].items(), key=lambda kv: -kv[1])[:2]:
            parts.append(f"{tax} category '{category_name(tax, cid)}' ({origins[signals.origin(tax)]}, {score:.2f})")
        if matched["cues"]:
            parts.append(f"mentions {', '.join(repr(w) for w in matched['cues'][:3])}")
        if not parts:
            parts.append("similar wording to the action")
        return (
            "Fits " + "; ".join(parts) + f". {action.strength.capitalize()} action on the RCA2 hierarchy "
            f"({lib.action_type_label(action).lower()})."
        )

    # -- never only weaker ---------------------------------------------------------------------------
    def _ensure_not_only_weaker(
        self, signals: _Signals, chosen: list[ActionSuggestion], k: int
    ) -> list[ActionSuggestion]:
        if any(STRENGTH_RANK.get(item.strength or "", 0) >= 2 for item in chosen):
            return chosen
        taken = {item.action_id for item in chosen if item.action_id}
        fitting = [
            c
            for c in self._relevance(signals)
            if c[0] >= self.fit and c[1].rank >= 2 and c[1].id not in taken
        ]
        if not fitting:
            return chosen
        relevance, action, matched = max(
            fitting, key=lambda c: (c[0] + STRENGTH_BONUS[c[1].strength], c[1].rank)
        )
        item = self._library_item(signals, relevance, action, matched)
        item = item.model_copy(
            update={
                "why": item.why
                + " Included so the list is not only weaker actions such as training or reminders."
            }
        )
        return (chosen[: k - 1] if len(chosen) >= k else chosen) + [item]

    # -- learning log ----------------------------------------------------------------------------
    def _past(self, signals: _Signals, log: LearningLog, k: int) -> list[ActionSuggestion]:
        scored = []
        for entry in log.entries():
            if entry.status == "abandoned":
                continue
            similarity = self._theme_overlap(signals, entry)
            if similarity >= PAST_FIT:
                scored.append((similarity, entry))
        scored.sort(key=lambda se: (not se[1].effect_fell, STATUS_ORDER[se[1].status], -se[0], se[1].id or 0))
        slots = k - 1 if k > 1 else 1
        return [self._past_item(similarity, entry) for similarity, entry in scored[:slots]]

    def _theme_overlap(self, signals: _Signals, entry: LogEntry) -> float:
        """1 for the same theme id; otherwise how strongly both touch one common theme.

        Comparing themes rather than raw embeddings: short labels such as "bins" and "waiting" are
        about as close in a static embedding as two labels on the same topic.
        """
        if signals.theme_id is not None and entry.theme_id == signals.theme_id:
            return 1.0
        key = (entry.theme_id, entry.theme_label, entry.action_text)
        if key not in self._entry_themes:
            if entry.theme_id in self.library.themes:
                self._entry_themes[key] = {entry.theme_id: 1.0}
            else:
                try:
                    self._entry_themes[key] = self._from_text(
                        f"{entry.theme_label}. {entry.action_text}"
                    ).themes
                except InputError:  # a label with no letters: it can only match by id
                    self._entry_themes[key] = {}
        themes = self._entry_themes[key]
        return max((min(score, themes[t]) for t, score in signals.themes.items() if t in themes), default=0.0)

    def _past_item(self, similarity: float, entry: LogEntry) -> ActionSuggestion:
        action = self.library.actions.get(entry.action_id or "")
        status = entry.status.replace("_", " ")
        why = (
            f"Recorded in your learning log for '{entry.theme_label}' (agreed {entry.date_agreed}, {status})."
        )
        if entry.effect:
            why += f" Measured effect: {entry.effect}"
        elif entry.status == "done":
            why += " No before/after measurement recorded yet."
        return ActionSuggestion(
            rank=1,
            source="learning_log",
            action_id=entry.action_id,
            text=entry.action_text,
            owner=entry.owner,
            strength=action.strength if action else None,
            action_type=self.library.action_type_label(action) if action else None,
            score=round(min(similarity, 1.0), 4),
            why=why,
            themes=[entry.theme_label],
            measure=action.measure if action else None,
            library=action.library if action else None,
            past=PastAction(
                entry_id=entry.id or 0,
                theme_id=entry.theme_id,
                theme_label=entry.theme_label,
                status=entry.status,
                date_agreed=entry.date_agreed,
                due_date=entry.due_date,
                effect=entry.effect,
            ),
        )


def _action_profile(action: Action) -> str:
    return action.text + (" " + ", ".join(action.cues) if action.cues else "")


def _topic(action: Action, matched: dict) -> str:
    if matched["themes"]:
        return max(matched["themes"], key=matched["themes"].get)
    if matched["categories"]:
        return ":".join(max(matched["categories"], key=matched["categories"].get))
    return action.applies_to.themes[0] if action.applies_to.themes else action.id


def _best_linked(
    categories: Mapping[tuple[str, str], float], linked: set[tuple[str, str]]
) -> tuple[tuple[str, str], float] | None:
    """The highest-scoring of a theme's linked categories among the input's categories."""
    found = [(key, score) for key, score in categories.items() if key in linked and score > 0]
    return max(found, key=lambda kv: (kv[1], kv[0])) if found else None


def _flatten(scores: Mapping[str, Mapping[str, float]]) -> dict[tuple[str, str], float]:
    out: dict[tuple[str, str], float] = {}
    for tax, cats in (scores or {}).items():
        if not isinstance(cats, Mapping):
            raise InputError(f"category scores for {tax!r} must be a mapping of category id to probability")
        for cid, p in cats.items():
            try:
                value = float(p)
            except (TypeError, ValueError):
                raise InputError(f"category {tax}:{cid} has a non-numeric score {p!r}") from None
            if not 0.0 <= value <= 1.0:
                raise InputError(f"category {tax}:{cid} score must be between 0 and 1, got {value}")
            if value > 0:
                out[(str(tax), str(cid))] = value
    return out


def _with_hierarchy(categories: dict[tuple[str, str], float]) -> dict[tuple[str, str], float]:
    """A category's score also counts, discounted, for its parents (0.8 per level up)."""
    out = dict(categories)
    for (tax, cid), score in categories.items():
        factor = 1.0
        for parent in ancestors(tax, cid):
            factor *= 0.8
            out[(tax, parent)] = max(out.get((tax, parent), 0.0), score * factor)
    return out


def _theme_parts(theme: Any) -> tuple[str | None, str, list[str]]:
    """(id, label, key phrases) from a theme id, a label, a dict or an object with those attributes."""
    if isinstance(theme, str):
        value = theme.strip()
        if not value:
            raise InputError("theme is empty")
        return value, "", []
    if isinstance(theme, Mapping):
        get = theme.get
    else:

        def get(name, default=None):
            return getattr(theme, name, default)

    theme_id = get("theme_id") or get("id")
    label = str(get("label") or get("theme_label") or "").strip()
    phrases = [str(p).strip() for p in (get("key_phrases") or []) if str(p).strip()]
    if not theme_id and not label and not phrases:
        raise InputError("a theme needs theme_id/id, label or key_phrases")
    return (str(theme_id) if theme_id else None), label, phrases


_DEFAULT: dict[str, ActionSuggester] = {}
_DEFAULT_LOCK = threading.Lock()


def default_suggester() -> ActionSuggester:
    with _DEFAULT_LOCK:
        if "default" not in _DEFAULT:
            _DEFAULT["default"] = ActionSuggester()
        return _DEFAULT["default"]


def suggest_actions(
    text: Any = None,
    *,
    theme: Any = None,
    category: Any = None,
    k: int = 3,
    log: "LearningLog | str | None" = None,
    library: ActionLibrary | None = None,
    category_source: "CategorySource | str | None" = None,
    suggester: ActionSuggester | None = None,
) -> list[ActionSuggestion]:
    """Ranked improvement actions for one complaint ``text``, one ``theme`` or one ``category``.

    ``theme``: a built-in theme id (``"waiting_times"``), a free label, or a theme from the themes
    package (dict or object with ``theme_id``/``id``, ``label``, ``key_phrases``).
    ``category``: ``"taxonomy:category_id"`` (or a bare id that is unique), or a categoriser's
    ``{taxonomy_id: {category_id: probability}}``. ``log``: a learning log (or SQLite path) whose
    past actions on similar themes are suggested first. ``library`` / ``category_source``
    replace the built-in library and the default categories (the shipped trained categorisers;
    ``"similarity"`` for the description-similarity stand-in; see ``ActionSuggester``).
    """
    if suggester is None:
        if library is None and category_source is None:
            suggester = default_suggester()
        else:
            suggester = ActionSuggester(library, category_source=category_source)
    return suggester.suggest(text, theme=theme, category=category, k=k, log=log)


__all__ = ["ActionSuggester", "default_suggester", "suggest_actions"]
