"""The Spark job's pieces that need no Spark: per-row checks, the fallback, format detection, the summary."""

from __future__ import annotations

import pandas as pd
import pytest

from allocine_sentiment.models.loading import load_predictor
from allocine_sentiment.paths import EMBEDDED_MODEL_DIR
from allocine_sentiment.spark.executor import score_frame
from allocine_sentiment.spark.io import InputError, detect_format
from allocine_sentiment.spark.score import summarise, summary_line


@pytest.fixture(scope="module")
def predictor():
    return load_predictor(EMBEDDED_MODEL_DIR)


def frame(texts, corrupt=None):
    return pd.DataFrame(
        {
            "position": range(len(texts)),
            "id": [f"r{n}" for n in range(len(texts))],
            "text": texts,
            "corrupt": corrupt or [None] * len(texts),
        }
    )


def test_every_row_gets_a_result_or_an_error_in_order(predictor):
    texts = ["Un chef-d'œuvre bouleversant.", "", None, "x" * 50, "Nul, ennuyeux.", None]
    corrupt = [None, None, None, None, None, '{"text": "coupé']
    scored = score_frame(frame(texts, corrupt), predictor, max_chars=40)
    assert scored["id"].tolist() == [f"r{n}" for n in range(6)]
    assert scored["error"].tolist() == [None, "empty_text", "empty_text", "text_too_long", None, "malformed_row"]
    assert scored["label"].tolist()[0] == "positive" and scored["label"].tolist()[4] == "negative"
    assert scored["score"].isna().tolist() == [False, True, True, True, False, True]
    assert set(scored["model"]) == {predictor.name}


def test_one_review_that_breaks_the_model_costs_only_its_own_row(predictor, monkeypatch):
    real = predictor.predict

    def fragile(texts):
        if "boom" in texts:
            raise RuntimeError("the model failed")
        return real(texts)

    monkeypatch.setattr(predictor, "predict", fragile)
    scored = score_frame(frame(["Très beau film.", "boom", "Vraiment nul."]), predictor, max_chars=100)
    assert scored["error"].tolist() == [None, "model_error", None]
    assert scored["label"].tolist()[0::2] == ["positive", "negative"]


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("avis.csv", "csv"),
        ("avis.csv.gz", "csv"),
        ("x.jsonl", "jsonl"),
        ("x.ndjson", "jsonl"),
        ("p.parquet", "parquet"),
    ],
)
def test_format_from_the_name(name, fmt):
    assert detect_format(name, None) == fmt


def test_spark_output_directories_are_recognised_and_unknown_names_refused(tmp_path):
    (tmp_path / "_SUCCESS").touch()
    (tmp_path / "part-00000-1.snappy.parquet").touch()
    assert detect_format(str(tmp_path), None) == "parquet"
    with pytest.raises(InputError, match="pass --input-format"):
        detect_format("reviews.txt", None)


def test_summary_counts_labels_and_errors_apart():
    counts = [("positive", None, 7), ("negative", None, 3), (None, "empty_text", 2), (None, "malformed_row", 1)]
    summary = summarise(counts, 2.0, 2, ("allocine-embedded-ngram", "1.0"))
    assert summary["rows"] == 13 and summary["rowsPerSecond"] == 6.5
    assert summary["labels"] == {"negative": 3, "positive": 7}
    assert summary["errors"] == {"empty_text": 2, "malformed_row": 1}
    assert summary_line(summary) == (
        "scored 13 rows in 2.0 s (6.5 rows/s) with allocine-embedded-ngram 1.0 (loaded 2x) — "
        "labels: negative 3, positive 7; errors: empty_text 2, malformed_row 1"
    )
