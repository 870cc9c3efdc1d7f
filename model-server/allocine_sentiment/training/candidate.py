"""A candidate version from reviewers' corrections: ``npm run model:train -- --with-feedback corrections.csv``.

The embedded model is trained again on its base data plus the corrections; a Hugging Face model (``--base DIR``),
which cannot be fine-tuned on a CPU in reasonable time, is recalibrated on them (temperature and uncertain
threshold). Either way the candidate is evaluated beside its base on every set the base's card names and must pass
the gate (training/gate.py); then it is registered: written to the registry as a new version, with its card, and
packaged for TorchServe (``model-store/allocine-sentiment-v<version>.mar``). A refused candidate leaves nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import torch

from allocine_sentiment.base import read_json
from allocine_sentiment.contract import LIFECYCLE
from allocine_sentiment.models import ngram_model
from allocine_sentiment.models.loading import is_embedded, load_predictor
from allocine_sentiment.paths import MODEL_SERVER_DIR
from allocine_sentiment.registry import VERSION_PATTERN, next_version, registered_versions, write_card
from allocine_sentiment.serving_profile import PROFILE_FILE, load_profile
from allocine_sentiment.training import gate
from allocine_sentiment.training.feedback import load_corrections
from allocine_sentiment.training.labelled_files import Dataset

REFUSED = 3
# The base's run resumed for one epoch over its data and the corrections (each seen --correction-weight times).
RESUMED_EPOCHS = 1
# Largest logit difference between the replayed run and the served weights (stored in fp16: ~1e-3).
REPLAY_TOLERANCE = 0.05


def link_or_copy(source: str, target: str) -> None:
    """A recalibrated checkpoint shares its weights with its base (hundreds of MB): hard-linked when it can be."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def retrain_embedded(base_dir: Path, staging: Path, corrections: Dataset, args, version: str) -> dict:
    """The base's own training run, replayed from its card (same data, recipe and seed: the same weights, checked),
    then resumed for ``--epochs`` (1) more over its data plus the corrections, each seen ``--correction-weight``
    times, the optimiser's state kept. Resumed, the step each n-gram takes is what the converged run would take:
    the corrections' own words move, the rest barely. Trained again from nothing instead, a different shuffle
    alone moves accuracy by about a point (measured: 1.02 on the TV-series dev set), which would drown what ten
    corrections teach and trip the gate for nothing."""
    from allocine_sentiment.models.text import FeatureSpec
    from allocine_sentiment.training.corpus import training_splits
    from allocine_sentiment.training.labelled_files import DataError, load_labelled
    from allocine_sentiment.training.ngram_training import TrainConfig, Training, predict_logits
    from allocine_sentiment.training.train import calibrated_config

    _, _, base = ngram_model.load(base_dir)
    trained = base.get("training", {})
    with_tv = "allocine_tv_series" in str(trained.get("data", ""))
    train, validation = training_splits(args.data_dir, args.download, with_tv)
    tv_dev_path = args.data_dir / "allocine_tv_series" / "dev.tsv"
    tv_dev = load_labelled(tv_dev_path) if tv_dev_path.is_file() else None
    fields = TrainConfig.__dataclass_fields__
    config = TrainConfig(**{k: v for k, v in trained.items() if k in fields})
    spec = FeatureSpec(**base["features"])
    print(f"replaying {base['name']} {base['version']}'s training ({len(train)} reviews, {config.epochs} epochs)")
    started = time.perf_counter()
    run = Training(train.texts, train.labels, spec, config)
    run.epochs(config.epochs, run.rows, train.labels)
    replayed = predict_logits(run.model, run.featuriser, validation.texts)
    served = torch.as_tensor(load_predictor(base_dir).logits(validation.texts), dtype=torch.float32)
    if float((replayed - served).abs().max()) > REPLAY_TOLERANCE:
        raise DataError(
            f"{base_dir}: its training cannot be replayed from its card on {args.data_dir} (other data or code):"
            " a candidate must start from the live model's own run"
        )
    epochs = args.epochs or RESUMED_EPOCHS
    print(f"resuming for {epochs} epoch(s) with {len(corrections)} corrections (each x{args.correction_weight})")
    run.epochs(
        epochs,
        run.rows + run.featuriser.rows(corrections.texts) * args.correction_weight,
        train.labels + corrections.labels * args.correction_weight,
    )
    merged = Dataset(train.texts + corrections.texts, train.labels + corrections.labels, f"{train.source}+corrections")
    training = {
        **config.__dict__,
        "resumed": {"epochs": epochs, "corrections": len(corrections), "correction_weight": args.correction_weight},
        "data": train.source.replace(f"{args.data_dir}/", "") + "+corrections",
        "fingerprint": merged.fingerprint(),
        "n": len(merged),
        "seconds": round(time.perf_counter() - started, 1),
    }
    model_config = calibrated_config(run.model, run.featuriser, validation, tv_dev, spec, training, version)
    model_config["name"] = base.get("name", model_config["name"])
    ngram_model.save(staging, run.model, run.featuriser, model_config)
    if (base_dir / PROFILE_FILE).is_file():
        shutil.copy2(base_dir / PROFILE_FILE, staging / PROFILE_FILE)
    return {"method": "retrained", "fingerprint": merged.fingerprint(), "calibration": model_config["calibration"]}


