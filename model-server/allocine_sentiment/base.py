"""The predictor interface every model family implements, and what they share: a module of its own so that the
families (models/), the servers (serving/) and the tools import it without importing each other."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from allocine_sentiment import LABELS

# The embedded n-gram model's configuration file: its presence is what makes a directory that model.
EMBEDDED_CONFIG_FILE = "embedded_model.json"


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

    def logits(self, texts: Sequence[str]):
        """Uncalibrated (negative, positive) logits, one row per text: what calibration is fitted on. A NumPy
        array (embedded model) or a CPU torch tensor (Hugging Face models); ``np.asarray`` reads either."""
        ...

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        """Exactly one prediction per text, in order."""
        ...


def to_predictions(logits, temperature: float, uncertain_below: float, truncated: Sequence[bool]) -> list[Prediction]:
    """Calibrated softmax → ``Prediction``s; ``uncertain`` when the winning probability is below the threshold."""
    scaled = np.asarray(logits, dtype=np.float64) / temperature
    exponentials = np.exp(scaled - scaled.max(axis=-1, keepdims=True))
    probabilities = (exponentials / exponentials.sum(axis=-1, keepdims=True)).tolist()
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


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
