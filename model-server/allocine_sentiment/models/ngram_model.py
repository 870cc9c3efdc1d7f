"""The embedded model for training: a fastText-style bag of hashed word and character n-grams in PyTorch.

Served, it is read without PyTorch (``ngram_weights``), from the safetensors file ``save`` writes.

``hidden == 0`` makes it a linear (logistic-regression) model over tf-idf weighted n-grams;
``hidden > 0`` embeds the n-grams into a dense vector followed by a small MLP.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from safetensors.numpy import save_file
from torch import nn

from allocine_sentiment.models.ngram_weights import CONFIG_FILE, SCALE, WEIGHTS_FILE, Featuriser, Row, read_config
from allocine_sentiment.models.text import FeatureSpec


class NgramClassifier(nn.Module):
    """EmbeddingBag over hashed n-grams → two logits."""

    def __init__(self, buckets: int, dim: int = 2, hidden: int = 0, dropout: float = 0.0) -> None:
        super().__init__()
        # Sparse gradients: a batch touches a few thousand of the million rows, so only those are updated.
        self.embedding = nn.EmbeddingBag(buckets, dim, mode="sum", sparse=True)
        nn.init.normal_(self.embedding.weight, std=0.01 if hidden else 0.0)
        if hidden:
            self.head: nn.Module = nn.Sequential(
                nn.Dropout(dropout), nn.Linear(dim, hidden), nn.ReLU(), nn.Dropout(dropout), nn.Linear(hidden, 2)
            )
        else:
            if dim != 2:
                raise ValueError("a linear model (hidden=0) needs dim=2")
            self.bias = nn.Parameter(torch.zeros(2))
            self.head = nn.Identity()
        self.linear = hidden == 0

    def forward(self, indices: torch.Tensor, offsets: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
        pooled = self.embedding(indices, offsets, per_sample_weights=weights)
        return pooled + self.bias if self.linear else self.head(pooled)


def pack(rows: Sequence[Row]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Concatenate per-text rows into EmbeddingBag inputs."""
    lengths = [len(ids) for ids, _ in rows]
    offsets = np.zeros(len(rows), dtype=np.int64)
    if rows:
        offsets[1:] = np.cumsum(lengths)[:-1]
    indices = np.concatenate([ids for ids, _ in rows]) if rows else np.zeros(0, dtype=np.int64)
    weights = np.concatenate([w for _, w in rows]) if rows else np.zeros(0, dtype=np.float32)
    return torch.from_numpy(indices), torch.from_numpy(offsets), torch.from_numpy(weights)


def save(model_dir: Path, model: NgramClassifier, featuriser: Featuriser, config: dict) -> None:
    """Write weights (fp16 to stay small) as safetensors and a JSON config describing how to rebuild the model."""
    model_dir.mkdir(parents=True, exist_ok=True)
    tensors = {name: value.detach().half().numpy() for name, value in model.state_dict().items()}
    if featuriser.scale is not None:
        tensors[SCALE] = featuriser.scale.astype(np.float16)
    save_file(tensors, str(model_dir / WEIGHTS_FILE))
    (model_dir / CONFIG_FILE).write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def load(model_dir: Path) -> tuple[NgramClassifier, Featuriser, dict]:
    """Rebuild the PyTorch model and its featuriser from ``save``'s files (for experiments that go on training)."""
    from safetensors.torch import load_file

    config = read_config(model_dir)
    tensors = load_file(str(model_dir / WEIGHTS_FILE))
    spec = FeatureSpec(**config["features"])
    arch = config["architecture"]
    model = NgramClassifier(spec.buckets, arch["dim"], arch["hidden"])
    model.load_state_dict({k: v.float() for k, v in tensors.items() if k != SCALE})
    model.eval()
    scale = tensors[SCALE].float().numpy() if SCALE in tensors else None
    return model, Featuriser(spec, scale), config