def recalibrate_hf(base_dir: Path, staging: Path, corrections: Dataset, version: str) -> dict:
    from allocine_sentiment.models.hf_model import CALIBRATION_FILE
    from allocine_sentiment.training.calibrate import calibrate

    shutil.copytree(base_dir, staging, copy_function=link_or_copy, dirs_exist_ok=True)
    calibration = staging / CALIBRATION_FILE
    record = read_json(calibration)
    calibration.unlink(missing_ok=True)  # a hard link would write through to the base's file
    predictor = load_predictor(base_dir)
    record.update({"name": predictor.name, "version": version})
    calibration.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", encoding="utf-8", delete=False) as handle:
        for text, label in zip(corrections.texts, corrections.labels, strict=True):
            handle.write(json.dumps({"text": text, "label": label}, ensure_ascii=False) + "\n")
    try:
        result = calibrate(staging, Path(handle.name))
    finally:
        os.unlink(handle.name)
    result["calibrated_on"] = f"{len(corrections)} corrected reviews"
    return {"method": "recalibrated", "fingerprint": corrections.fingerprint(), "calibration": result}


def archive(model_dir: Path, version: str) -> Path:
    env = {**os.environ, "ARCHIVE_VERSION": version}
    subprocess.run(["bash", str(MODEL_SERVER_DIR / "scripts" / "build-mar.sh"), str(model_dir)], check=True, env=env)
    store = Path(os.environ.get("MODEL_STORE") or MODEL_SERVER_DIR / "model-store")
    return store / f"{LIFECYCLE['archivePrefix']}{version}.mar"


def make_candidate(args) -> int:
    """``model:train --with-feedback``: 0 registered, 2 bad input, 3 refused by the gate."""
    corrections = load_corrections(args.with_feedback)
    base_dir: Path = args.base.resolve()
    base = load_predictor(base_dir)
    registry: Path = args.registry
    version = args.version or next_version(base.version, set(registered_versions(registry)) | {base.version})
    if not VERSION_PATTERN.match(version) or (registry / version).exists() or version == base.version:
        print(f"error: version {version!r} is taken or not of the form 1.2 / name-r1", file=sys.stderr)
        return 2
    names = gate.named_sets(base_dir)
    sets = gate.load_sets(args.data_dir, names)
    print(
        f"candidate {version} from {base.name} {base.version}: {len(corrections.dataset)} corrections"
        f" ({corrections.without_text} without text, skipped); evaluated on {', '.join(names)}"
    )
    # Corrections of reviews the sets hold are refused before any training: the candidate could not be judged.
    overlap = gate.overlaps(corrections.dataset.texts, sets)
    if any(overlap.values()):
        reasons = gate.judge({}, {}, overlap)["reasons"]
        print("refused by the gate:\n  " + "\n  ".join(reasons), file=sys.stderr)
        return REFUSED
    registry.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{version}.", dir=registry))
    try:
        started = time.perf_counter()
        if is_embedded(base_dir):
            made = retrain_embedded(base_dir, staging, corrections.dataset, args, version)
        else:
            made = recalibrate_hf(base_dir, staging, corrections.dataset, version)
        candidate_metrics = gate.evaluate(staging, sets)
        base_metrics = gate.evaluate(base_dir, sets)
        verdict = gate.judge(candidate_metrics, base_metrics, overlap)
        print(gate.report(candidate_metrics, base_metrics, version, f"{base.name} {base.version}"))
        if not verdict["passed"]:
            print("refused by the gate:\n  " + "\n  ".join(verdict["reasons"]), file=sys.stderr)
            return REFUSED
        write_card(
            staging,
            {
                "name": base.name,
                "version": version,
                "family": base.family,
                "createdAt": datetime.now(UTC).isoformat(timespec="seconds"),
                "base": {"name": base.name, "version": base.version},
                "method": made["method"],
                "data": {
                    # What the candidate was fit on: base data and corrections (retrained), or the corrections alone.
                    "fingerprint": made["fingerprint"],
                    "corrections": len(corrections.dataset),
                    "correctionsFingerprint": corrections.dataset.fingerprint(),
                    "correctionsWithoutText": corrections.without_text,
                    "predictionIds": corrections.prediction_ids,
                },
                "evaluationSets": {name: gate.SETS[name]["name"] for name in names},
                "metrics": candidate_metrics,
                "baseMetrics": base_metrics,
                "gate": verdict,
                "calibration": made["calibration"],
                "serving": load_profile(staging).to_dict(),
                "seconds": round(time.perf_counter() - started, 1),
            },
        )
        final = registry / version
        staging.rename(final)
        staging = final
        if not args.no_archive:
            mar = archive(final, version)
            print(f"archived {mar}")
        print(f"registered version {version} in {final}")
        return 0
    finally:
        if staging.name.startswith("."):
            shutil.rmtree(staging, ignore_errors=True)
