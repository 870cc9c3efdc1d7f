"""The gate a candidate passes before it becomes a version: evaluated on every set its base's card names, beside
its base on the same reviews, it may lose at most ``gateMaxLossPoints`` of accuracy on any, and it must not have
been fit on a review of a set it is evaluated on."""

from __future__ import annotations

import re
from pathlib import Path

from allocine_sentiment.base import EMBEDDED_CONFIG_FILE, read_json
from allocine_sentiment.contract import LIFECYCLE
from allocine_sentiment.models.loading import load_predictor
from allocine_sentiment.training.labelled_files import Dataset, load_labelled
from allocine_sentiment.training.metrics import summary

MAX_LOSS_POINTS: float = LIFECYCLE["gateMaxLossPoints"]
SETS: dict = LIFECYCLE["evaluationSets"]
BATCH = 64


def named_sets(model_dir: Path) -> list[str]:
    """The evaluation sets the model's card reports (all known sets when it reports none)."""
    card = read_json(model_dir / EMBEDDED_CONFIG_FILE) or read_json(model_dir / LIFECYCLE["registryCard"])
    named = [name for name in (card.get("metrics") or {}) if name in SETS]
    return named or list(SETS)


def load_sets(data_dir: Path, names: list[str]) -> dict[str, Dataset]:
    """Every named set found under ``data_dir``; a set the card names but the data lacks is an error, not a skip."""
    sets = {}
    for name in names:
        path = data_dir / SETS[name]["file"]
        if not path.is_file():
            raise FileNotFoundError(f"{path}: the card names the set {name!r}, the gate must evaluate on it")
        sets[name] = load_labelled(path)
    return sets


def evaluate(model_dir: Path, sets: dict[str, Dataset]) -> dict[str, dict]:
    predictor = load_predictor(model_dir)
    report = {}
    for name, dataset in sets.items():
        positive = []
        for start in range(0, len(dataset), BATCH):
            chunk = dataset.texts[start : start + BATCH]
            positive.extend(p.probabilities["positive"] for p in predictor.predict(chunk))
        metrics = summary(dataset.labels, positive)
        report[name] = {k: round(v, 4) if isinstance(v, float) else v for k, v in metrics.items()}
    return report


def normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def overlaps(fitted_on: list[str], sets: dict[str, Dataset]) -> dict[str, int]:
    """How many reviews of each set the candidate was fit on (whitespace and case aside)."""
    fitted = {normalised(text) for text in fitted_on}
    return {name: sum(normalised(text) in fitted for text in dataset.texts) for name, dataset in sets.items()}


def report(candidate: dict[str, dict], base: dict[str, dict], version: str, live: str) -> str:
    """The candidate beside the live model, one line per evaluation set."""
    lines = [f"{'set':<16}{'n':>6}{'candidate ' + version:>22}{'live ' + live:>34}{'points':>9}"]
    for name, metrics in candidate.items():
        points = (metrics["accuracy"] - base[name]["accuracy"]) * 100
        lines.append(
            f"{name:<16}{metrics['n']:>6}{metrics['accuracy']:>22.4f}{base[name]['accuracy']:>34.4f}{points:>+9.2f}"
        )
    return "\n".join(lines)


def judge(candidate: dict[str, dict], base: dict[str, dict], overlap: dict[str, int]) -> dict:
    """The verdict and its reasons, in words a person can act on."""
    reasons = []
    losses = {}
    for name, metrics in candidate.items():
        loss = round((base[name]["accuracy"] - metrics["accuracy"]) * 100, 2)
        losses[name] = loss
        if loss > MAX_LOSS_POINTS:
            reasons.append(
                f"{name}: accuracy {metrics['accuracy']:.4f} against {base[name]['accuracy']:.4f} for the live model,"
                f" {loss:.2f} points lost (at most {MAX_LOSS_POINTS} allowed)"
            )
    for name, count in overlap.items():
        if count:
            reasons.append(f"{name}: fit on {count} of its reviews, so it cannot be evaluated on it")
    return {
        "passed": not reasons,
        "maxLossPoints": MAX_LOSS_POINTS,
        "lossPoints": losses,
        "overlap": overlap,
        "reasons": reasons,
    }
