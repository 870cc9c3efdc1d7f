"""A candidate version from corrections (model:train --with-feedback): corrections read from the API's export,
the embedded model trained on from its weights, a Hugging Face model recalibrated, the gate, the registry."""

from __future__ import annotations

import csv
import json
import uuid
from pathlib import Path

import pytest

from allocine_sentiment.models.loading import load_predictor
from allocine_sentiment.paths import EMBEDDED_MODEL_DIR
from allocine_sentiment.registry import CARD_FILE, next_version, registered_versions
from allocine_sentiment.training import gate, train
from allocine_sentiment.training.feedback import load_corrections
from allocine_sentiment.training.labelled_files import DataError, load_labelled

HEADER = ["prediction_id", "corrected_at", "source", "job_id", "review_id", "text", "predicted_label", "label",
          "model", "version", "corrected_by"]  # fmt: skip
# Reviews written for these tests and the lifecycle's (in no evaluation set), with what a reviewer said of them:
# the first two are the embedded model's mistakes, the others confirmations. (Some mistakes cannot be learned
# without losing on the evaluation sets: taught that "pas un seul temps mort" is praise, the n-gram model loses 1
# and 3 of their reviews.)
CORRECTED = [
    (row["text"], row["label"])
    for row in map(json.loads, (Path(__file__).parent / "fixtures" / "reviewed.jsonl").read_text("utf-8").splitlines())
]
MISTAKES = 2


