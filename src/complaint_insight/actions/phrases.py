"""Finding a library's cue words and key phrases in a complaint, tolerant of simple word endings."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

_WORD = re.compile(r"[a-z0-9&]+")
_SUFFIXES = ("ing", "ed", "es", "s")


def stem(word: str) -> str:
    """A deliberately crude stem ("waited", "waiting", "waits" → "wait"); short words are kept whole."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def stems(text: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in _WORD.findall(text.lower().replace("'", "").replace("\u2019", "")))


class PhraseMatcher:
    """Which of a fixed list of phrases occur (as whole, contiguous words) in a text."""

    def __init__(self, phrases: Iterable[str]):
        self.phrases: list[str] = []
        self._keys: list[tuple[str, ...]] = []
        for phrase in phrases:
            key = stems(phrase)
            if key and key not in self._keys:  # "wait" and "waiting" are one cue
                self.phrases.append(phrase)
                self._keys.append(key)
        self._longest = max((len(k) for k in self._keys), default=0)

    def find(self, text_stems: Sequence[str]) -> list[str]:
        if not self._keys:
            return []
        grams = {
            tuple(text_stems[i : i + n])
            for n in range(1, self._longest + 1)
            for i in range(len(text_stems) - n + 1)
        }
        return [phrase for phrase, key in zip(self.phrases, self._keys) if key in grams]
