"""Hugging Face sequence-classification checkpoints (e.g. CamemBERT fine-tuned on Allociné), loaded offline.

Everything comes from the checkpoint directory (``config.json``, weights or ONNX export, ``tokenizer.json``):
serving never touches the network. A review longer than the model's limit is read whole, in overlapping
windows whose logits are averaged (weighted by length), rather than cut. Windows are sorted by length and
packed into forward passes whose padded size stays within the profile's token budget.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import SimpleNamespace

import numpy as np
from tokenizers import Tokenizer

from allocine_sentiment.base import Prediction, read_json, to_predictions
from allocine_sentiment.models.pad_index import tokenizer_pad_id
from allocine_sentiment.models.runtimes import Runtime, load_runtime
from allocine_sentiment.serving_profile import TRANSFORMER, load_profile

# RoBERTa-style models number positions from padding_idx + 1, so two position slots are never usable.
_OFFSET_POSITION_MODELS = {"camembert", "roberta", "xlm-roberta"}
CALIBRATION_FILE = "calibration.json"
# Tokens shared by consecutive windows of a long review, so a sentence cut at a window edge keeps its context.
WINDOW_OVERLAP = 64


def read_config(model_dir: Path) -> SimpleNamespace:
    """The few ``config.json`` fields serving needs, read without importing transformers (ONNX workers skip it)."""
    raw = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    return SimpleNamespace(
        model_type=raw.get("model_type", ""),
        max_position_embeddings=int(raw.get("max_position_embeddings", 512)),
        pad_token_id=raw.get("pad_token_id"),
        id2label=raw.get("id2label") or {0: "negative", 1: "positive"},
        name_or_path=raw.get("_name_or_path", ""),
    )


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


def token_budget_batches(lengths: Sequence[int], budget: int) -> Iterator[list[int]]:
    """Indices of windows, shortest first, cut into batches whose padded size (count × longest) fits ``budget``.

    A window longer than the budget still gets a batch of its own: nothing is ever dropped.
    """
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batch: list[int] = []
    for index in order:
        # Sorted ascending, so this window is the longest of the batch it would join.
        if batch and (len(batch) + 1) * lengths[index] > budget:
            yield batch
            batch = []
        batch.append(index)
    if batch:
        yield batch


class HuggingFacePredictor:
    family = "huggingface"

    def __init__(
        self,
        model_dir: Path,
        token_budget: int | None = None,
        acceleration: str | None = None,
        threads: int | None = None,
        device: str = "cpu",
        runtime: Runtime | None = None,
    ) -> None:
        model_dir = Path(model_dir)
        profile = load_profile(model_dir)
        config = read_config(model_dir)
        self.max_length = max_tokens(config)
        self.order = list(label_order(config))
        self.token_budget = max(token_budget or profile.tokenBudget or TRANSFORMER.tokenBudget, self.max_length)
        self.acceleration = acceleration or profile.acceleration
        self.runtime = runtime or load_runtime(
            model_dir, self.acceleration, threads or profile.bulk.threads, device, profile.gpuDtype
        )
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.no_padding()  # windows are padded per batch, to the batch's longest (see ``pad``)
        # Truncation with a stride keeps what is cut as overflowing windows, each with its special tokens.
        self.tokenizer.enable_truncation(max_length=self.max_length, stride=min(WINDOW_OVERLAP, self.max_length // 4))
        # Batches are padded with the tokenizer's id (pad_index: the config may disagree; the runtime is told).
        tokenizer_pad = tokenizer_pad_id(model_dir)
        configured = config.pad_token_id if config.pad_token_id is not None else 1
        self.pad_id = tokenizer_pad if tokenizer_pad is not None else configured
        extra = read_json(model_dir / CALIBRATION_FILE)
        self.temperature = float(extra.get("temperature", 1.0))
        self.uncertain_below = float(extra.get("uncertain_below", 0.6))
        self.name = str(extra.get("name") or config.name_or_path or model_dir.name)
        self.version = str(extra.get("version", "1"))

    def windows(self, texts: Sequence[str]) -> list[list[list[int]]]:
        """Per text, the token ids of all of it: one window when it fits, else overlapping ``max_length`` windows."""
        return [[e.ids, *(w.ids for w in e.overflowing)] for e in self.tokenizer.encode_batch(list(texts))]

    def pad(self, windows: Sequence[list[int]]) -> tuple[np.ndarray, np.ndarray]:
        """Pad to the longest window of the batch (not to ``max_length``): ids and attention mask (int64)."""
        longest = max(len(w) for w in windows)
        ids = np.full((len(windows), longest), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(windows), longest), dtype=np.int64)
        for row, window in enumerate(windows):
            ids[row, : len(window)] = window
            mask[row, : len(window)] = 1
        return ids, mask

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        """Uncalibrated (negative, positive) logits per review: its windows' logits averaged by token count.
        NumPy throughout, so that an ONNX Runtime or OpenVINO worker never loads PyTorch."""
        windows = [(review, window) for review, per_text in enumerate(self.windows(texts)) for window in per_text]
        logits = np.zeros((len(windows), 2), dtype=np.float32)
        for chosen in token_budget_batches([len(w) for _, w in windows], self.token_budget):
            ids, mask = self.pad([windows[i][1] for i in chosen])
            logits[chosen] = self.runtime.logits(ids, mask)[:, self.order]
        reviews = np.asarray([review for review, _ in windows], dtype=np.int64)
        lengths = np.asarray([float(len(window)) for _, window in windows], dtype=np.float32)
        summed = np.zeros((len(texts), 2), dtype=np.float32)
        np.add.at(summed, reviews, logits * lengths[:, None])
        tokens = np.zeros(len(texts), dtype=np.float32)
        np.add.at(tokens, reviews, lengths)
        return summed / tokens[:, None]

    def explain(self, text: str) -> dict:
        """Occlusion within a fixed budget of model calls (``explain.explain_by_occlusion``)."""
        from allocine_sentiment.models.explain import explain_by_occlusion

        return explain_by_occlusion(self, text)

    def predict(self, texts: Sequence[str]) -> list[Prediction]:
        if not texts:
            return []
        return to_predictions(self.logits(texts), self.temperature, self.uncertain_below, [False] * len(texts))
