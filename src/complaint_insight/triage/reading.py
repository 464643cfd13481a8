"""Can a machine read this answer as English feedback? ``ok``, ``empty``, ``unreadable`` or ``non_english``.

Only ``ok`` texts get a complaint guess; ``unreadable`` and ``non_english`` go to a person
(``needs_human_reader``) and ``empty`` (blank, or a no-content answer such as "n/a" or "no comment"
from ``data/reading.yaml``) is a defined not-a-complaint result.

Speed: almost every text is settled by cheap signals (its script, and the share of its words found
in a list of frequent English words). The language identifier (py3langid, whose model ships inside
the package) runs only when those signals leave doubt, so English with a few foreign words
("Diolch yn fawr to the ward team") or very short English ("ok", "Waited 3 hrs 😡") never reaches it.
"""
from __future__ import annotations

import re
import threading
from functools import lru_cache

import yaml

from complaint_insight.resources import package_data
from complaint_insight.text import content_status, strip_html

_WORD = re.compile(r"[^\W\d_]+")
_PLACEHOLDER = re.compile(r"^\s*(\{\{.*\}\}|\$\{.*\}|<<.*>>|%[A-Za-z_]+%|\[\[.*\]\])\s*$", re.S)
_BASE64 = re.compile(r"^[A-Za-z0-9+/]{16,}={0,2}$")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
_MENTION = re.compile(r"(?<![\w@])@\w{1,50}")
_STRIP = " \t\r\n.!?"
_LETTER = re.compile(r"[^\W\d_]")
_NON_LATIN = re.compile(r"[^\W\d_\u0000-\u024f]")  # letters beyond Basic Latin .. Latin Extended-B
# Lower-cases ASCII letters and turns every other byte into a space.
_ASCII_LETTERS = bytes(c | 0x20 if chr(c).isalpha() else 32 for c in range(128)) + b" " * 128
_VOWELS = set("aeiouy")

# Share of words that must be frequent English for a text to count as English without further checks.
ENGLISH_SHARE = 0.5
# ... and for texts with accented letters (Welsh, Polish, Romanian, ...), which need more evidence.
ENGLISH_SHARE_ACCENTED = 0.8
# Texts with this many words or fewer are treated as English unless their script says otherwise:
# language identifiers are unreliable on one or two words, and "ok" or "Appalling!" must not be sent away.
SHORT_WORDS = 2
# py3langid must give English less than this probability for a text to be routed as non-English.
MAX_ENGLISH_PROBABILITY = 0.05


@lru_cache(maxsize=1)
def _lists() -> dict[str, frozenset[str]]:
    data = yaml.safe_load(package_data("triage", "data", "reading.yaml").read_text(encoding="utf-8"))
    words = package_data("triage", "data", "english_words.txt").read_text(encoding="utf-8").split("\n")
    return {
        "no_content": frozenset(s.lower().strip(_STRIP) for s in data["no_content"]) | {""},
        "artefacts": frozenset(s.lower() for s in data["artefacts"]),
        "keyboard_rows": frozenset(data["keyboard_rows"]),
        "english": frozenset(w for w in words if w and not w.startswith("#")),
    }


_LANGID_LOCK = threading.Lock()


@lru_cache(maxsize=1)
def _language_identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def english_probability(text: str) -> float:
    """py3langid's probability that ``text`` is English (loaded on first use, ~1 s)."""
    identifier = _language_identifier()
    with _LANGID_LOCK:  # the identifier keeps no state, but its first calls warm caches
        ranked = identifier.rank(text)
    return float(dict(ranked).get("en", 0.0))


def _is_mash(word: str) -> bool:
    """A token typed rather than written: a keyboard-row run, one letter repeated, or no vowel at all."""
    if len(word) < 4 or not word.isascii():  # vowel and keyboard tests only make sense for Latin letters
        return False
    rows = _lists()["keyboard_rows"]
    if len(word) >= 5 and any(word in row or word in row[::-1] for row in rows):
        return True
    if max(word.count(ch) for ch in set(word)) / len(word) >= 0.7:
        return True
    return len(word) >= 5 and not (_VOWELS & set(word))


def _readable_part(text: str) -> str:
    """``text`` without markup, links and @mentions: what a person would actually read."""
    text = strip_html(text)
    if "http" in text or "www." in text:
        text = _URL.sub(" ", text)
    if "@" in text:
        text = _MENTION.sub(" ", text)
    return text


def reading_status(text: str) -> str:
    """Return ``"ok"``, ``"empty"``, ``"unreadable"`` or ``"non_english"`` for one original text."""
    lists = _lists()
    stripped = text.strip().lower()
    if len(stripped) < 40 and (stripped in lists["no_content"] or stripped.strip(_STRIP) in lists["no_content"]):
        return "empty"
    status = content_status(text)
    if status != "ok":
        return status
    if stripped in lists["artefacts"] or _PLACEHOLDER.match(text):
        return "unreadable"
    sample = text[:2000]
    if "<" in sample or "&" in sample or "@" in sample or "http" in sample or "www." in sample:
        sample = _readable_part(sample)
        if not _LETTER.search(sample):
            return "unreadable"  # markup, links or symbols only
        if _BASE64.match(sample.strip()):
            return "unreadable"
    elif _BASE64.match(stripped) and not stripped.isalpha():
        return "unreadable"
    ascii_only = sample.isascii()
    # The first few hundred characters are enough to judge the language, and much cheaper.
    if ascii_only:  # bytes.translate + split is several times faster than a regex here
        words = sample[:400].encode("ascii").translate(_ASCII_LETTERS).decode("ascii").split()
    else:
        words = _WORD.findall(sample.lower(), 0, 400)
    if len(words) <= 4 and words and all(_is_mash(w) for w in words):
        return "unreadable"
    if not ascii_only:
        head = sample[:400]
        if len(_NON_LATIN.findall(head)) > 0.5 * len(_LETTER.findall(head)):
            return "non_english"  # mostly Arabic, Bengali, Chinese, Gurmukhi, Devanagari, ... script
    if len(words) <= SHORT_WORDS:
        return "ok"
    # Short words ("a", "de", "la", "nu") are shared by many languages; judge on the longer ones.
    long_words = [w for w in words if len(w) > 2][:40] or words
    accented = False
    if not ascii_only:
        # A minority of words in another script ("Waited 3 hrs, Ελλάδα, 病院") are insertions in an
        # English text: judge on the Latin-script words; only accented Latin words need more evidence.
        long_words = [w for w in long_words if not _NON_LATIN.search(w)] or long_words
        accented = not all(w.isascii() for w in long_words)
    english = lists["english"]
    share = sum(map(english.__contains__, long_words)) / len(long_words)
    if share >= (ENGLISH_SHARE_ACCENTED if accented else ENGLISH_SHARE):
        return "ok"
    return "non_english" if english_probability(sample) < MAX_ENGLISH_PROBABILITY else "ok"
