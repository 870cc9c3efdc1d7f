"""Training loop for the embedded n-gram model (deterministic for a given seed)."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import torch

from allocine_sentiment.models.ngram_model import NgramClassifier, pack
from allocine_sentiment.models.ngram_weights import Featuriser
from allocine_sentiment.models.text import FeatureSpec, hashed_counts


@dataclass(frozen=True)
class TrainConfig:
    dim: int = 2
    hidden: int = 0
    epochs: int = 20
    batch_size: int = 32
    lr: float = 0.3
    # Scale each n-gram by its naive-Bayes log-count ratio (NB-SVM, Wang & Manning 2012).
    naive_bayes: bool = True
    weight_decay: float = 0.0
    dropout: float = 0.0
    seed: int = 13


def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def feature_scale(texts: Sequence[str], labels: Sequence[int], spec: FeatureSpec, naive_bayes: bool) -> np.ndarray:
    """Per-bucket weight: smoothed idf (as scikit-learn computes it), times |NB log-count ratio| if asked.

    The ratio compares how often a bucket occurs in positive versus negative reviews; scaling by its
    magnitude lets the linear model start from what each n-gram says about sentiment.
    """
    return scale_from_counts([hashed_counts(t, spec) for t in texts], labels, spec.buckets, naive_bayes)


def scale_from_counts(
    rows: Sequence[Counter[int]], labels: Sequence[int], buckets: int, naive_bayes: bool
) -> np.ndarray:
    """``feature_scale`` from texts already hashed into bucket counts."""
    document_frequency = np.zeros(buckets, dtype=np.float64)
    in_positive = np.ones(buckets, dtype=np.float64)  # add-one smoothing
    in_negative = np.ones(buckets, dtype=np.float64)
    for counts, label in zip(rows, labels, strict=True):
        present = list(counts)
        document_frequency[present] += 1
        (in_positive if label else in_negative)[present] += 1
    idf = np.log((1 + len(rows)) / (1 + document_frequency)) + 1
    if not naive_bayes:
        return idf.astype(np.float32)
    ratio = np.log((in_positive / in_positive.sum()) / (in_negative / in_negative.sum()))
    return (idf * np.abs(ratio)).astype(np.float32)


def train_ngram(
    texts: Sequence[str], labels: Sequence[int], spec: FeatureSpec, config: TrainConfig
) -> tuple[NgramClassifier, Featuriser]:
    """Fit an ``NgramClassifier`` with Adagrad (sparse-friendly) over shuffled mini-batches."""
    run = Training(texts, labels, spec, config)
    run.epochs(config.epochs, run.rows, labels)
    return run.model, run.featuriser


class Training:
    """One training run, kept whole (model, optimiser state, shuffling) so that it can be resumed."""

    def __init__(self, texts: Sequence[str], labels: Sequence[int], spec: FeatureSpec, config: TrainConfig) -> None:
        seed_everything(config.seed)
        # Adagrad builds its sparse updates itself; checking their invariants on every step only costs time.
        torch.sparse.check_sparse_tensor_invariants.disable()
        self.config = config
        self.featuriser = Featuriser(spec, feature_scale(texts, labels, spec, config.naive_bayes))
        self.rows = self.featuriser.rows(texts)
        self.model = NgramClassifier(spec.buckets, config.dim, config.hidden, config.dropout)
        seed_everything(config.seed)
        self.optimiser = torch.optim.Adagrad(self.model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
        self.generator = random.Random(config.seed)

    def epochs(self, count: int, rows: list, labels: Sequence[int]) -> None:
        targets = torch.tensor(list(labels), dtype=torch.long)
        loss_fn = torch.nn.CrossEntropyLoss()
        order = list(range(len(rows)))
        for _ in range(count):
            self.model.train()
            self.generator.shuffle(order)
            for start in range(0, len(order), self.config.batch_size):
                batch = order[start : start + self.config.batch_size]
                self.optimiser.zero_grad()
                loss = loss_fn(self.model(*pack([rows[i] for i in batch])), targets[batch])
                loss.backward()
                self.optimiser.step()
        self.model.eval()


@torch.inference_mode()
def predict_logits(
    model: NgramClassifier, featuriser: Featuriser, texts: Sequence[str], batch_size: int = 256
) -> torch.Tensor:
    outputs = [model(*pack(featuriser.rows(texts[i : i + batch_size]))) for i in range(0, len(texts), batch_size)]
    return torch.cat(outputs) if outputs else torch.zeros(0, 2)
