"""Train the embedded model: ``npm run model:train [-- --with-tv-series --compare]``.

Deterministic for a given ``--seed``. Trains on Allociné train, calibrates (temperature scaling) and
picks the "uncertain" threshold on validation, then writes the model directory that TorchServe serves.
With ``--compare`` it also fits the TF-IDF + logistic-regression baseline and prints both.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import torch

from allocine_sentiment.models import ngram_model
from allocine_sentiment.models.text import FeatureSpec
from allocine_sentiment.paths import EMBEDDED_MODEL_DIR, shared_data_dir
from allocine_sentiment.training.corpus import training_splits
from allocine_sentiment.training.labelled_files import DataError, load_labelled
from allocine_sentiment.training.metrics import summary
from allocine_sentiment.training.ngram_training import TrainConfig, predict_logits, train_ngram
from allocine_sentiment.training.temperature import choose_uncertain_threshold, fit_temperature

MODEL_NAME = "allocine-embedded-ngram"
MODEL_VERSION = "1.0"


def rounded(metrics: dict) -> dict:
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in metrics.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="model:train", description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=shared_data_dir(), help="folder holding allocine/train.jsonl")
    parser.add_argument(
        "--download", action="store_true", help="fetch the public Allociné dataset when --data-dir lacks it"
    )
    parser.add_argument(
        "--allocine-only", action="store_true", help="train without allocine_tv_series/train.tsv (used by default)"
    )
    parser.add_argument("--out", type=Path, default=EMBEDDED_MODEL_DIR, help="model directory to write")
    parser.add_argument("--epochs", type=int, default=TrainConfig.epochs)
    parser.add_argument("--lr", type=float, default=TrainConfig.lr)
    parser.add_argument("--seed", type=int, default=TrainConfig.seed)
    parser.add_argument("--buckets", type=int, default=FeatureSpec.buckets)
    parser.add_argument("--no-naive-bayes", action="store_true", help="plain tf-idf weights (no NB scaling)")
    parser.add_argument("--compare", action="store_true", help="also train and report the TF-IDF + LR baseline")
    args = parser.parse_args(argv)

    try:
        train, validation = training_splits(args.data_dir, args.download, not args.allocine_only)
        tv_dev_path = args.data_dir / "allocine_tv_series" / "dev.tsv"
        tv_dev = load_labelled(tv_dev_path) if tv_dev_path.is_file() else None
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    print(f"training on {len(train)} reviews ({train.source}); selecting on {len(validation)} ({validation.source})")
    config = TrainConfig(epochs=args.epochs, lr=args.lr, seed=args.seed, naive_bayes=not args.no_naive_bayes)
    spec = FeatureSpec(buckets=args.buckets)
    started = time.perf_counter()
    model, featuriser = train_ngram(train.texts, train.labels, spec, config)
    train_seconds = time.perf_counter() - started

    logits = predict_logits(model, featuriser, validation.texts)
    temperature = fit_temperature(logits, torch.tensor(validation.labels))
    calibrated = torch.softmax(logits / temperature, -1)[:, 1].tolist()
    uncalibrated = torch.softmax(logits, -1)[:, 1].tolist()
    report = {
        "validation": rounded(summary(validation.labels, calibrated)),
        "validation_ece_before_calibration": round(summary(validation.labels, uncalibrated)["ece"], 4),
    }
    if tv_dev is not None:
        tv_logits = predict_logits(model, featuriser, tv_dev.texts)
        report["tv_series_dev"] = rounded(
            summary(tv_dev.labels, torch.softmax(tv_logits / temperature, -1)[:, 1].tolist())
        )

    model_config = {
        "name": MODEL_NAME,
        "version": MODEL_VERSION,
        "family": "embedded-ngram",
        "labels": ["negative", "positive"],
        "features": spec.to_dict(),
        "architecture": {"dim": config.dim, "hidden": config.hidden},
        "training": {
            **config.__dict__,
            # Paths relative to the data folder: the record must not depend on where it lived.
            "data": train.source.replace(f"{args.data_dir}/", ""),
            "n": len(train),
            "seconds": round(train_seconds, 1),
        },
        "calibration": {
            "method": "temperature scaling on validation",
            "temperature": round(temperature, 4),
            "uncertain_below": choose_uncertain_threshold(validation.labels, calibrated),
        },
        "metrics": report,
    }
    if args.compare:
        from allocine_sentiment.training.baseline import train_baseline

        baseline = train_baseline(train.texts, train.labels, seed=args.seed)
        model_config["baseline"] = {
            "validation": rounded(summary(validation.labels, baseline.predict_proba(validation.texts)[:, 1].tolist()))
        }
        if tv_dev is not None:
            model_config["baseline"]["tv_series_dev"] = rounded(
                summary(tv_dev.labels, baseline.predict_proba(tv_dev.texts)[:, 1].tolist())
            )
    ngram_model.save(args.out, model, featuriser, model_config)
    print(
        json.dumps({k: model_config[k] for k in ("calibration", "metrics", "baseline") if k in model_config}, indent=2)
    )
    print(f"wrote {args.out} in {train_seconds:.0f}s of training")
    return 0


if __name__ == "__main__":
    sys.exit(main())
