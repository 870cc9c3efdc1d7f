"""The embedded model as served: its weights in NumPy, read from safetensors, and its forward pass.

Serving it needs neither PyTorch nor pickle. PyTorch (about 450 MB resident per process with the default build)
is only for training (``ngram_model``); a TorchServe worker of the embedded model never imports it (see
``serving/worker_startup``), which is what keeps ``npm start`` under 1 GB.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from safetensors.numpy import load_file

from allocine_sentiment.base import EMBEDDED_CONFIG_FILE
from allocine_sentiment.models.text import FeatureSpec, hashed_counts, tfidf_row

WEIGHTS_FILE = "embedded_model.safetensors"
CONFIG_FILE = EMBEDDED_CONFIG_FILE
# Keys of the weights file: PyTorch's state_dict names of ``ngram_model.NgramClassifier``, and the featuriser's scale.
TABLE, BIAS, SCALE = "embedding.weight", "bias", "scale"
HEAD_LAYERS = ("head.1", "head.4")  # the two Linear layers of the MLP variant (Dropout, Linear, ReLU, Dropout, Linear)

Row = tuple[np.ndarray, np.ndarray]  # one text's bucket ids and their tf-idf weights


class Featuriser:
    """Turns texts into rows of (bucket ids, weights): what the bag of n-grams sums."""

    def __init__(self, spec: FeatureSpec, scale: np.ndarray | None) -> None:
        self.spec = spec
        self.scale = scale  # per-bucket weight (idf, possibly times the naive-Bayes ratio)

    def rows(self, texts: Sequence[str]) -> list[Row]:
        return [tfidf_row(hashed_counts(t, self.spec), self.scale) for t in texts]


@dataclass(frozen=True)
class NgramWeights:
    table: np.ndarray  # (buckets, dim): each bucket's vector
    bias: np.ndarray | None  # (2,): the linear model's bias; None for the MLP
    head: tuple[tuple[np.ndarray, np.ndarray], ...]  # the MLP's (weight, bias) per Linear layer; () when linear

    @property
    def linear(self) -> bool:
        return not self.head

    def logits(self, rows: Sequence[Row]) -> np.ndarray:
        """(negative, positive) logits per row: the weighted sum of its buckets' vectors, then bias or MLP."""
        lengths = np.fromiter((len(ids) for ids, _ in rows), dtype=np.int64, count=len(rows))
        pooled = np.zeros((len(rows), self.table.shape[1]), dtype=np.float32)
        if lengths.any():
            ids = np.concatenate([ids for ids, _ in rows])
            weighted = self.table[ids] * np.concatenate([weights for _, weights in rows])[:, None]
            # Rows are contiguous runs of ``weighted``: summed per run; an empty review keeps its zeros.
            nonempty = lengths > 0
            pooled[nonempty] = np.add.reduceat(weighted, (np.cumsum(lengths) - lengths)[nonempty], axis=0)
        if self.linear:
            return pooled + self.bias
        (w1, b1), (w2, b2) = self.head
        return np.maximum(pooled @ w1.T + b1, 0.0) @ w2.T + b2


def read_config(model_dir: Path) -> dict:
    return json.loads((model_dir / CONFIG_FILE).read_text(encoding="utf-8"))


def load(model_dir: Path) -> tuple[NgramWeights, Featuriser, dict]:
    """The weights (fp16 on disk, float32 here), the featuriser and the config of a model directory."""
    config = read_config(model_dir)
    tensors = {name: array.astype(np.float32) for name, array in load_file(str(model_dir / WEIGHTS_FILE)).items()}
    head = tuple(
        (tensors[f"{layer}.weight"], tensors[f"{layer}.bias"])
        for layer in HEAD_LAYERS
        if config["architecture"]["hidden"]
    )
    weights = NgramWeights(table=tensors[TABLE], bias=tensors.get(BIAS) if not head else None, head=head)
    return weights, Featuriser(FeatureSpec(**config["features"]), tensors.get(SCALE)), config
