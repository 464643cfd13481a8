"""Resumable runs: finished chunks and a small JSON manifest in ``OUTPUT.partial/`` next to OUTPUT.

Each finished chunk is written to its own file in OUTPUT's format (so any column that OUTPUT can
hold, a chunk can hold), then the manifest is replaced atomically; a chunk is therefore either
recorded and complete, or redone. The manifest names the input by size and SHA-256, the chunk size
and the job (the frame function's options), and refuses to resume against anything else: chunks of
a different input or job must never be stitched together. When every chunk is done the files are
assembled in order into OUTPUT and the folder is removed.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pandas as pd

from complaint_insight.errors import InputError
from complaint_insight.io import TableWriter, table_format

MANIFEST = "manifest.json"
VERSION = 1


def file_fingerprint(path: str | Path) -> dict[str, Any]:
    """Size and SHA-256 of the content (a touched but unchanged file still matches)."""
    path = Path(path)
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    stat = path.stat()
    return {"path": str(path.resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": digest.hexdigest()}


def partial_folder(output: str | Path) -> Path:
    output = Path(output)
    return output.with_name(output.name + ".partial")


class Checkpoint:
    """The ``.partial`` folder of one run. Use :meth:`open`."""

    def __init__(self, folder: Path, manifest: dict[str, Any]):
        self.folder = folder
        self.manifest = manifest
        self._done = {c["index"]: c for c in manifest["chunks"]}

    @classmethod
    def open(cls, input: str | Path, output: str | Path, *, chunk_size: int, job: str) -> Checkpoint:
        """Resume the checkpoint of this exact run, or start one; refuse a checkpoint of another run."""
        folder = partial_folder(output)
        wanted = {
            "version": VERSION,
            "input": file_fingerprint(input),
            "output": str(Path(output).resolve()),
            "chunk_size": chunk_size,
            "job": job,
        }
        path = folder / MANIFEST
        if path.is_file():
            try:
                found = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise InputError(f"{path}: unreadable checkpoint manifest ({exc}); delete {folder} to start again") from None
            _check_same_run(found, wanted, folder)
            return cls(folder, found)
        if folder.exists() and any(folder.iterdir()):
            raise InputError(f"{folder} exists but has no manifest; delete it to start again")
        folder.mkdir(parents=True, exist_ok=True)
        checkpoint = cls(folder, {**wanted, "chunks": []})
        checkpoint._save()
        return checkpoint

    # -- chunks -----------------------------------------------------------------------------
    def is_done(self, index: int) -> bool:
        return index in self._done

    def record(self, index: int) -> dict[str, Any]:
        return self._done[index]

    def chunk_path(self, index: int) -> Path:
        return self.folder / f"chunk-{index:06d}{Path(self.manifest['output']).suffix}"

    def write_chunk(self, index: int, frame: pd.DataFrame, *, rows_in: int, by_status: dict[str, int],
                    csv_formula_guard: bool = True) -> None:
        final = self.chunk_path(index)
        tmp = final.with_name(final.name + ".tmp" + final.suffix)
        with TableWriter(tmp, csv_formula_guard=csv_formula_guard) as writer:
            writer.write(frame)
        os.replace(tmp, final)  # only a complete chunk file carries the final name
        entry = {"index": index, "rows_in": rows_in, "rows_out": len(frame), "by_status": by_status,
                 "file": final.name}
        self._done[index] = entry
        self.manifest["chunks"] = [self._done[i] for i in sorted(self._done)]
        self._save()

    def _save(self) -> None:
        tmp = self.folder / (MANIFEST + ".tmp")
        tmp.write_text(json.dumps(self.manifest, indent=1), encoding="utf-8")
        os.replace(tmp, self.folder / MANIFEST)

    # -- finishing -------------------------------------------------------------------------------
    def assemble(self, n_chunks: int) -> None:
        """Write chunks 0..n_chunks-1, in order, into OUTPUT; then remove the folder."""
        missing = [i for i in range(n_chunks) if i not in self._done or not self.chunk_path(i).is_file()]
        if missing:
            raise RuntimeError(f"checkpoint {self.folder}: chunk(s) {missing[:5]} missing; cannot assemble")
        output = Path(self.manifest["output"])
        fmt = table_format(output)
        tmp = output.with_name(output.name + ".assembling" + output.suffix)
        if fmt == "parquet":
            _assemble_parquet([self.chunk_path(i) for i in range(n_chunks)], tmp)
        else:
            _assemble_text([self.chunk_path(i) for i in range(n_chunks)], tmp, fmt)
        os.replace(tmp, output)
        shutil.rmtree(self.folder)


def _check_same_run(found: dict, wanted: dict, folder: Path) -> None:
    if found.get("version") != VERSION:
        raise InputError(f"{folder}: checkpoint from another version; delete it to start again")
    old, new = found.get("input", {}), wanted["input"]
    if (old.get("size"), old.get("sha256")) != (new["size"], new["sha256"]):
        raise InputError(f"cannot resume: {new['path']} changed since the checkpoint in {folder} was written; "
                         "delete that folder to start again")
    for key, label in (("chunk_size", "--chunk-size"), ("job", "the command's options")):
        if found.get(key) != wanted[key]:
            raise InputError(f"cannot resume: {label} differ from the checkpoint in {folder} "
                             f"({found.get(key)!r} then, {wanted[key]!r} now); use the same or delete the folder")


def _assemble_text(paths: list[Path], out: Path, fmt: str) -> None:
    """Concatenate chunk files byte for byte; CSV/TSV chunks after the first lose their header."""
    with open(out, "wb") as dst:
        for k, path in enumerate(paths):
            with open(path, "rb") as src:
                if fmt in ("csv", "tsv") and k > 0:
                    _skip_header(src, path, sep="," if fmt == "csv" else "\t")
                shutil.copyfileobj(src, dst, 1 << 20)


def _skip_header(src, path: Path, sep: str) -> None:
    # A header may hold quoted line breaks: read one CSV record, not one line.
    first = src.readline()
    text = first.decode("utf-8")
    while True:
        try:
            next(csv.reader([text], delimiter=sep, strict=True))
            if text.count('"') % 2 == 0:
                return
        except csv.Error:
            pass
        more = src.readline()
        if not more:
            raise RuntimeError(f"{path}: unterminated header")
        text += more.decode("utf-8")


def _assemble_parquet(paths: list[Path], out: Path) -> None:
    import pyarrow.parquet as pq

    writer = None
    try:
        for path in paths:
            table = pq.read_table(path)
            if writer is None:
                writer = pq.ParquetWriter(out, table.schema)
            else:
                table = table.cast(writer.schema)
            writer.write_table(table)
    finally:
        if writer is not None:
            writer.close()
