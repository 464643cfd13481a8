"""Human-readable theme labels: class-based TF-IDF over lemmatised phrases.

Each theme's texts are split into phrases at punctuation; candidate n-grams (1-4 words) must
start and end on a content word (no stop word, no number) and may only have short connecting
words inside ("waiting time for appointments"). Candidates are counted by lemma (spaCy's English
lookup lemmas from spacy-lookups-data) so "appointment"/"appointments" pool together, scored with
class-based TF-IDF (share of the theme's texts containing the phrase × how specific it is to the
theme), and shown in their most frequent surface form. The label is the best 2-4 word phrase;
a single word is used only when no phrase is frequent enough.
"""
from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator

_PHRASE_SPLIT = re.compile(r"[.,;:!?()\[\]{}\"/\n\r\t|]+|\s[-–—]\s")
_WORD = re.compile(r"[a-z]+(?:'[a-z]+)?")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Connectors allowed inside a phrase, never at its ends.
_CONNECTORS = _words("for of to with at on in from about and the a an my our your their by")
# Fillers and opinion verbs: never the first or last word of a label ("feel like", "said").
_WEAK_EDGE = _words(
    "feel felt feels like think thought know knew said told say tell get got make made want wanted would could "
    "really just also even still always never very well good great nice lot bit much many one two way need "
    "needs needed please thank thanks"
)
# Nouns too general to be a theme on their own, fine inside a phrase ("waiting time").
_GENERIC = _words("thing things time day days people person everything nothing something anything "
                   "everyone someone staff service")


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    # spaCy's English stop-word list, read from its module file: importing spaCy itself costs seconds.
    import importlib.util
    from pathlib import Path

    words: set[str] = set()
    spec = importlib.util.find_spec("spacy")
    path = Path(spec.origin).parent / "lang" / "en" / "stop_words.py" if spec and spec.origin else None
    if path is not None and path.is_file():
        module_spec = importlib.util.spec_from_file_location("_ci_spacy_en_stop_words", path)
        module = importlib.util.module_from_spec(module_spec)
        module_spec.loader.exec_module(module)
        words = set(module.STOP_WORDS)
    return frozenset(words) | {"n't", "nt", "im", "ive", "dont", "didnt", "cant", "wont", "isnt", "wasnt"}


@lru_cache(maxsize=1)
def _lemma_table() -> dict[str, str]:
    # spacy-lookups-data's English lookup lemmas (a gzipped JSON dict), read directly for the same reason.
    import gzip
    import importlib.util
    import json
    from pathlib import Path

    spec = importlib.util.find_spec("spacy_lookups_data")
    if spec is None or not spec.origin:
        return {}  # lemmas missing: phrases are counted by surface form
    path = Path(spec.origin).parent / "data" / "en_lemma_lookup.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)


def lemma(word: str) -> str:
    return _lemma_table().get(word, word)


def phrases(text: str, max_n: int = 4) -> list[tuple[str, str]]:
    """(lemma key, surface form) of every candidate n-gram in ``text`` (repeats kept)."""
    stop = _stop_words()
    lemmas = _lemma_table()
    out = []
    for chunk in _PHRASE_SPLIT.split(text.lower()):
        words = _WORD.findall(chunk.replace("\u2019", "'"))
        n_words = len(words)
        if not n_words:
            continue
        lem = [lemmas.get(w, w) for w in words]
        # Per word: may it end/start a phrase (content word), may it sit inside one (content or connector)?
        edge = [w not in stop and w not in _WEAK_EDGE and "'" not in w and len(w) >= 2 for w in words]
        inner_ok = [e or w in _CONNECTORS or w in _WEAK_EDGE for w, e in zip(words, edge)]
        for i in range(n_words):
            if not edge[i]:
                continue
            for j in range(i + 1, min(i + max_n, n_words) + 1):
                if j - i > 2 and not inner_ok[j - 2]:
                    break  # a longer n-gram would contain the same stop word
                if not edge[j - 1]:
                    continue
                if j - i == 1 and words[i] in _GENERIC:
                    continue
                out.append((" ".join(lem[i:j]), " ".join(words[i:j])))
    return out


