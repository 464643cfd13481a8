import json
import pickle

import numpy as np
import pytest

from complaint_insight.artifacts import ArtifactError, load_estimator, verify, write_manifest


def _artifact(tmp_path):
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "weights.json").write_text(json.dumps({"w": [1, 2, 3]}))
    write_manifest(folder, kind="demo")
    return folder


def test_verify_accepts_untouched_and_refuses_tampered(tmp_path):
    folder = _artifact(tmp_path)
    assert verify(folder, kind="demo")["kind"] == "demo"
    (folder / "weights.json").write_text(json.dumps({"w": [1, 2, 4]}))
    with pytest.raises(ArtifactError, match="fails its recorded SHA-256"):
        verify(folder)


def test_verify_refuses_wrong_kind_missing_manifest_and_missing_file(tmp_path):
    folder = _artifact(tmp_path)
    with pytest.raises(ArtifactError, match="expected 'other'"):
        verify(folder, kind="other")
    (folder / "weights.json").unlink()
    with pytest.raises(ArtifactError, match="missing"):
        verify(folder)
    (folder / "manifest.json").unlink()
    with pytest.raises(ArtifactError, match="no manifest.json"):
        verify(folder)


def test_pickle_files_are_never_packaged_or_loaded(tmp_path):
    folder = tmp_path / "evil"
    folder.mkdir()
    (folder / "model.pkl").write_bytes(pickle.dumps({"a": 1}))
    with pytest.raises(ArtifactError, match="pickle-like"):
        write_manifest(folder, kind="demo")
    with pytest.raises(ArtifactError, match="pickle-like"):
        load_estimator(folder / "model.pkl")


def test_skops_file_with_disallowed_type_is_refused(tmp_path):
    import skops.io as sio

    path = tmp_path / "x.skops"
    sio.dump({"f": np.float64(1.0), "g": pytest.approx}, str(path))  # a type outside the allow-list
    with pytest.raises(ArtifactError, match="not allowed"):
        load_estimator(path)
