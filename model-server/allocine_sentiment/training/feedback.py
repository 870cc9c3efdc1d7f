"""Reviewers' corrections as training data: the CSV ``GET /api/v1/feedback?format=csv`` exports.

Each row is one corrected prediction: its ``text`` (present when the API ran with ``STORE_TEXT=true``, the
default) and the ``label`` the reviewer gave (``positive``/``negative``). Rows without text cannot teach anything:
they are counted and skipped, never guessed.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from allocine_sentiment.training.labelled_files import DataError, Dataset

LABELS = {"negative": 0, "positive": 1}
REQUIRED = ("prediction_id", "text", "label")
# The export escapes a cell that a spreadsheet would run as a formula with a leading quote (jobs/csv.ts).
ESCAPED_STARTS = ("'=", "'+", "'-", "'@", "'\t", "'\r")


@dataclass(frozen=True)
class Corrections:
    dataset: Dataset
    without_text: int
    prediction_ids: list[str]


def unescape(cell: str) -> str:
    return cell[1:] if cell.startswith(ESCAPED_STARTS) else cell


def load_corrections(path: Path) -> Corrections:
    if not path.is_file():
        raise DataError(f"{path}: no such file (export it with GET /api/v1/feedback?format=csv)")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise DataError(f"{path}: not a corrections export (no {', '.join(missing)} column)")
        texts, labels, ids, without_text, seen = [], [], [], 0, set()
        for number, row in enumerate(reader, 2):
            if row["label"] not in LABELS:
                raise DataError(f"{path}:{number}: label must be positive or negative, got {row['label']!r}")
            if row["prediction_id"] in seen:
                continue
            seen.add(row["prediction_id"])
            text = unescape(row["text"] or "")
            if not text.strip():
                without_text += 1
                continue
            texts.append(text)
            labels.append(LABELS[row["label"]])
            ids.append(row["prediction_id"])
    if not texts:
        raise DataError(
            f"{path}: no correction with its text ({without_text} without: the API stores texts with STORE_TEXT=true)"
        )
    return Corrections(Dataset(texts, labels, str(path)), without_text, ids)
