"""A cost stand-in for the fine-tuned CamemBERT: camembert-base's exact shape with random weights.

    npm run model:random-camembert [-- --out model-server/model/camembert-base-random]

12 layers, hidden size 768, 12 heads, vocabulary 32,005, 514 positions, 2 labels, the real camembert-base
tokenizer from ../shared/data/tokenizers/camembert-base/, and a transformer serving profile whose acceleration
is chosen by speed (random weights make label agreement meaningless). Its labels mean nothing; its cost per
review is CamemBERT's, which is what the benchmark and the deployment path need. Gitignored, rebuilt on demand.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from allocine_sentiment.models.hf_model import CALIBRATION_FILE
from allocine_sentiment.paths import MODEL_SERVER_DIR, shared_data_dir
from allocine_sentiment.serving_profile import TRANSFORMER, save_profile

DEFAULT_OUT = MODEL_SERVER_DIR / "model" / "camembert-base-random"
# camembert-base's vocabulary and tokenizer at a tiny width and depth: every serving path runs in seconds.
TINY_SHAPE = {"hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2, "intermediate_size": 64}
TOKENIZER_FILES = ("tokenizer.json", "tokenizer_config.json")


def camembert_base_config(**overrides):
    from transformers import CamembertConfig

    shape = dict(
        vocab_size=32005,
        hidden_size=768,
        num_hidden_layers=12,
        num_attention_heads=12,
        intermediate_size=3072,
        max_position_embeddings=514,
        type_vocab_size=1,
        pad_token_id=1,
        bos_token_id=5,
        eos_token_id=6,
        id2label={0: "NEGATIVE", 1: "POSITIVE"},
        label2id={"NEGATIVE": 0, "POSITIVE": 1},
    )
    return CamembertConfig(**{**shape, **overrides})


def build(out: Path, tokenizer_dir: Path, seed: int = 0, **overrides) -> Path:
    """Write the checkpoint, tokenizer, calibration record and default transformer profile to ``out``."""
    # Imported here, not at the top: model:accelerate measures each variant in a process that imports the
    # command's module again, and an ONNX or OpenVINO variant must be measured without PyTorch, as it is served.
    import torch
    from transformers import CamembertForSequenceClassification

    missing = [name for name in TOKENIZER_FILES if not (tokenizer_dir / name).is_file()]
    if missing:
        raise FileNotFoundError(f"{tokenizer_dir} lacks {', '.join(missing)}")
    torch.manual_seed(seed)
    out.mkdir(parents=True, exist_ok=True)
    CamembertForSequenceClassification(camembert_base_config(**overrides)).save_pretrained(out)
    for name in TOKENIZER_FILES:
        shutil.copy(tokenizer_dir / name, out / name)
    record = {"name": "camembert-base-random", "version": f"random-seed-{seed}", "note": "random weights: cost only"}
    (out / CALIBRATION_FILE).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    save_profile(out, TRANSFORMER)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="model:random-camembert", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--tokenizer", type=Path, default=shared_data_dir() / "tokenizers" / "camembert-base")
    parser.add_argument("--sample", type=int, default=32, help="reviews timed per acceleration variant")
    parser.add_argument("--no-accelerate", action="store_true", help="keep torch-fp32, skip the ONNX exports")
    args = parser.parse_args(argv)
    try:
        build(args.out, args.tokenizer)
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"wrote {args.out} (camembert-base shape, random weights)")
    if not args.no_accelerate:
        from allocine_sentiment.tools.accelerate import accelerate
        from allocine_sentiment.training.labelled_files import load_labelled

        texts = load_labelled(shared_data_dir() / "allocine" / "validation.jsonl").texts
        report = accelerate(args.out, texts, args.sample, min_agreement=None, limit=args.sample)
        print(f"acceleration by speed: {report['chosen']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
