"""Loading a model directory as a predictor, whichever family it holds: the embedded n-gram model or a Hugging
Face checkpoint (transformers is only imported for the latter)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from allocine_sentiment.base import EMBEDDED_CONFIG_FILE, Prediction, Predictor, to_predictions
from allocine_sentiment.models import ngram_weights

PASS = 256  # reviews featurised and summed at a time


class EmbeddedPredictor:
    """The n-gram model trained in this repository; reads whole texts, so nothing is ever truncated. NumPy only:
    serving it imports neither PyTorch nor transformers."""

    family = "embedded-ngram"

    def __init__(self, model_dir: Path) -> None:
        self.weights, self.featuriser, config = ngram_weights.load(model_dir)
        self.name = config["name"]
        self.version = config["version"]
        self.temperature = float(config["calibration"]["temperature"])
        self.uncertain_below = float(config["calibration"]["uncertain_below"])

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        # A bulk batch holds up to 32 chunks of 100 reviews: featurised at once, their n-gram rows and the arrays
        # built from them would peak at ~250 MB, which the worker then keeps. By 256 reviews it stays under 20 MB.
        parts = [self.weights.logits(self.featuriser.rows(texts[i : i + PASS])) for i in range(0, len(texts), PASS)]
        return np.concatenate(parts) if parts else np.zeros((0, 2), dtype=np.float32)

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        if not texts:
            return []
        return to_predictions(self.logits(texts), self.temperature, self.uncertain_below, [False] * len(texts))

    def explain(self, text: str) -> dict | None:
        """Each word's exact signed weight in the decision (``explain.explain_linear``); None for the MLP variant."""
        from allocine_sentiment.models.explain import explain_linear

        return explain_linear(self.weights, self.featuriser, text) if self.weights.linear else None


def is_embedded(model_dir: str | Path) -> bool:
    return (Path(model_dir) / EMBEDDED_CONFIG_FILE).is_file()


def load_predictor(model_dir: str | Path, **options) -> Predictor:
    """Pick the family from the files present: ``embedded_model.json`` or a Hugging Face ``config.json``.

    ``options`` (threads, device, acceleration, token_budget) apply to Hugging Face checkpoints only.
    """
    model_dir = Path(model_dir)
    if is_embedded(model_dir):
        return EmbeddedPredictor(model_dir)
    if (model_dir / "config.json").is_file():
        from allocine_sentiment.models.hf_model import HuggingFacePredictor  # transformers is only imported when needed

        return HuggingFacePredictor(model_dir, **options)
    raise FileNotFoundError(f"{model_dir}: neither {EMBEDDED_CONFIG_FILE} nor a Hugging Face config.json found")
