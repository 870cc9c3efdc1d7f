"""One interface over both model families: the embedded n-gram model and Hugging Face checkpoints."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import torch

from . import LABELS, ngram_model


@dataclass(frozen=True)
class Prediction:
    label: str
    score: float
    probabilities: dict[str, float]
    truncated: bool
    uncertain: bool


class Predictor(Protocol):
    name: str
    version: str
    family: str

    def logits(self, texts: Sequence[str]) -> torch.Tensor:
        """Uncalibrated (negative, positive) logits, one row per text: what calibration is fitted on."""
        ...

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """Exactly one prediction per text, in order."""
        ...


def to_predictions(
    logits: torch.Tensor, temperature: float, uncertain_below: float, truncated: Sequence[bool]
) -> list[Prediction]:
    """Calibrated softmax → ``Prediction``s; ``uncertain`` when the winning probability is below the threshold."""
    probabilities = torch.softmax(logits.float() / temperature, dim=-1).tolist()
    predictions = []
    for (p_negative, p_positive), was_truncated in zip(probabilities, truncated, strict=True):
        index = int(p_positive >= p_negative)
        score = max(p_negative, p_positive)
        predictions.append(
            Prediction(
                label=LABELS[index],
                score=score,
                probabilities={LABELS[0]: p_negative, LABELS[1]: p_positive},
                truncated=was_truncated,
                uncertain=score < uncertain_below,
            )
        )
    return predictions


class EmbeddedPredictor:
    """The n-gram model trained in this repository; reads whole texts, so nothing is ever truncated."""

    family = "embedded-ngram"

    def __init__(self, model_dir: Path) -> None:
        self.model, self.featuriser, config = ngram_model.load(model_dir)
        self.name = config["name"]
        self.version = config["version"]
        self.temperature = float(config["calibration"]["temperature"])
        self.uncertain_below = float(config["calibration"]["uncertain_below"])

    @torch.inference_mode()
    def logits(self, texts: Sequence[str]) -> torch.Tensor:
        return self.model(*self.featuriser(texts))

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        if not texts:
            return []
        return to_predictions(self.logits(texts), self.temperature, self.uncertain_below, [False] * len(texts))

    def explain(self, text: str) -> dict | None:
        """Each word's exact signed weight in the decision (``explain.explain_linear``); None for the MLP variant."""
        from .explain import explain_linear

        return explain_linear(self.model, self.featuriser, text) if self.model.linear else None


def load_predictor(model_dir: str | Path, **options) -> Predictor:
    """Pick the family from the files present: ``embedded_model.json`` or a Hugging Face ``config.json``.

    ``options`` (threads, device, acceleration, token_budget) apply to Hugging Face checkpoints only.
    """
    model_dir = Path(model_dir)
    if (model_dir / ngram_model.CONFIG_FILE).is_file():
        return EmbeddedPredictor(model_dir)
    if (model_dir / "config.json").is_file():
        from .hf_model import HuggingFacePredictor  # transformers is only imported when needed

        return HuggingFacePredictor(model_dir, **options)
    raise FileNotFoundError(f"{model_dir}: neither {ngram_model.CONFIG_FILE} nor a Hugging Face config.json found")


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
