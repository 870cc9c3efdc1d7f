from pathlib import Path

import pytest

from allocine_sentiment.models.text import FeatureSpec, hashed_counts, normalise, tokenise
from allocine_sentiment.training.labelled_files import DataError, load_labelled


def test_normalise_keeps_accents_and_unifies_apostrophes():
    assert normalise("L’ÉTÉ Était Génial") == "l'été était génial"


def test_tokenise_splits_elisions_and_keeps_exclamation():
    assert tokenise("J'ai adoré ce film !") == ["j", "ai", "adoré", "ce", "film", "!"]


def test_hashed_features_are_stable_and_within_buckets():
    spec = FeatureSpec(buckets=1024)
    first = hashed_counts("Un film magnifique", spec)
    assert first == hashed_counts("Un film magnifique", spec)
    assert all(0 <= bucket < 1024 for bucket in first)
    # three word unigrams + two bigrams + character n-grams
    assert sum(first.values()) > 5


@pytest.mark.parametrize("name", ["reviews.jsonl", "reviews.csv", "reviews.tsv"])
def test_loads_each_supported_format(fixtures: Path, name: str):
    data = load_labelled(fixtures / name)
    assert len(data) == 24
    assert sorted(set(data.labels)) == [0, 1]
    assert data.labels[0] == 1 and data.labels[1] == 0


def test_missing_file_is_a_clear_error(tmp_path: Path):
    with pytest.raises(DataError, match="no such file"):
        load_labelled(tmp_path / "absent.jsonl")


def test_unknown_text_column_names_the_columns_found(tmp_path: Path):
    path = tmp_path / "bad.csv"
    path.write_text("comment,label\nsuper,1\n", encoding="utf-8")
    with pytest.raises(DataError, match="no text column .* found comment, label"):
        load_labelled(path)


def test_label_outside_zero_one_is_rejected_with_its_line(tmp_path: Path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "bien", "label": 1}\n{"text": "bof", "label": 3}\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"bad.jsonl:2: label must be 0 or 1, got 3"):
        load_labelled(path)


def test_unsupported_extension(tmp_path: Path):
    path = tmp_path / "reviews.xlsx"
    path.write_text("x", encoding="utf-8")
    with pytest.raises(DataError, match="unsupported file type"):
        load_labelled(path)
