"""Analyst edits to themes (merge, rename, split) and carrying them over to a refit.

Edits change the model in place and are logged in ``model.edits_``. ``carry_over`` fits a fresh
model on new data, then matches its themes to the old ones by centroid cosine similarity with
the Hungarian algorithm (scipy's ``linear_sum_assignment``): a matched theme keeps its
predecessor's id and, if a person named it, its label. Merges survive because new themes whose
best predecessor is a merged theme are merged again; splits survive because a new theme matched to
one half of a split is split again along the saved halves' centroids.
"""
from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.base import clone

from complaint_insight.errors import InputError
from complaint_insight.themes.cluster import SphericalKMeans, nearest, normalise
from complaint_insight.themes.label import PhraseLabeller
from complaint_insight.themes.model import _describe, theme_id
from complaint_insight.themes.result import Theme

# Below this cosine similarity a new theme is not "the same" as an old one.
MIN_MATCH_SIMILARITY = 0.8


def _edits(model) -> list[dict]:
    if not hasattr(model, "edits_"):
        model.edits_ = []
    return model.edits_


def _positions(model, ids) -> list[int]:
    known = {t.id: i for i, t in enumerate(model.themes_)}
    missing = [i for i in ids if i not in known]
    if missing:
        raise InputError(f"unknown theme id(s) {', '.join(map(str, missing))}; themes are: {', '.join(known)}")
    return [known[i] for i in ids]


def rename(model, tid: str, label: str):
    model._check_fitted()
    label = str(label).strip()
    if not label:
        raise InputError("a theme label cannot be empty")
    (pos,) = _positions(model, [tid])
    old = model.themes_[pos]
    model.themes_[pos] = old.model_copy(update={"label": label, "label_edited": True,
                                                "history": [*old.history, f"renamed from {old.label!r}"]})
    _edits(model).append({"op": "rename", "id": tid, "label": label})
    return model


def merge(model, ids: list[str], label: str | None = None):
    """Merge themes into the first id given; the centroid is the size-weighted mean."""
    model._check_fitted()
    if len(ids) < 2 or len(set(ids)) != len(ids):
        raise InputError("merge needs two or more different theme ids")
    positions = _positions(model, ids)
    themes = [model.themes_[p] for p in positions]
    sizes = np.array([max(t.size, 1) for t in themes], dtype=np.float64)
    centre = normalise((model.cluster_centers_[positions] * sizes[:, None]).sum(axis=0, keepdims=True))[0]
    keep = positions[0]
    biggest = themes[int(np.argmax(sizes))]
    phrases = list(dict.fromkeys(p for t in themes for p in t.key_phrases))[:8]
    merged = themes[0].model_copy(update={
        "label": label.strip() if label else biggest.label,
        "label_edited": bool(label) or any(t.label_edited for t in themes),
        "key_phrases": phrases,
        "size": int(sizes.sum()),
        "quotes": list(dict.fromkeys(q for t in themes for q in t.quotes))[:3],
        "history": [*themes[0].history, *(f"merged {t.id} ({t.label})" for t in themes[1:])],
    })
    centers = model.cluster_centers_.copy()
    centers[keep] = centre
    drop = set(positions[1:])
    model.themes_ = [merged if i == keep else t for i, t in enumerate(model.themes_) if i not in drop]
    model.cluster_centers_ = np.ascontiguousarray(centers[[i for i in range(len(centers)) if i not in drop]])
    _edits(model).append({"op": "merge", "ids": list(ids), "into": ids[0], "label": merged.label})
    # Rows seen at fit follow their theme into the merged one; later positions shift down.
    if getattr(model, "labels_", None) is not None:
        remap = np.full(len(centers) + 1, -1, dtype=np.int64)
        kept = [i for i in range(len(centers)) if i not in drop]
        remap[kept] = np.arange(len(kept))
        remap[list(drop)] = kept.index(keep)
        model.labels_ = np.where(model.labels_ >= 0, remap[model.labels_], -1)
    model.n_themes_ = len(model.themes_)
    return model


def split(model, tid: str, X, n: int = 2):
    """Split one theme in ``n`` by clustering the texts of ``X`` that belong to it."""
    model._check_fitted()
    (pos,) = _positions(model, [tid])
    if n < 2:
        raise InputError("split needs n >= 2")
    can, E = model._prepare(X)
    idx, _ = nearest(E, model.cluster_centers_)
    members = np.flatnonzero(idx == pos)
    if len(members) < n * 2:
        raise InputError(f"theme {tid} has {len(members)} distinct texts in the data given; too few to split in {n}")
    sub = SphericalKMeans(n_clusters=n, random_state=model.random_state).fit(E[members],
                                                                            sample_weight=can.counts[members])
    sub_labels, sub_dist = nearest(E[members], sub.cluster_centers_)
    labeller = PhraseLabeller() if model.labeller is None else model.labeller
    texts = [can.texts[i] for i in members]
    described = _describe(labeller, texts, E[members], sub_labels, sub_dist, sub.cluster_centers_)
    parent = model.themes_[pos]
    children, new_ids = [], []
    for c in range(n):
        new_id = theme_id(model.next_id_)
        model.next_id_ += 1
        new_ids.append(new_id)
        size = int(can.counts[members][sub_labels == c].sum())
        children.append(Theme(id=new_id, label=described[c]["label"] or new_id, key_phrases=described[c]["key_phrases"],
                              size=size, quotes=described[c]["quotes"], history=[f"split from {tid} ({parent.label})"]))
    model.themes_ = model.themes_[:pos] + children + model.themes_[pos + 1 :]
    model.cluster_centers_ = np.ascontiguousarray(
        np.vstack([model.cluster_centers_[:pos], sub.cluster_centers_, model.cluster_centers_[pos + 1 :]])
    )
    model.n_themes_ = len(model.themes_)
    model.labels_ = model.distances_ = None  # row assignments of the fit are stale: use assign(X)
    _edits(model).append({"op": "split", "id": tid, "into": new_ids,
                          "child_centroids": [c.tolist() for c in sub.cluster_centers_]})
    return model


