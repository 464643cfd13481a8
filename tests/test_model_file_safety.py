"""Hostile model folders: loading never runs code from a file, and says clearly why it refuses.

Each shipped model kind (classifier, risk model, categoriser, static embedder) is copied to a
temporary folder and attacked: a malicious pickle/joblib file dropped in, the main weights file
swapped for a pickle with the manifest rewritten to match, a tampered JSON/npz, and a crafted
skops file that would call a library function with a path of its choosing. The "payload" writes a
marker file; the marker must never appear.
"""
from __future__ import annotations

import json
import pickle
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest

from complaint_insight.artifacts import ArtifactError, load_estimator, write_manifest
from complaint_insight.resources import model_path


class _Payload:
    """Unpickling this runs ``exec`` and writes ``marker``: what a malicious model file would do."""

    def __init__(self, marker: Path):
        self.marker = str(marker)

    def __reduce__(self):
        return (exec, (f"open({self.marker!r}, 'w').write('code ran')",))


def _malicious_pickle(marker: Path) -> bytes:
    return pickle.dumps(_Payload(marker))


def test_the_payload_really_runs_when_unpickled(tmp_path):
    # Guards the other tests: if this payload were inert, "marker absent" would prove nothing.
    marker = tmp_path / "ran"
    pickle.loads(_malicious_pickle(marker))
    assert marker.read_text() == "code ran"


def _load_classifier(folder):
    from complaint_insight.triage.classifier import ComplaintClassifier
    from complaint_insight.triage.scorer import CompiledComplaintScorer

    CompiledComplaintScorer.load(folder)
    ComplaintClassifier.load(folder)


def _load_risk(folder):
    from complaint_insight.triage.risk_scorer import CompiledRiskModel

    CompiledRiskModel.load(folder)


def _load_categoriser(folder):
    from complaint_insight.taxonomy import load_categoriser

    load_categoriser("hcat", model=folder)


def _load_static(folder):
    from complaint_insight.embed.static import StaticEmbedder

    StaticEmbedder(folder)


# kind -> (shipped folder, loader, main weights file, a JSON file the loader reads)
KINDS = {
    "classifier": ("complaint-classifier", _load_classifier, "weights.npz", "model.json"),
    "risk-model": ("risk-model", _load_risk, "weights.npz", "risk.json"),
    "categoriser": ("hcat-categoriser", _load_categoriser, "weights.npz", "model.json"),
    "static-embedder": ("static-minilm", _load_static, "model.safetensors", "config.json"),
}


@pytest.fixture(params=sorted(KINDS))
def model_copy(request, tmp_path):
    name, loader, weights, json_file = KINDS[request.param]
    folder = tmp_path / name
    shutil.copytree(model_path(name), folder)
    loader(folder)  # the untouched copy loads: refusals below are caused by the attack
    return folder, loader, weights, json_file


def _rewrite_manifest(folder: Path) -> None:
    """What an attacker who controls the whole folder does: make every hash match again."""
    manifest = json.loads((folder / "manifest.json").read_text())
    (folder / "manifest.json").unlink()
    extra = {k: v for k, v in manifest.items() if k not in {"format", "kind", "created", "library_version", "recipe", "files"}}
    write_manifest(folder, kind=manifest["kind"], recipe=manifest.get("recipe", ""), extra=extra)


@pytest.mark.parametrize("name", ["model.pkl", "model.joblib", "pytorch_model.bin"])
def test_dropped_in_pickle_is_refused_without_running(model_copy, tmp_path, name):
    folder, loader, _, _ = model_copy
    marker = tmp_path / "marker"
    (folder / name).write_bytes(_malicious_pickle(marker))
    with pytest.raises(ArtifactError, match="pickle-like files are never loaded"):
        loader(folder)
    assert not marker.exists()


def test_unlisted_file_is_refused(model_copy):
    folder, loader, _, _ = model_copy
    (folder / "tokenizer_config.json").write_text("{}")
    with pytest.raises(ArtifactError, match="not listed in manifest.json"):
        loader(folder)


