"""Hugging Face sequence-classification checkpoints (e.g. CamemBERT fine-tuned on Allociné), loaded offline.

Everything comes from the checkpoint directory (``config.json``, weights, ``tokenizer.json``) with
``local_files_only=True``: serving never touches the network. A review longer than the model's limit is read
whole, in overlapping windows whose logits are averaged (weighted by length), rather than cut.
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
# Tokens shared by consecutive windows of a long review, so a sentence cut at a window edge keeps its context.
WINDOW_OVERLAP = 64


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
        self.tokenizer.no_padding()  # windows are padded per batch, to the batch's longest (see ``pad``)
        # Truncation with a stride keeps what is cut as overflowing windows, each with its special tokens.
        self.tokenizer.enable_truncation(max_length=self.max_length, stride=min(WINDOW_OVERLAP, self.max_length // 4))
        self.pad_id = config.pad_token_id if config.pad_token_id is not None else 1
        extra = read_json(model_dir / CALIBRATION_FILE)
        self.temperature = float(extra.get("temperature", 1.0))
        self.uncertain_below = float(extra.get("uncertain_below", 0.6))
        self.name = str(extra.get("name") or getattr(config, "_name_or_path", "") or model_dir.name)
        self.version = str(extra.get("version", "1"))

    def windows(self, texts: Sequence[str]) -> list[list[list[int]]]:
        """Per text, the token ids of all of it: one window when it fits, else overlapping ``max_length`` windows."""
        return [[e.ids, *(w.ids for w in e.overflowing)] for e in self.tokenizer.encode_batch(list(texts))]

    def pad(self, windows: Sequence[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
        """Pad to the longest window of the batch (not to ``max_length``): ids and attention mask."""
        longest = max(len(w) for w in windows)
        ids = torch.full((len(windows), longest), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(windows), longest), dtype=torch.long)
        for row, window in enumerate(windows):
            ids[row, : len(window)] = torch.tensor(window)
            mask[row, : len(window)] = 1
        return ids, mask

    @torch.inference_mode()
    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        windows = [(review, window) for review, per_text in enumerate(self.windows(texts)) for window in per_text]
        logits = torch.zeros(len(windows), 2)
        # Batch windows of similar length together so little compute goes to padding.
        by_length = sorted(range(len(windows)), key=lambda i: len(windows[i][1]))
        for start in range(0, len(by_length), self.batch_size):
            chosen = by_length[start : start + self.batch_size]
            ids, mask = self.pad([windows[i][1] for i in chosen])
            logits[chosen] = self.model(input_ids=ids, attention_mask=mask).logits[:, self.order].float()
        # Each review's logits: its windows' logits averaged, weighted by their token counts.
        reviews = torch.tensor([review for review, _ in windows], dtype=torch.long)
        lengths = torch.tensor([float(len(window)) for _, window in windows])
        summed = torch.zeros(len(texts), 2).index_add_(0, reviews, logits * lengths[:, None])
        pooled = summed / torch.zeros(len(texts)).index_add_(0, reviews, lengths)[:, None]
        return to_predictions(pooled, self.temperature, self.uncertain_below, [False] * len(texts))