def carry_over(old, X):
    """Fit a clone of ``old`` on ``X`` and keep ids, edited labels, merges and splits."""
    old._check_fitted()
    new = clone(old)
    can, E = new._prepare(X)
    new._fit_canonical(can, E)
    new.edits_ = []
    old_centers = old.cluster_centers_
    sims = new.cluster_centers_ @ old_centers.T
    rows, cols = linear_sum_assignment(-sims)
    match = {int(r): int(c) for r, c in zip(rows, cols) if sims[r, c] >= MIN_MATCH_SIMILARITY}
    next_id = max(old.next_id_, 1)
    ids = []
    for i in range(len(new.themes_)):
        if i in match:
            ids.append(old.themes_[match[i]].id)
        else:
            ids.append(theme_id(next_id))
            next_id += 1
    new.themes_ = [
        t.model_copy(update={"id": ids[i]}) if i not in match else _inherit(t, old.themes_[match[i]], ids[i])
        for i, t in enumerate(new.themes_)
    ]
    new.next_id_ = next_id
    # Merges: a new theme that matches nothing but is closest to a merged theme joins it again.
    merged_ids = {e["into"] for e in getattr(old, "edits_", []) if e["op"] == "merge"}
    pending = []
    for i in sorted(set(range(len(new.themes_))) - set(match)):
        best = int(np.argmax(sims[i]))
        target = old.themes_[best]
        if target.id in merged_ids and sims[i, best] >= MIN_MATCH_SIMILARITY * 0.9:
            pending.append((target, ids[i]))
    for target, tid in pending:
        present = {t.id for t in new.themes_}
        if target.id in present and tid in present:
            merge(new, [target.id, tid], label=target.label if target.label_edited else None)
    # Splits: if one half of an earlier split is matched and the other is not, split along the halves.
    for edit in getattr(old, "edits_", []):
        if edit["op"] != "split":
            continue
        present = [c for c in edit["into"] if any(t.id == c for t in new.themes_)]
        if len(present) == 1 and len(present) < len(edit["into"]):
            _resplit(new, present[0], edit, can, E, old)
    new._refresh_fitted_rows(can, E)
    new.edits_ = [*getattr(old, "edits_", [])]
    return new


def _inherit(new_theme: Theme, old_theme: Theme, tid: str) -> Theme:
    update = {"id": tid, "history": list(old_theme.history)}
    if old_theme.label_edited:
        update.update(label=old_theme.label, label_edited=True)
    return new_theme.model_copy(update=update)


def _resplit(new, tid: str, edit: dict, can, E, old) -> None:
    pos = [t.id for t in new.themes_].index(tid)
    halves = normalise(np.array(edit["child_centroids"], dtype=np.float32))
    idx, _ = nearest(E, new.cluster_centers_)
    members = np.flatnonzero(idx == pos)
    if len(members) < 2:
        return
    part, part_dist = nearest(E[members], halves)
    if len(np.unique(part)) < 2:
        return
    centers = np.vstack([normalise((E[members][part == c] * can.counts[members][part == c, None]).sum(0, keepdims=True))
                         for c in range(len(halves))])
    labeller = PhraseLabeller() if new.labeller is None else new.labeller
    texts = [can.texts[i] for i in members]
    described = _describe(labeller, texts, E[members], part, part_dist, centers)
    old_by_id = {t.id: t for t in old.themes_}
    children = []
    for c, child_id in enumerate(edit["into"]):
        prev = old_by_id.get(child_id)
        label = prev.label if prev is not None and prev.label_edited else (described[c]["label"] or child_id)
        children.append(Theme(id=child_id, label=label, key_phrases=described[c]["key_phrases"],
                              size=int(can.counts[members][part == c].sum()), quotes=described[c]["quotes"],
                              label_edited=bool(prev and prev.label_edited),
                              history=list(prev.history) if prev else [f"split from {edit['id']}"]))
    new.themes_ = new.themes_[:pos] + children + new.themes_[pos + 1 :]
    new.cluster_centers_ = np.ascontiguousarray(
        np.vstack([new.cluster_centers_[:pos], centers, new.cluster_centers_[pos + 1 :]]).astype(np.float32)
    )
    new.n_themes_ = len(new.themes_)


__all__ = ["MIN_MATCH_SIMILARITY", "carry_over", "merge", "rename", "split"]
