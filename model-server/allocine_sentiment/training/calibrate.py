"""Fit a served model's temperature and uncertain threshold on labelled data, and record them with the model.

    npm run model:calibrate -- --model DIR [--data FILE]   (default: ../shared/data/allocine/validation.jsonl)

Works for any model directory the handler serves: a Hugging Face checkpoint gets ``calibration.json``
(its name and version kept), the embedded model its ``embedded_model.json`` calibration block. The
probabilities the API reports are then calibrated for this model, not inherited from another one.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch

from allocine_sentiment.base import read_json
from allocine_sentiment.models import ngram_model
from allocine_sentiment.models.hf_model import CALIBRATION_FILE
from allocine_sentiment.models.loading import load_predictor
from allocine_sentiment.paths import shared_data_dir
from allocine_sentiment.training.labelled_files import DataError, load_labelled
from allocine_sentiment.training.metrics import summary
from allocine_sentiment.training.temperature import choose_uncertain_threshold, fit_temperature

BATCH = 64


def calibrate(model_dir: Path, data: Path) -> dict:
    """Fit on ``data``; write the result beside the model and return it (with ECE before and after)."""
    dataset = load_labelled(data)
    predictor = load_predictor(model_dir)
    batches = [predictor.logits(dataset.texts[i : i + BATCH]) for i in range(0, len(dataset), BATCH)]
    logits = torch.cat([torch.as_tensor(batch, dtype=torch.float32) for batch in batches])
    temperature = fit_temperature(logits, torch.tensor(dataset.labels))
    calibrated = torch.softmax(logits / temperature, -1)[:, 1].tolist()
    result = {
        "temperature": round(temperature, 4),
        "uncertain_below": choose_uncertain_threshold(dataset.labels, calibrated),
        "calibrated_on": f"{data.name} ({len(dataset)} reviews)",
        "ece_before": round(summary(dataset.labels, torch.softmax(logits, -1)[:, 1].tolist())["ece"], 4),
        "ece_after": round(summary(dataset.labels, calibrated)["ece"], 4),
        "accuracy": round(summary(dataset.labels, calibrated)["accuracy"], 4),
    }
    embedded = model_dir / ngram_model.CONFIG_FILE
    if embedded.is_file():
        config = json.loads(embedded.read_text(encoding="utf-8"))
        config["calibration"].update({k: result[k] for k in ("temperature", "uncertain_below")})
        embedded.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    else:
        record = {**read_json(model_dir / CALIBRATION_FILE), **result}
        record.setdefault("name", predictor.name)
        record.setdefault("version", predictor.version)
        (model_dir / CALIBRATION_FILE).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="model:calibrate", description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True, help="model directory (embedded or Hugging Face)")
    parser.add_argument("--data", type=Path, default=shared_data_dir() / "allocine" / "validation.jsonl")
    args = parser.parse_args(argv)
    try:
        result = calibrate(args.model, args.data)
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (FileNotFoundError, OSError, ValueError) as error:
        print(f"error: cannot calibrate {args.model}: {error}", file=sys.stderr)
        return 2
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
