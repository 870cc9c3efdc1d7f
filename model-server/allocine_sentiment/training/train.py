"""Train the embedded model: ``npm run model:train [-- --allocine-only --compare | --with-feedback CSV]``.

Deterministic for a given ``--seed``. Trains on Allociné train, calibrates (temperature scaling) and
picks the "uncertain" threshold on validation, then writes the model directory that TorchServe serves.
With ``--compare`` it also fits the TF-IDF + logistic-regression baseline and prints both.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import torch

from allocine_sentiment.models import ngram_model
from allocine_sentiment.models.text import FeatureSpec
from allocine_sentiment.paths import EMBEDDED_MODEL_DIR, shared_data_dir
from allocine_sentiment.registry import registry_dir
from allocine_sentiment.training.corpus import training_splits
from allocine_sentiment.training.labelled_files import DataError, Dataset, load_labelled
from allocine_sentiment.training.metrics import summary
from allocine_sentiment.training.ngram_training import TrainConfig, predict_logits, train_ngram
from allocine_sentiment.training.temperature import choose_uncertain_threshold, fit_temperature

MODEL_NAME = "allocine-embedded-ngram"
MODEL_VERSION = "1.0"


def rounded(metrics: dict) -> dict:
    return {k: round(v, 4) if isinstance(v, float) else v for k, v in metrics.items()}


def train_embedded(
    train: Dataset,
    validation: Dataset,
    tv_dev: Dataset | None,
    spec: FeatureSpec,
    config: TrainConfig,
    data: str,
    version: str = MODEL_VERSION,
):
    """Fit on ``train``, calibrate on ``validation``: the model, its featuriser and its configuration (the card
    ``embedded_model.json`` holds). ``data`` names the training data, relative to the data folder."""
    started = time.perf_counter()
    model, featuriser = train_ngram(train.texts, train.labels, spec, config)
    info = {
        **config.__dict__,
        "data": data,
        "fingerprint": train.fingerprint(),
        "n": len(train),
        "seconds": round(time.perf_counter() - started, 1),
    }
    return model, featuriser, calibrated_config(model, featuriser, validation, tv_dev, spec, info, version)


def calibrated_config(
    model, featuriser, validation: Dataset, tv_dev: Dataset | None, spec: FeatureSpec, training: dict, version: str
) -> dict:
    """Temperature and uncertain threshold fitted on ``validation``, metrics on it and the TV-series dev set."""
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
    return {
        "name": MODEL_NAME,
        "version": version,
        "family": "embedded-ngram",
        "labels": ["negative", "positive"],
        "features": spec.to_dict(),
        "architecture": {"dim": training["dim"], "hidden": training["hidden"]},
        "training": training,
        "calibration": {
            "method": "temperature scaling on validation",
            "temperature": round(temperature, 4),
            "uncertain_below": choose_uncertain_threshold(validation.labels, calibrated),
        },
        "metrics": report,
    }


def live_model_dir() -> Path:
    return Path(os.environ.get("MODEL_DIR") or EMBEDDED_MODEL_DIR)


def with_feedback(args) -> int:
    from allocine_sentiment.training.candidate import make_candidate

    try:
        return make_candidate(args)
    except (DataError, FileNotFoundError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


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
    parser.add_argument("--epochs", type=int, help=f"default {TrainConfig.epochs} (a candidate: its base's)")
    parser.add_argument("--lr", type=float, help=f"default {TrainConfig.lr} (a candidate: its base's)")
    parser.add_argument("--seed", type=int, default=TrainConfig.seed)
    parser.add_argument("--buckets", type=int, default=FeatureSpec.buckets)
    parser.add_argument("--no-naive-bayes", action="store_true", help="plain tf-idf weights (no NB scaling)")
    parser.add_argument("--compare", action="store_true", help="also train and report the TF-IDF + LR baseline")
    candidate = parser.add_argument_group("a candidate version from corrections (docs/model-lifecycle.md)")
    candidate.add_argument("--with-feedback", type=Path, metavar="CSV", help="GET /api/v1/feedback?format=csv's export")
    candidate.add_argument("--base", type=Path, default=live_model_dir(), help="the live model (default: $MODEL_DIR)")
    candidate.add_argument("--version", help="the candidate's version (default: the base's next, 1.0 → 1.1)")
    candidate.add_argument("--registry", type=Path, default=registry_dir(), help="default: $MODEL_REGISTRY_DIR")
    candidate.add_argument("--no-archive", action="store_true", help="register without packaging for TorchServe")
    candidate.add_argument(
        "--correction-weight", type=int, default=5, help="times each correction is seen when resuming (default 5)"
    )
    args = parser.parse_args(argv)
    if args.with_feedback:
        return with_feedback(args)

    try:
        train, validation = training_splits(args.data_dir, args.download, not args.allocine_only)
        tv_dev_path = args.data_dir / "allocine_tv_series" / "dev.tsv"
        tv_dev = load_labelled(tv_dev_path) if tv_dev_path.is_file() else None
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

    print(f"training on {len(train)} reviews ({train.source}); selecting on {len(validation)} ({validation.source})")
    config = TrainConfig(
        epochs=args.epochs or TrainConfig.epochs,
        lr=args.lr or TrainConfig.lr,
        seed=args.seed,
        naive_bayes=not args.no_naive_bayes,
    )
    spec = FeatureSpec(buckets=args.buckets)
    data = train.source.replace(f"{args.data_dir}/", "")
    model, featuriser, model_config = train_embedded(train, validation, tv_dev, spec, config, data)
    train_seconds = model_config["training"]["seconds"]
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