def write_export(path: Path, rows: list[tuple[str, str]], without_text: int = 0) -> Path:
    """The CSV GET /api/v1/feedback?format=csv writes (a formula-like cell quoted with ')."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for text, label in rows:
            cell = f"'{text}" if text[:1] in "=+-@" else text
            other = "negative" if label == "positive" else "positive"
            writer.writerow(
                [uuid.uuid4(), "2026-12-08T00:00:00Z", "single", "", "", cell, other, label, "m", "1.0", "k"]
            )
        for _ in range(without_text):
            writer.writerow(
                [uuid.uuid4(), "2026-12-08T00:00:00Z", "single", "", "", "", "positive", "negative", "m", "1.0", "k"]
            )
    return path


def candidate(tmp_path: Path, shared_data: Path, export: Path, *extra: str) -> int:
    return train.main([
        "--with-feedback", str(export), "--data-dir", str(shared_data), "--base", str(EMBEDDED_MODEL_DIR),
        "--registry", str(tmp_path / "registry"), "--no-archive", *extra,
    ])  # fmt: skip


def test_corrections_export_is_read_as_labelled_reviews(tmp_path):
    export = write_export(tmp_path / "c.csv", CORRECTED, without_text=2)
    corrections = load_corrections(export)
    assert len(corrections.dataset) == 10 and corrections.without_text == 2
    # The spreadsheet escape is undone: the model learns the review as written.
    assert corrections.dataset.texts[7].startswith("-Décevant")
    assert corrections.dataset.labels[:3] == [1, 0, 0]


def test_a_file_that_is_not_an_export_or_has_no_text_is_refused_with_why(tmp_path):
    other = tmp_path / "other.csv"
    other.write_text("text,label\nbien,1\n", encoding="utf-8")
    with pytest.raises(DataError, match="not a corrections export"):
        load_corrections(other)
    with pytest.raises(DataError, match="STORE_TEXT=true"):
        load_corrections(write_export(tmp_path / "empty.csv", [], without_text=3))
    bad = write_export(tmp_path / "bad.csv", [("bien", "positive")])
    bad.write_text(bad.read_text(encoding="utf-8").replace(",positive,", ",good,"), encoding="utf-8")
    with pytest.raises(DataError, match="positive or negative"):
        load_corrections(bad)


def test_versions_follow_their_base():
    assert next_version("1.0", {"1.0", "1.1"}) == "1.2"
    assert next_version("random-seed-0", set()) == "random-seed-0-r1"


def test_the_gate_counts_points_lost_and_reviews_fit_on():
    base = {"validation": {"accuracy": 0.898}, "tv_series_dev": {"accuracy": 0.928}}
    kept = gate.judge(
        {"validation": {"accuracy": 0.894}, "tv_series_dev": {"accuracy": 0.930}}, base, {"validation": 0}
    )
    assert kept["passed"] and kept["lossPoints"] == {"validation": 0.4, "tv_series_dev": -0.2}
    lost = gate.judge({"validation": {"accuracy": 0.892}, "tv_series_dev": {"accuracy": 0.930}}, base, {})
    assert not lost["passed"] and "0.60 points lost" in lost["reasons"][0]
    fit = gate.judge({"validation": {"accuracy": 0.9}, "tv_series_dev": {"accuracy": 0.93}}, base, {"validation": 3})
    assert not fit["passed"] and "fit on 3 of its reviews" in fit["reasons"][0]


def test_ten_corrections_make_a_registered_version_that_learned_them(tmp_path, shared_data):
    export = write_export(tmp_path / "corrections.csv", CORRECTED)
    assert candidate(tmp_path, shared_data, export) == 0
    registry = tmp_path / "registry"
    assert registered_versions(registry) == ["1.1"]
    assert [p.name for p in registry.iterdir()] == ["1.1"], "no staging folder left behind"
    card = json.loads((registry / "1.1" / CARD_FILE).read_text(encoding="utf-8"))
    assert card["version"] == "1.1" and card["base"] == {"name": "allocine-embedded-ngram", "version": "1.0"}
    assert card["data"]["corrections"] == 10 and card["data"]["fingerprint"].startswith("sha256:")
    assert set(card["metrics"]) == {"validation", "tv_series_dev"} and card["gate"]["passed"]
    assert card["serving"]["chunkSize"] == 100 and card["calibration"]["temperature"] > 0
    new, old = load_predictor(registry / "1.1"), load_predictor(EMBEDDED_MODEL_DIR)
    assert new.version == "1.1"
    # The model's mistakes are learned: it was wrong on both, the candidate says what the reviewer said.
    texts = [text for text, _ in CORRECTED[:MISTAKES]]
    assert [p.label for p in old.predict(texts)] == ["negative", "positive"]
    assert [p.label for p in new.predict(texts)] == ["positive", "negative"]


def test_the_gate_refuses_a_worse_candidate_and_registers_nothing(tmp_path, shared_data, capsys):
    train_set = load_labelled(shared_data / "allocine" / "train.jsonl")
    pairs = zip(train_set.texts[:300], train_set.labels[:300], strict=True)
    flipped = [(text, "negative" if label else "positive") for text, label in pairs]
    export = write_export(tmp_path / "wrong.csv", flipped)
    assert candidate(tmp_path, shared_data, export) == 3
    assert "refused by the gate" in capsys.readouterr().err
    assert not list((tmp_path / "registry").iterdir())


def test_the_gate_refuses_a_candidate_fit_on_reviews_it_is_evaluated_on(tmp_path, shared_data, capsys):
    validation = load_labelled(shared_data / "allocine" / "validation.jsonl")
    pairs = zip(validation.texts[:5], validation.labels[:5], strict=True)
    leaked = [(text, "positive" if label else "negative") for text, label in pairs]
    export = write_export(tmp_path / "leaked.csv", CORRECTED + leaked)
    assert candidate(tmp_path, shared_data, export) == 3
    assert "validation: fit on 5 of its reviews" in capsys.readouterr().err
    assert not (tmp_path / "registry").exists(), "refused before anything was trained or written"


def test_a_hugging_face_model_is_recalibrated_on_the_corrections(tmp_path, shared_data, tiny_camembert):
    export = write_export(tmp_path / "corrections.csv", CORRECTED)
    before = (
        json.loads((tiny_camembert / "calibration.json").read_text(encoding="utf-8"))
        if (tiny_camembert / "calibration.json").is_file()
        else {}
    )
    code = train.main([
        "--with-feedback", str(export), "--data-dir", str(shared_data), "--base", str(tiny_camembert),
        "--registry", str(tmp_path / "registry"), "--no-archive", "--version", "tiny-r1",
    ])  # fmt: skip
    # Temperature scaling moves no label: the same accuracy on every set, so the gate passes and it registers.
    assert code == 0
    card = json.loads((tmp_path / "registry" / "tiny-r1" / CARD_FILE).read_text(encoding="utf-8"))
    assert card["method"] == "recalibrated" and card["calibration"]["calibrated_on"] == "10 corrected reviews"
    assert set(card["metrics"]) == {"validation", "tv_series_dev"}
    assert all(points == 0 for points in card["gate"]["lossPoints"].values())
    assert load_predictor(tmp_path / "registry" / "tiny-r1").version == "tiny-r1"
    # The base's own calibration is untouched (the candidate's weights are hard links to it).
    after = (
        json.loads((tiny_camembert / "calibration.json").read_text(encoding="utf-8"))
        if (tiny_camembert / "calibration.json").is_file()
        else {}
    )
    assert after == before
