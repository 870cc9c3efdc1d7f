"""Hugging Face sequence-classification checkpoints (e.g. CamemBERT fine-tuned on Allociné), loaded offline.

Everything comes from the checkpoint directory (``config.json``, weights, ``tokenizer.json``) with
``local_files_only=True``: serving never touches the network.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import torch
from tokenizers import Tokenizer
from transformers import AutoConfig, AutoModelForSequenceClassification

from .predictor import Prediction, read_json, to_predictions

# RoBERTa-style models number positions from padding_idx + 1, so two position slots are never usable.
_OFFSET_POSITION_MODELS = {"camembert", "roberta", "xlm-roberta"}
CALIBRATION_FILE = "calibration.json"


def max_tokens(config) -> int:
    """Longest input (special tokens included) that the model's position embeddings allow."""
    limit = config.max_position_embeddings
    if config.model_type in _OFFSET_POSITION_MODELS:
        limit -= (config.pad_token_id or 1) + 1
    return min(limit, 512)


def label_order(config) -> tuple[int, int]:
    """Indices of the (negative, positive) logits, read from ``id2label`` when it names them."""
    names = {int(i): str(name).lower() for i, name in config.id2label.items()}
    negative = next((i for i, n in names.items() if n.startswith("neg")), 0)
    positive = next((i for i, n in names.items() if n.startswith("pos")), 1)
    return negative, positive


class HuggingFacePredictor:
    def __init__(self, model_dir: Path, batch_size: int = 16) -> None:
        config = AutoConfig.from_pretrained(model_dir, local_files_only=True)
        self.model = AutoModelForSequenceClassification.from_pretrained(model_dir, local_files_only=True)
        self.model.eval()
        self.max_length = max_tokens(config)
        self.order = list(label_order(config))
        self.batch_size = batch_size
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=self.max_length)
        pad_id = config.pad_token_id if config.pad_token_id is not None else 1
        # No fixed length: each batch is padded to its own longest text.
        self.tokenizer.enable_padding(pad_id=pad_id, pad_token=self.tokenizer.id_to_token(pad_id) or "<pad>")
        extra = read_json(model_dir / CALIBRATION_FILE)
        self.temperature = float(extra.get("temperature", 1.0))
        self.uncertain_below = float(extra.get("uncertain_below", 0.6))
        self.name = str(extra.get("name") or getattr(config, "_name_or_path", "") or model_dir.name)
        self.version = str(extra.get("version", "1"))

    def encode(self, texts: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor, list[bool]]:
        encodings = self.tokenizer.encode_batch(list(texts))
        ids = torch.tensor([e.ids for e in encodings], dtype=torch.long)
        mask = torch.tensor([e.attention_mask for e in encodings], dtype=torch.long)
        return ids, mask, [bool(e.overflowing) for e in encodings]

    @torch.inference_mode()
    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        # Batch reviews of similar length together so little compute goes to padding, then restore order.
        by_length = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        predictions: list[Prediction | None] = [None] * len(texts)
        for start in range(0, len(by_length), self.batch_size):
            indices = by_length[start : start + self.batch_size]
            ids, mask, truncated = self.encode([texts[i] for i in indices])
            logits = self.model(input_ids=ids, attention_mask=mask).logits[:, self.order]
            for i, prediction in zip(
                indices, to_predictions(logits, self.temperature, self.uncertain_below, truncated), strict=True
            ):
                predictions[i] = prediction
        return [p for p in predictions if p is not None]
