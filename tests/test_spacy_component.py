import re

import pytest
import spacy
from spacy.tokens import DocBin

from complaint_insight import spacy_component  # noqa: F401  (registers the factory)
from complaint_insight.triage import Triager
from complaint_insight.triage.result import TriageResult


def test_component_sets_extensions_on_a_blank_pipeline():
    nlp = spacy.blank("en")
    nlp.add_pipe("complaint_triage")
    text = "Sorry to bother you, but mum hasn't had her tablets since Tuesday, she collapsed this morning and nobody called us back."
    doc = nlp(text)
    result = Triager().assess(text)
    assert TriageResult.model_validate(doc._.triage) == result
    assert doc._.is_complaint is True and doc._.complaint_probability == result.complaint_probability
    assert doc._.red_flags == [f.model_dump(mode="json") for f in result.red_flags] != []
    assert [s.label_ for s in doc.spans["red_flags"]] == [f.type for f in result.red_flags if f.span is not None]
    assert [s.text for s in doc.spans["complaint_cues"]] == [c.text for c in result.cues]  # cues are whole words
    assert nlp("Lovely staff, thank you")._.is_complaint is False
    empty = nlp("")
    assert empty._.triage["status"] == "empty" and empty._.is_complaint is False


def test_cue_and_flag_offsets_become_token_spans(annotating_triager):
    nlp = spacy.blank("en")
    nlp.add_pipe("complaint_triage").triager = annotating_triager
    text = "😡 Frankly the porter was rude!! and mum hasn't had her tablets"
    doc = nlp(text)
    cues = doc.spans["complaint_cues"]
    assert [(s.text, s.label_) for s in cues] == [("rude", "complaint_cue")]
    assert doc.text[cues[0].start_char : cues[0].end_char] == "rude"
    [flag] = doc.spans["red_flags"]
    assert flag.label_ == "medication" and flag.text == "hasn't had her tablets"
    assert doc._.red_flags[0]["route"] == "Tell the nurse in charge now"


def test_character_offsets_inside_a_token_expand_to_the_whole_token(annotating_triager):
    class MidToken(type(annotating_triager)):
        CUE = re.compile("ud")  # characters inside the token "rude"

    nlp = spacy.blank("en")
    nlp.add_pipe("complaint_triage").triager = MidToken()
    doc = nlp("so rude")
    assert doc._.triage["cues"][0]["text"] == "ud"
    assert [s.text for s in doc.spans["complaint_cues"]] == ["rude"]


def test_pipe_batches_through_assess_many_and_keeps_order(monkeypatch):
    nlp = spacy.blank("en")
    component = nlp.add_pipe("complaint_triage")
    calls = []
    original = component.triager.assess_many

    def counting(texts, ids=None):
        calls.append(len(texts))
        return original(texts, ids=ids)

    monkeypatch.setattr(component.triager, "assess_many", counting)
    texts = [f"rude nurse number {i}" if i % 2 else f"thanks for visit {i}" for i in range(10)]
    docs = list(nlp.pipe(texts, batch_size=4))
    assert calls == [4, 4, 2]
    assert [d.text for d in docs] == texts
    assert [d._.is_complaint for d in docs] == [bool(i % 2) for i in range(10)]


def test_docs_still_serialise():
    nlp = spacy.blank("en")
    nlp.add_pipe("complaint_triage")
    doc = nlp("Waited four hours and nobody told us anything")
    restored = spacy.tokens.Doc(nlp.vocab).from_bytes(doc.to_bytes())
    assert restored._.triage == doc._.triage and restored._.is_complaint is True
    store = DocBin(store_user_data=True, docs=[doc])
    [again] = store.get_docs(nlp.vocab)
    assert again._.complaint_probability == doc._.complaint_probability


def test_threshold_from_config():
    nlp = spacy.blank("en")
    nlp.add_pipe("complaint_triage", config={"threshold": 1.0})
    assert nlp("The receptionist was rude")._.is_complaint is False


def test_entry_point_names_the_factory():
    # spaCy finds the factory through this entry point without an import in user code.
    import importlib
    from pathlib import Path

    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    pyproject = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())
    target = pyproject["project"]["entry-points"]["spacy_factories"]["complaint_triage"]
    module, _, name = target.partition(":")
    assert getattr(importlib.import_module(module), name) is spacy_component.make_complaint_triage
    assert "complaint_triage" in spacy.registry.factories.get_all()
