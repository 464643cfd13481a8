"""Safe saving and loading of model artefacts.

An artefact is a folder with a ``manifest.json`` recording the SHA-256 of every file in it.
Loading checks every hash first and refuses anything that does not match, then reads the
files with loaders that cannot run code: JSON, safetensors / ``.npy`` without pickle, and
``skops`` for scikit-learn objects with an explicit allow-list of types. Pickle and joblib
files are refused outright, because unpickling runs arbitrary code from the file.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
FORMAT = "complaint-insight-artifact/1"
_UNSAFE_SUFFIXES = {".pkl", ".pickle", ".joblib", ".pt", ".pth", ".bin", ".dill"}

# Types a skops file may contain beyond skops' own defaults (scikit-learn estimators, numpy and
# scipy containers). An exact list, not module prefixes: skops *calls* some loaded names with
# arguments from the file (ConstructorFromReduceNode), so allowing "numpy." or "complaint_insight."
# would let a crafted file call e.g. numpy.savetxt or artifacts.write_json with a path of its choice.
# A new estimator class saved with skops must be added here (or passed as ``trusted=``).
TRUSTED_TYPES = frozenset({
    "complaint_insight.triage.risk_model.RiskModel",
})


class ArtifactError(ValueError):
    """A model artefact is missing, corrupt, tampered with or unsafe to load."""


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(folder: str | Path, *, kind: str, recipe: str = "", extra: dict[str, Any] | None = None) -> dict:
    """Hash every file in ``folder`` (except the manifest) and write ``manifest.json``."""
    from complaint_insight import __version__

    folder = Path(folder)
    files = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST):
        rel = path.relative_to(folder).as_posix()
        if path.suffix.lower() in _UNSAFE_SUFFIXES:
            raise ArtifactError(f"refusing to package {rel}: pickle-like files can execute code when loaded")
        files[rel] = {"sha256": sha256_file(path), "bytes": path.stat().st_size}
    manifest = {
        "format": FORMAT,
        "kind": kind,
        "created": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "library_version": __version__,
        "recipe": recipe,
        "files": files,
        **(extra or {}),
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return manifest


def verify(folder: str | Path, *, kind: str | None = None) -> dict:
    """Check an artefact folder against its manifest; return the manifest or raise ArtifactError."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ArtifactError(f"model folder not found: {folder}")
    manifest_path = folder / MANIFEST
    if not manifest_path.is_file():
        raise ArtifactError(f"{folder} has no {MANIFEST}; refusing to load an unverified model")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ArtifactError(f"{manifest_path} is not valid JSON: {exc}") from None
    if manifest.get("format") != FORMAT:
        raise ArtifactError(f"{manifest_path}: unknown artefact format {manifest.get('format')!r}")
    if kind is not None and manifest.get("kind") != kind:
        raise ArtifactError(f"{folder} holds a {manifest.get('kind')!r} model, expected {kind!r}")
    listed = manifest.get("files", {})
    if not isinstance(listed, dict):
        raise ArtifactError(f"{manifest_path}: 'files' must map file names to hashes")
    root = folder.resolve()
    # Loaders (and libraries such as model2vec) may read any file in the folder, so every file
    # there must be one the manifest vouches for; a dropped-in model.pkl is refused, not ignored.
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST):
        rel = path.relative_to(folder).as_posix()
        if path.suffix.lower() in _UNSAFE_SUFFIXES:
            raise ArtifactError(f"{path}: pickle-like files are never loaded (they can execute code); "
                                "remove it from the model folder")
        if rel not in listed:
            raise ArtifactError(f"{path} is not listed in {MANIFEST}; refusing a model folder with unverified files "
                                "(remove the file, or rebuild the model with its recipe)")
    for rel, meta in listed.items():
        path = folder / rel
        if not isinstance(meta, dict) or not path.resolve().is_relative_to(root):
            raise ArtifactError(f"{manifest_path}: bad entry {rel!r}")
        if Path(rel).suffix.lower() in _UNSAFE_SUFFIXES:
            raise ArtifactError(f"{path}: pickle-like files are never loaded (they can execute code)")
        if not path.is_file():
            raise ArtifactError(f"{path} is listed in the manifest but missing")
        actual = sha256_file(path)
        if actual != meta.get("sha256"):
            raise ArtifactError(
                f"{path} fails its recorded SHA-256 hash (expected {str(meta.get('sha256'))[:12]}…, "
                f"got {actual[:12]}…); the file was changed or corrupted, refusing to load it"
            )
    return manifest


def _check_types(types: Iterable[str], path: Path, trusted: frozenset[str]) -> None:
    bad = [name for name in types if name not in trusted]
    if bad:
        raise ArtifactError(f"{path} contains types that are not allowed to load: {', '.join(sorted(bad))}")


def dump_estimator(obj: Any, path: str | Path) -> None:
    """Save a scikit-learn style object with skops (no pickle)."""
    import zipfile

    import skops.io as sio

    # skops stores dicts (e.g. a TF-IDF vocabulary) as verbose JSON, which deflates ~10x.
    sio.dump(obj, str(path), compression=zipfile.ZIP_DEFLATED, compresslevel=9)


def load_estimator(path: str | Path, *, trusted: Iterable[str] = ()) -> Any:
    """Load a skops file: skops' default types (scikit-learn, numpy, scipy) plus ``TRUSTED_TYPES``
    and ``trusted`` (exact ``module.Name`` strings); any other type refuses the whole file."""
    import skops.io as sio

    path = Path(path)
    if path.suffix.lower() in _UNSAFE_SUFFIXES:
        raise ArtifactError(f"{path}: pickle-like files are never loaded (they can execute code)")
    try:
        untrusted = sio.get_untrusted_types(file=str(path))
    except Exception as exc:  # skops raises several types for malformed files
        raise ArtifactError(f"{path} is not a readable skops file: {exc}") from None
    _check_types(untrusted, path, TRUSTED_TYPES | frozenset(trusted))
    try:
        return sio.load(str(path), trusted=untrusted)
    except Exception as exc:
        raise ArtifactError(f"{path} could not be loaded safely: {exc}") from None


def write_json(path: str | Path, data: Any) -> None:
    Path(path).write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")


def read_json(path: str | Path) -> Any:
    return json.loads(Path(path).read_text(encoding="utf-8"))