class PhraseLabeller(BaseEstimator):
    """Label themes with their most distinctive 2-4 word phrase (class-based TF-IDF)."""

    def __init__(self, n_key_phrases: int = 6, docs_per_theme: int = 1500, min_share: float = 0.02):
        self.n_key_phrases = n_key_phrases
        self.docs_per_theme = docs_per_theme
        self.min_share = min_share

    def label(self, docs_by_theme: list[list[str]]) -> list[dict]:
        """For each theme's texts return ``{"label": str, "key_phrases": [str, ...]}``."""
        docs_by_theme = [list(docs[: self.docs_per_theme]) for docs in docs_by_theme]
        vocab: dict[str, int] = {}
        surfaces: list[Counter] = []
        rows, cols = [], []
        for theme, docs in enumerate(docs_by_theme):
            for doc in docs:
                seen = set()
                for key, surface in phrases(doc):
                    idx = vocab.setdefault(key, len(vocab))
                    if idx == len(surfaces):
                        surfaces.append(Counter())
                    surfaces[idx][surface] += 1
                    seen.add(idx)
                rows.extend([theme] * len(seen))
                cols.extend(seen)
        n_themes = len(docs_by_theme)
        if not vocab:
            return [{"label": "", "key_phrases": []} for _ in range(n_themes)]
        counts = sparse.csr_matrix(
            (np.ones(len(rows), dtype=np.float64), (rows, cols)), shape=(n_themes, len(vocab))
        ).toarray()  # themes × phrases: number of texts containing the phrase
        sizes = np.array([max(len(d), 1) for d in docs_by_theme], dtype=np.float64)[:, None]
        share = counts / sizes
        # Class-based IDF: rarer across all themes (relative to an average theme) means more specific.
        idf = np.log1p(sizes.mean() / np.maximum(counts.sum(axis=0), 1.0))
        score = share * idf
        keys = np.array(list(vocab), dtype=object)
        n_words = np.array([k.count(" ") + 1 for k in keys])
        used_labels: set[str] = set()
        results = []
        # Longer phrases read better than single words; prefer them a little in the ranking.
        boost = 1.0 + 0.5 * (np.minimum(n_words, 3) - 1)
        for t in range(n_themes):
            order = np.argsort(-(score[t] * boost), kind="stable")
            floor = 2.0 if sizes[t, 0] >= 2 else 1.0  # a phrase must recur, unless the theme has one text
            frequent = (counts[t] >= max(floor, self.min_share * sizes[t, 0])) & (score[t] > 0)
            key_phrases = _top_distinct(order, keys, frequent, self.n_key_phrases)
            label = None
            for idx in order:
                if frequent[idx] and 2 <= n_words[idx] <= 4:
                    candidate = surfaces[idx].most_common(1)[0][0]
                    if candidate not in used_labels:
                        label = candidate
                        break
            if label is None:
                words = [surfaces[i].most_common(1)[0][0] for i in key_phrases[:2]]
                label = " / ".join(words) if words else ""
            used_labels.add(label)
            results.append(
                {"label": label, "key_phrases": [surfaces[i].most_common(1)[0][0] for i in key_phrases]}
            )
        return results


def _top_distinct(order, keys, frequent, limit: int) -> list[int]:
    """Top phrases, skipping ones that repeat a phrase already chosen (as a sub- or super-phrase)."""
    chosen: list[int] = []
    for idx in order:
        if len(chosen) >= limit:
            break
        if not frequent[idx]:
            continue
        key = f" {keys[idx]} "
        if any(f" {keys[c]} " in key or key in f" {keys[c]} " for c in chosen):
            continue
        chosen.append(int(idx))
    return chosen
