"""Triage: is it a complaint, how serious, what needs a person now, and what to tell staff."""
from complaint_insight.triage.classifier import ComplaintClassifier
from complaint_insight.triage.result import Cue, RedFlag, Span, TriageResult
from complaint_insight.triage.triager import Triager, load_classifier, triage, triage_frame

__all__ = ["ComplaintClassifier", "Cue", "RedFlag", "Span", "TriageResult", "Triager", "load_classifier", "triage",
           "triage_frame"]
