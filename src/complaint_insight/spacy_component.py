"""spaCy pipeline component: ``nlp.add_pipe("complaint_triage")``.

Sets on every ``Doc``:

- ``doc._.is_complaint`` (bool) and ``doc._.complaint_probability`` (float, None when the text
  needs a human reader);
- ``doc._.red_flags``: list of red-flag dicts (type, label, route, span);
- ``doc._.triage``: the whole result as a dict (``TriageResult.to_dict()``; rebuild the typed
  object with ``TriageResult.model_validate(doc._.triage)``);
- ``doc.spans["complaint_cues"]`` (label ``complaint_cue``) and ``doc.spans["red_flags"]``
  (label = flag type): the character offsets of the result snapped outwards to token boundaries.

Values are plain dicts, not pydantic objects, so docs still serialise (``Doc.to_bytes``,
``DocBin(store_user_data=True)``, ``nlp.pipe(n_process=2)``). ``nlp.pipe`` scores each batch with
one ``Triager.assess_many`` call. Registered through the ``spacy_factories`` entry point and on
import of this module.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

CUES_KEY = "complaint_cues"
RED_FLAGS_KEY = "red_flags"
_EXTENSIONS = ("is_complaint", "complaint_probability", "red_flags", "triage")


def _register_extensions() -> None:
    for name in _EXTENSIONS:
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)


class ComplaintTriage:
    """The component; ``model`` is a classifier folder (None = shipped), ``threshold`` as in ``Triager``."""

    def __init__(self, nlp: Language, name: str = "complaint_triage", *, model: str | None = None,
                 threshold: float | None = None):
        from complaint_insight.triage import Triager

        _register_extensions()
        self.name = name
        self.triager = Triager(model, threshold=threshold)

    def __call__(self, doc: Doc) -> Doc:
        return self._annotate(doc, self.triager.assess(doc.text))

    def pipe(self, stream: Iterable[Doc], *, batch_size: int = 256) -> Iterator[Doc]:
        # nlp.pipe(texts, batch_size=N) passes its own N here.
        for batch in minibatch(stream, size=batch_size):
            results = self.triager.assess_many([doc.text for doc in batch])
            for doc, result in zip(batch, results):
                yield self._annotate(doc, result)

    @staticmethod
    def _annotate(doc: Doc, result) -> Doc:
        data = result.to_dict()
        doc._.triage = data
        doc._.is_complaint = bool(result.is_complaint)
        doc._.complaint_probability = result.complaint_probability
        doc._.red_flags = data["red_flags"]
        doc.spans[CUES_KEY] = _spans(doc, ((c.start, c.end, "complaint_cue") for c in result.cues))
        doc.spans[RED_FLAGS_KEY] = _spans(
            doc, ((f.span.start, f.span.end, f.type) for f in result.red_flags if f.span is not None)
        )
        return doc


def _spans(doc: Doc, offsets: Iterable[tuple[int, int, str]]) -> list:
    spans = []
    for start, end, label in offsets:
        # "expand" snaps to the tokens that cover the characters; None only for offsets past the end.
        span = doc.char_span(start, end, label=label, alignment_mode="expand")
        if span is not None:
            spans.append(span)
    return spans


@Language.factory(
    "complaint_triage",
    default_config={"model": None, "threshold": None},
)
def make_complaint_triage(nlp: Language, name: str, model: str | None, threshold: float | None) -> ComplaintTriage:
    return ComplaintTriage(nlp, name, model=model, threshold=threshold)


_register_extensions()
