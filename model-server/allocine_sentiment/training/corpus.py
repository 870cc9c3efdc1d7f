"""The training and selection data: Allociné train/validation (and optionally TV-series reviews).

Reads ``../shared/data`` when present; with ``download=True`` it fetches the public Allociné dataset
(train and validation splits only; the test split is never touched) through the ``datasets`` package.
"""

from __future__ import annotations

from pathlib import Path

from allocine_sentiment.training.labelled_files import DataError, Dataset, load_labelled


def local_splits(data_dir: Path, with_tv_series: bool) -> tuple[Dataset, Dataset]:
    train = load_labelled(data_dir / "allocine" / "train.jsonl")
    validation = load_labelled(data_dir / "allocine" / "validation.jsonl")
    tv_path = data_dir / "allocine_tv_series" / "train.tsv"
    if with_tv_series and tv_path.is_file():
        tv = load_labelled(tv_path)
        train = Dataset(train.texts + tv.texts, train.labels + tv.labels, f"{train.source}+{tv.source}")
    return train, validation


def downloaded_splits() -> tuple[Dataset, Dataset]:
    """Public Allociné dataset (Blard, 2020) from the Hugging Face hub; needs internet and ``pip install datasets``."""
    try:
        from datasets import load_dataset
    except ImportError:
        raise DataError("downloading needs the 'datasets' package: pip install datasets==3.6.0") from None
    splits = {}
    for split in ("train", "validation"):
        rows = load_dataset("allocine", split=split)
        splits[split] = Dataset(list(rows["review"]), [int(x) for x in rows["label"]], f"hub:allocine/{split}")
    return splits["train"], splits["validation"]


def training_splits(data_dir: Path, download: bool, with_tv_series: bool) -> tuple[Dataset, Dataset]:
    if (data_dir / "allocine" / "train.jsonl").is_file():
        return local_splits(data_dir, with_tv_series)
    if download:
        return downloaded_splits()
    raise DataError(
        f"{data_dir}: no allocine/train.jsonl here; set ALLOCINE_DATA_DIR or pass --download (needs internet)"
    )
