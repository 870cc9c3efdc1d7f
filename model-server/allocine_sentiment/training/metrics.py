"""Classification and calibration metrics, written out so the CLI needs no scikit-learn."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def confusion(labels: Sequence[int], predictions: Sequence[int]) -> list[list[int]]:
    """2×2 confusion matrix: rows are true labels (0, 1), columns predicted labels."""
    matrix = [[0, 0], [0, 0]]
    for truth, guess in zip(labels, predictions, strict=True):
        matrix[truth][guess] += 1
    return matrix


def macro_f1(matrix: list[list[int]]) -> float:
    scores = []
    for k in (0, 1):
        tp = matrix[k][k]
        fp = matrix[1 - k][k]
        fn = matrix[k][1 - k]
        scores.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(scores) / 2


def expected_calibration_error(labels: Sequence[int], positive_probability: Sequence[float], bins: int = 15) -> float:
    """ECE over equal-width bins of the predicted class's confidence."""
    p = np.asarray(positive_probability, dtype=np.float64)
    y = np.asarray(labels)
    confidence = np.maximum(p, 1 - p)
    correct = ((p >= 0.5).astype(int) == y).astype(np.float64)
    edges = np.linspace(0.5, 1.0, bins + 1)
    ece = 0.0
    for i, (low, high) in enumerate(zip(edges[:-1], edges[1:], strict=True)):
        in_bin = (confidence >= low) & ((confidence < high) if i < bins - 1 else (confidence <= high))
        if in_bin.any():
            ece += in_bin.mean() * abs(correct[in_bin].mean() - confidence[in_bin].mean())
    return float(ece)


def summary(labels: Sequence[int], positive_probability: Sequence[float]) -> dict:
    """n, accuracy, macro-F1, confusion matrix and ECE for binary predictions."""
    predictions = [int(p >= 0.5) for p in positive_probability]
    matrix = confusion(labels, predictions)
    n = len(labels)
    return {
        "n": n,
        "accuracy": (matrix[0][0] + matrix[1][1]) / n if n else 0.0,
        "f1": macro_f1(matrix),
        "confusion": matrix,
        "ece": expected_calibration_error(labels, positive_probability),
    }
