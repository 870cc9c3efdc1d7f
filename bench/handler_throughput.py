"""Reviews per second through the TorchServe handler at a given batch size (in process, one thread).

    .venv/bin/python bench/handler_throughput.py [--batch 32] [--data ../shared/data/allocine/validation.jsonl]

Measures what one TorchServe worker does per batch (parse requests, featurise, model, build responses),
without HTTP. TorchServe runs two such workers on this machine's two cores.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "model-server"))
sys.path.insert(0, str(ROOT / "model-server" / "tests"))

import torch  # noqa: E402
from allocine_sentiment.paths import EMBEDDED_MODEL_DIR, shared_data_dir  # noqa: E402
from allocine_sentiment.serving.handler import SentimentHandler  # noqa: E402
from allocine_sentiment.training.labelled_files import load_labelled  # noqa: E402
from conftest import make_context  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument(
        "--data", type=Path, default=shared_data_dir() / "allocine" / "validation.jsonl"
    )
    parser.add_argument("--model", type=Path, default=EMBEDDED_MODEL_DIR)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    torch.set_num_threads(1)
    texts = load_labelled(args.data).texts
    handler = SentimentHandler()
    handler.initialize(make_context(args.model))
    batches = [texts[i : i + args.batch] for i in range(0, len(texts), args.batch)]
    best = float("inf")
    for _ in range(args.repeat):
        started = time.perf_counter()
        for batch in batches:
            handler.handle(
                [{"body": text} for text in batch], make_context(args.model, len(batch))
            )
        best = min(best, time.perf_counter() - started)
    chars = sum(len(t) for t in texts) / len(texts)
    print(f"model {handler.predictor.name} {handler.predictor.version}")
    print(
        f"{len(texts)} reviews (mean {chars:.0f} chars), batch {args.batch}, 1 thread, best of {args.repeat}"
    )
    print(
        f"{len(texts) / best:.0f} reviews/s  ({1000 * best / len(batches):.1f} ms per batch)"
    )


if __name__ == "__main__":
    main()
