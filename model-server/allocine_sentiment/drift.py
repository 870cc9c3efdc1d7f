"""Drift features, binned as ``libs/contracts/src/drift-contract.json`` says (the backend bins live traffic the
same way, ``backend/src/drift/drift-features.ts``): review length, the share of words the embedded model never
saw in training, the label and its confidence."""

from __future__ import annotations

import json
import math
import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from functools import lru_cache

from allocine_sentiment.models.text import normalise
from allocine_sentiment.paths import REPO_ROOT

CONTRACT_PATH = REPO_ROOT / "libs" / "contracts" / "src" / "drift-contract.json"
FEATURES = ("text_length", "unknown_words", "label", "confidence")


@lru_cache(maxsize=1)
def contract() -> dict:
    return json.loads(CONTRACT_PATH.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _words() -> re.Pattern[str]:
    return re.compile(contract()["tokens"]["words"])


def words(text: str) -> list[str]:
    """The word tokens of a review (letters only), normalised as the embedded model normalises."""
    return _words().findall(normalise(text))


def unknown_share(text: str, vocabulary: frozenset[str]) -> float:
    tokens = words(text)
    return sum(token not in vocabulary for token in tokens) / len(tokens) if tokens else 0.0


def bin_of(feature: str, value: float | str) -> int:
    spec = contract()["features"][feature]
    if "categories" in spec:
        return spec["categories"].index(value)
    return max(0, bisect_right(spec["edges"], value) - 1)


def bins(feature: str) -> int:
    spec = contract()["features"][feature]
    return len(spec.get("categories") or spec["edges"])


def features(text: str, label: str, confidence: float, vocabulary: frozenset[str]) -> dict[str, int]:
    """Each feature's bin for one classified review."""
    return {
        "text_length": bin_of("text_length", len(text)),
        "unknown_words": bin_of("unknown_words", unknown_share(text, vocabulary)),
        "label": bin_of("label", label),
        "confidence": bin_of("confidence", confidence),
    }


def histograms(rows: Iterable[dict[str, int]]) -> dict[str, list[int]]:
    counts = {feature: [0] * bins(feature) for feature in FEATURES}
    for row in rows:
        for feature, index in row.items():
            counts[feature][index] += 1
    return counts


def psi(expected: Sequence[float], actual: Sequence[float]) -> float:
    """Population stability index of two histograms (counts or shares), smoothed so an empty bin stays finite."""
    smoothing = contract()["psi"]["smoothing"]
    e_total, a_total = sum(expected) or 1, sum(actual) or 1
    total = 0.0
    for e, a in zip(expected, actual, strict=True):
        e_share, a_share = max(e / e_total, smoothing), max(a / a_total, smoothing)
        total += (a_share - e_share) * math.log(a_share / e_share)
    return total
