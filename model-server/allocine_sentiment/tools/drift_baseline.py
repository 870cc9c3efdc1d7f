"""Write the drift baseline of a model: ``npm run model:drift-baseline -- [--model DIR] [--train FILE] [--data FILE]``.

The embedded model's vocabulary (every word of its training data) and, on labelled data it was not fit on (the
Allociné validation split by default), the histogram of each drift feature: review length, unknown words, the
model's label and confidence. Written to DIR/drift-baseline.json, which the backend compares live traffic with
every hour (population stability index).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from allocine_sentiment import drift
from allocine_sentiment.models.loading import load_predictor
from allocine_sentiment.paths import EMBEDDED_MODEL_DIR, shared_data_dir
from allocine_sentiment.training.labelled_files import DataError, load_labelled

BASELINE_FILE = "drift-baseline.json"
BATCH = 64


def vocabulary(texts: list[str]) -> frozenset[str]:
    return frozenset(word for text in texts for word in drift.words(text))


def baseline(predictor, train: list[str], texts: list[str], dataset: str) -> dict:
    words = vocabulary(train)
    rows = []
    for start in range(0, len(texts), BATCH):
        batch = texts[start : start + BATCH]
        for text, prediction in zip(batch, predictor.predict(batch), strict=True):
            rows.append(drift.features(text, prediction.label, prediction.score, words))
    return {
        "dataset": dataset,
        "n": len(texts),
        "model": predictor.name,
        "version": predictor.version,
        "histograms": drift.histograms(rows),
        "vocabulary": sorted(words),
    }


def main(argv: list[str] | None = None) -> int:
    data = shared_data_dir() / "allocine"
    parser = argparse.ArgumentParser(prog="model:drift-baseline", description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=EMBEDDED_MODEL_DIR, help="model directory (default: embedded)")
    parser.add_argument("--train", type=Path, default=data / "train.jsonl", help="what the model was fit on")
    parser.add_argument("--data", type=Path, default=data / "validation.jsonl", help="the reference traffic")
    parser.add_argument("--dataset", default="Allociné validation (official split, 500 reviews)", help="its name")
    args = parser.parse_args(argv)
    try:
        train, reference = load_labelled(args.train), load_labelled(args.data)
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if set(train.texts) & set(reference.texts):
        print(
            "error: the reference data shares reviews with the training data: it would not show drift", file=sys.stderr
        )
        return 2
    result = baseline(load_predictor(args.model), train.texts, reference.texts, args.dataset)
    out = args.model / BASELINE_FILE
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out}: {result['n']} reviews of {args.dataset}, a vocabulary of {len(result['vocabulary'])} words")
    for feature, counts in result["histograms"].items():
        print(f"  {feature:<14} {counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
