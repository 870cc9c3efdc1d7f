"""Evaluate a model on any labelled file: ``npm run model:evaluate -- --data FILE [--model DIR] [--json OUT]``.

FILE is JSONL (``review`` or ``text``, ``label`` 0/1), CSV with a header (same columns) or TSV
(``label<TAB>text``). DIR is the embedded model directory (default) or a Hugging Face checkpoint.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from allocine_sentiment.models.loading import load_predictor
from allocine_sentiment.paths import EMBEDDED_MODEL_DIR
from allocine_sentiment.training.labelled_files import DataError, load_labelled
from allocine_sentiment.training.metrics import summary

BATCH = 64


def format_report(metrics: dict, model: str, seconds: float) -> str:
    (tn, fp), (fn, tp) = metrics["confusion"]
    return "\n".join(
        [
            f"model      {model}",
            f"n          {metrics['n']}",
            f"accuracy   {metrics['accuracy']:.4f}",
            f"macro-F1   {metrics['f1']:.4f}",
            f"ECE        {metrics['ece']:.4f}",
            "confusion  (rows: true, columns: predicted)",
            "                 negative  positive",
            f"  negative   {tn:>10}{fp:>10}",
            f"  positive   {fn:>10}{tp:>10}",
            f"speed      {metrics['n'] / seconds:.0f} reviews/s" if seconds > 0 else "",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="model:evaluate", description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, type=Path, help="labelled .jsonl, .csv or .tsv file")
    parser.add_argument(
        "--model", type=Path, default=EMBEDDED_MODEL_DIR, help="model directory (default: embedded model)"
    )
    parser.add_argument("--json", type=Path, help="also write the metrics as JSON to this file")
    args = parser.parse_args(argv)
    try:
        dataset = load_labelled(args.data)
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    try:
        predictor = load_predictor(args.model)
    except (FileNotFoundError, OSError, ValueError) as error:
        print(f"error: cannot load model from {args.model}: {error}", file=sys.stderr)
        return 2

    started = time.perf_counter()
    positive = []
    for start in range(0, len(dataset), BATCH):
        positive.extend(p.probabilities["positive"] for p in predictor.predict(dataset.texts[start : start + BATCH]))
    seconds = time.perf_counter() - started
    metrics = summary(dataset.labels, positive)
    print(format_report(metrics, f"{predictor.name} {predictor.version}", seconds))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
