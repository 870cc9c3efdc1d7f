"""The embedded model: a fastText-style bag of hashed word and character n-grams in PyTorch.

``hidden == 0`` makes it a linear (logistic-regression) model over tf-idf weighted n-grams;
``hidden > 0`` embeds the n-grams into a dense vector followed by a small MLP.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch
from torch import nn

from allocine_sentiment.base import EMBEDDED_CONFIG_FILE
from allocine_sentiment.models.text import FeatureSpec, hashed_counts, tfidf_row

WEIGHTS_FILE = "embedded_model.pt"
CONFIG_FILE = EMBEDDED_CONFIG_FILE


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


class Featuriser:
    """Turns texts into the (indices, offsets, weights) triple that ``NgramClassifier`` reads."""

    def __init__(self, spec: FeatureSpec, scale: np.ndarray | None) -> None:
        self.spec = spec
        self.scale = scale  # per-bucket weight (idf, possibly times the naive-Bayes ratio)

    def rows(self, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        return [tfidf_row(hashed_counts(t, self.spec), self.scale) for t in texts]

    def __call__(self, texts: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        return pack(self.rows(texts))


def pack(rows: Sequence[tuple[np.ndarray, np.ndarray]]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Concatenate per-text rows into EmbeddingBag inputs."""
    lengths = [len(ids) for ids, _ in rows]
    offsets = np.zeros(len(rows), dtype=np.int64)
    if rows:
        offsets[1:] = np.cumsum(lengths)[:-1]
    indices = np.concatenate([ids for ids, _ in rows]) if rows else np.zeros(0, dtype=np.int64)
    weights = np.concatenate([w for _, w in rows]) if rows else np.zeros(0, dtype=np.float32)
    return torch.from_numpy(indices), torch.from_numpy(offsets), torch.from_numpy(weights)


def save(model_dir: Path, model: NgramClassifier, featuriser: Featuriser, config: dict) -> None:
    """Write weights (fp16 to stay small) and a JSON config describing how to rebuild the model."""
    model_dir.mkdir(parents=True, exist_ok=True)
    state = {k: v.half() if v.is_floating_point() else v for k, v in model.state_dict().items()}
    scale = featuriser.scale
    payload = {"state_dict": state, "scale": torch.from_numpy(scale).half() if scale is not None else None}
    torch.save(payload, model_dir / WEIGHTS_FILE)
    (model_dir / CONFIG_FILE).write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def load(model_dir: Path) -> tuple[NgramClassifier, Featuriser, dict]:
    """Rebuild the model and its featuriser from ``save``'s files (weights_only: no pickled code runs)."""
    config = json.loads((model_dir / CONFIG_FILE).read_text(encoding="utf-8"))
    payload = torch.load(model_dir / WEIGHTS_FILE, map_location="cpu", weights_only=True)
    spec = FeatureSpec(**config["features"])
    arch = config["architecture"]
    model = NgramClassifier(spec.buckets, arch["dim"], arch["hidden"])
    model.load_state_dict({k: v.float() for k, v in payload["state_dict"].items()})
    model.eval()
    scale = payload["scale"].float().numpy() if payload["scale"] is not None else None
    return model, Featuriser(spec, scale), config
