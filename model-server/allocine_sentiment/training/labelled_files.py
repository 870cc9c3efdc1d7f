"""Loading labelled reviews from JSONL, CSV and TSV files, with errors a person can act on."""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

TEXT_COLUMNS = ("review", "text")


class DataError(ValueError):
    """A labelled file that cannot be used; the message says why and where."""


@dataclass(frozen=True)
class Dataset:
    texts: list[str]
    labels: list[int]
    source: str

    def __len__(self) -> int:
        return len(self.texts)

    def fingerprint(self) -> str:
        """SHA-256 of the (label, text) pairs in a fixed order: the same data gives the same print wherever it
        lived (what a model card records of what the model was fit on)."""
        digest = hashlib.sha256()
        for label, text in sorted(zip(self.labels, self.texts, strict=True)):
            digest.update(f"{label}\t{text}\n".encode())
        return "sha256:" + digest.hexdigest()


def _label(value: object, where: str) -> int:
    if isinstance(value, bool):
        raise DataError(f"{where}: label must be 0 or 1, got {value!r}")
    text = str(value).strip()
    if text in ("0", "1"):
        return int(text)
    raise DataError(f"{where}: label must be 0 or 1, got {value!r}")


def _text_column(columns: list[str], where: str) -> str:
    for name in TEXT_COLUMNS:
        if name in columns:
            return name
    raise DataError(
        f"{where}: no text column (expected one of {', '.join(TEXT_COLUMNS)}; found {', '.join(columns) or 'none'})"
    )


def _from_records(records: list[tuple[dict, str]], source: str) -> Dataset:
    texts: list[str] = []
    labels: list[int] = []
    for record, where in records:
        column = _text_column(list(record), where)
        if "label" not in record:
            raise DataError(f"{where}: no 'label' column")
        text = record[column]
        if not isinstance(text, str) or not text.strip():
            raise DataError(f"{where}: '{column}' must be a non-empty string")
        texts.append(text)
        labels.append(_label(record["label"], where))
    if not texts:
        raise DataError(f"{source}: no labelled rows")
    return Dataset(texts, labels, source)


def load_labelled(path: str | Path) -> Dataset:
    """Read JSONL (``review``/``text`` + ``label``), CSV with a header, or TSV ``label<TAB>text``."""
    path = Path(path)
    if not path.is_file():
        raise DataError(f"{path}: no such file")
    suffix = path.suffix.lower()
    with path.open(encoding="utf-8", newline="") as handle:
        if suffix in (".jsonl", ".json"):
            records = []
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as error:
                    raise DataError(f"{path}:{number}: not valid JSON ({error.msg})") from None
                if not isinstance(record, dict):
                    raise DataError(f"{path}:{number}: expected a JSON object per line")
                records.append((record, f"{path}:{number}"))
            return _from_records(records, str(path))
        if suffix == ".csv":
            reader = csv.DictReader(handle)
            _text_column(list(reader.fieldnames or []), str(path))
            return _from_records([(row, f"{path}:{n}") for n, row in enumerate(reader, 2)], str(path))
        if suffix == ".tsv":
            texts, labels = [], []
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                label, _, text = line.rstrip("\n").partition("\t")
                labels.append(_label(label, f"{path}:{number}"))
                texts.append(text)
            if not texts:
                raise DataError(f"{path}: no labelled rows")
            return Dataset(texts, labels, str(path))
    raise DataError(f"{path}: unsupported file type '{suffix}' (use .jsonl, .csv or .tsv)")