def test_weights_swapped_for_pickle_with_matching_manifest_is_refused(model_copy, tmp_path):
    folder, loader, weights, _ = model_copy
    marker = tmp_path / "marker"
    (folder / weights).write_bytes(_malicious_pickle(marker))
    _rewrite_manifest(folder)  # hashes match: only the file format can save us now
    with pytest.raises(ArtifactError):
        loader(folder)
    assert not marker.exists()


def test_tampered_json_is_refused_by_hash(model_copy):
    folder, loader, _, json_file = model_copy
    doc = json.loads((folder / json_file).read_text())
    doc["tampered"] = True
    (folder / json_file).write_text(json.dumps(doc))
    with pytest.raises(ArtifactError, match="fails its recorded SHA-256"):
        loader(folder)


def test_tampered_weights_are_refused_by_hash(model_copy):
    folder, loader, weights, _ = model_copy
    data = bytearray((folder / weights).read_bytes())
    data[len(data) // 2] ^= 0xFF
    (folder / weights).write_bytes(bytes(data))
    with pytest.raises(ArtifactError, match="fails its recorded SHA-256"):
        loader(folder)


def test_manifest_entry_outside_the_folder_is_refused(model_copy):
    folder, loader, _, _ = model_copy
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"]["../outside.json"] = {"sha256": "0" * 64, "bytes": 0}
    (folder / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ArtifactError, match="bad entry"):
        loader(folder)


def test_npz_with_object_array_is_refused_even_with_matching_hash(tmp_path):
    folder = tmp_path / "hcat"
    shutil.copytree(model_path("hcat-categoriser"), folder)
    marker = tmp_path / "marker"
    with np.load(folder / "weights.npz") as original:
        arrays = {k: original[k] for k in original.files}
    first = sorted(arrays)[0]
    arrays[first] = np.array([_Payload(marker)], dtype=object)  # one array now needs pickle to load
    np.savez(folder / "weights.npz", **arrays)
    _rewrite_manifest(folder)
    with pytest.raises(ArtifactError, match="refused"):
        _load_categoriser(folder)
    assert not marker.exists()


# -- skops ------------------------------------------------------------------------------------


class _CallsItsType:
    """Saved by skops as ``ConstructorFromReduceNode``: loading calls ``type(args...)``."""

    def __init__(self, a, b):
        self.args = (a, b)

    def __reduce__(self):
        return (type(self), self.args)


def _crafted_skops(path: Path, module: str, name: str, args: tuple[str, str]) -> None:
    """A skops file whose loading would call ``module.name(*args)``."""
    import skops.io as sio

    sio.dump(_CallsItsType(*args), str(path))
    with zipfile.ZipFile(path) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    schema = json.loads(members["schema.json"])
    assert schema["__loader__"] == "ConstructorFromReduceNode"
    schema["__module__"], schema["__class__"] = module, name
    members["schema.json"] = json.dumps(schema).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for member, data in members.items():
            zf.writestr(member, data)


@pytest.mark.parametrize(
    "module, name",
    [
        ("complaint_insight.artifacts", "write_json"),  # inside the library: once allowed by a prefix rule
        ("numpy", "savetxt"),
        ("builtins", "exec"),
    ],
)
def test_skops_file_calling_a_function_is_refused(tmp_path, module, name):
    marker = tmp_path / "marker"
    path = tmp_path / "risk_model.skops"
    args = (str(marker), "[1]") if name != "exec" else (f"open({str(marker)!r}, 'w')", "{}")
    _crafted_skops(path, module, name, args)
    with pytest.raises(ArtifactError, match="not allowed to load"):
        load_estimator(path)
    assert not marker.exists()


def test_skops_extra_trusted_type_must_be_named_exactly(tmp_path):
    path = tmp_path / "x.skops"
    _crafted_skops(path, "numpy", "savetxt", (str(tmp_path / "m"), "[1]"))
    with pytest.raises(ArtifactError, match="numpy.savetxt"):
        load_estimator(path, trusted=["numpy.save"])  # a near miss is not enough
