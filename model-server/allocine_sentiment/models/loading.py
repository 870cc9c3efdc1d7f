"""Loading a model directory as a predictor, whichever family it holds: the embedded n-gram model or a Hugging
Face checkpoint (transformers is only imported for the latter)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import torch

from allocine_sentiment.base import EMBEDDED_CONFIG_FILE, Prediction, Predictor, to_predictions
from allocine_sentiment.models import ngram_model


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
        from allocine_sentiment.models.explain import explain_linear

        return explain_linear(self.model, self.featuriser, text) if self.model.linear else None


def load_predictor(model_dir: str | Path, **options) -> Predictor:
    """Pick the family from the files present: ``embedded_model.json`` or a Hugging Face ``config.json``.

    ``options`` (threads, device, acceleration, token_budget) apply to Hugging Face checkpoints only.
    """
    model_dir = Path(model_dir)
    if (model_dir / EMBEDDED_CONFIG_FILE).is_file():
        return EmbeddedPredictor(model_dir)
    if (model_dir / "config.json").is_file():
        from allocine_sentiment.models.hf_model import HuggingFacePredictor  # transformers is only imported when needed

        return HuggingFacePredictor(model_dir, **options)
    raise FileNotFoundError(f"{model_dir}: neither {EMBEDDED_CONFIG_FILE} nor a Hugging Face config.json found")
