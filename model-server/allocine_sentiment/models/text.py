"""Text normalisation and hashed n-gram features for the embedded model.

The featuriser is shared by training and serving so both see exactly the same inputs.
Features are hashed (CRC32) into a fixed number of buckets: no vocabulary file to ship, and
the hash is stable across processes (unlike Python's ``hash``).
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

# Letters (accented included) or digits form words; "!" and "?" are kept because they carry tone.
_TOKEN = re.compile(r"[^\W\d_]+|\d+|[!?]")
_APOSTROPHES = str.maketrans({"’": "'", "`": "'", "´": "'"})


def normalise(text: str) -> str:
    """Lower-case, NFKC-normalise and unify apostrophes; accents are kept (they matter in French)."""
    return unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).lower()


def token_matches(normalised: str) -> list[re.Match[str]]:
    """The word tokens of already-normalised text with their positions (what ``tokenise`` returns, located)."""
    return list(_TOKEN.finditer(normalised))


def tokenise(text: str) -> list[str]:
    """Split normalised text into word tokens (elisions such as ``j'ai`` become ``j``, ``ai``)."""
    return _TOKEN.findall(normalise(text))


@dataclass(frozen=True)
class FeatureSpec:
    """Which n-grams the featuriser emits and how many hash buckets they share."""

    buckets: int = 1 << 20
    word_ngrams: int = 2
    char_min: int = 2
    char_max: int = 5

    def to_dict(self) -> dict[str, int]:
        return {
            "buckets": self.buckets,
            "word_ngrams": self.word_ngrams,
            "char_min": self.char_min,
            "char_max": self.char_max,
        }


def ngram_strings(tokens: list[str], spec: FeatureSpec) -> list[str]:
    """Word n-grams (prefixed ``w``) and character n-grams inside word boundaries (prefixed ``c``)."""
    grams: list[str] = []
    for n in range(1, spec.word_ngrams + 1):
        for i in range(len(tokens) - n + 1):
            grams.append("w" + " ".join(tokens[i : i + n]))
    # dict.fromkeys, not set: set order follows per-process string hashing and would make runs differ.
    for token in dict.fromkeys(tokens):
        padded = f" {token} "
        for n in range(spec.char_min, spec.char_max + 1):
            for i in range(len(padded) - n + 1):
                grams.append("c" + padded[i : i + n])
    return grams


def hash_grams(grams: Iterable[str], buckets: int) -> Counter[int]:
    """Bucket id → count for a bag of feature strings."""
    return Counter(zlib.crc32(g.encode("utf-8")) % buckets for g in grams)


def hashed_counts(text: str, spec: FeatureSpec) -> Counter[int]:
    """Bucket id → count for one text."""
    return hash_grams(ngram_strings(tokenise(text), spec), spec.buckets)


def tfidf_row(counts: Counter[int], scale: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Sublinear tf × per-bucket scale (idf), L2-normalised: the per-sample weights fed to ``EmbeddingBag``."""
    ids = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
    weights = 1.0 + np.log(np.fromiter(counts.values(), dtype=np.float32, count=len(counts)))
    if scale is not None:
        weights = weights * scale[ids]
    norm = float(np.sqrt(np.dot(weights, weights))) or 1.0
    return ids, (weights / norm).astype(np.float32)
