"""Training and the evaluation CLI, end to end on the small fixture set."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import TINY_TRAIN_ARGS, write_fixture_data_dir

from allocine_sentiment.models.loading import load_predictor
from allocine_sentiment.models.ngram_model import CONFIG_FILE, WEIGHTS_FILE
from allocine_sentiment.training import evaluate, train


def test_training_writes_a_loadable_calibrated_model(tiny_model: Path):
    assert (tiny_model / WEIGHTS_FILE).is_file()
    config = json.loads((tiny_model / CONFIG_FILE).read_text())
    assert config["calibration"]["temperature"] > 0
    assert 0.5 < config["calibration"]["uncertain_below"] <= 0.9
    predictor = load_predictor(tiny_model)
    results = predictor.predict(
        ["Un film magnifique, des acteurs bouleversants.", "Nul, ennuyeux, je me suis endormi."]
    )
    assert [r.label for r in results] == ["positive", "negative"]
    assert all(abs(sum(r.probabilities.values()) - 1) < 1e-6 for r in results)


def test_training_is_reproducible_across_processes(tmp_path: Path):
    """Separate interpreters with different string-hash seeds must write byte-identical weights."""
    data_dir = write_fixture_data_dir(tmp_path / "data")
    outputs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / f"run-{hash_seed}"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
        command = [
            sys.executable,
            "-m",
            "allocine_sentiment.training.train",
            "--data-dir",
            str(data_dir),
            "--out",
            str(out),
        ]
        subprocess.run([*command, *TINY_TRAIN_ARGS], env=env, check=True, capture_output=True)
        outputs.append((out / WEIGHTS_FILE).read_bytes())
    assert outputs[0] == outputs[1]


def test_training_is_reproducible(tiny_model: Path, tmp_path: Path):
    data_dir = write_fixture_data_dir(tmp_path / "data")
    again = tmp_path / "again"
    assert train.main(["--data-dir", str(data_dir), "--out", str(again), *TINY_TRAIN_ARGS]) == 0
    assert (again / WEIGHTS_FILE).read_bytes() == (tiny_model / WEIGHTS_FILE).read_bytes()


def test_training_without_data_says_where_it_looked(tmp_path: Path, capsys):
    assert train.main(["--data-dir", str(tmp_path), "--out", str(tmp_path / "m")]) == 2
    assert "no allocine/train.jsonl" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["reviews.jsonl", "reviews.csv", "reviews.tsv"])
def test_evaluate_prints_metrics_and_writes_json(tiny_model: Path, tmp_path: Path, capsys, name: str):
    out = tmp_path / "metrics.json"
    data = Path(__file__).parent / "fixtures" / name
    assert evaluate.main(["--data", str(data), "--model", str(tiny_model), "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "n          24" in printed and "accuracy" in printed and "macro-F1" in printed
    metrics = json.loads(out.read_text())
    assert metrics["n"] == 24
    assert metrics["accuracy"] == 1.0 and metrics["f1"] == 1.0
    assert metrics["confusion"] == [[12, 0], [0, 12]]


def test_evaluate_missing_file_is_an_error_not_a_traceback(tiny_model: Path, tmp_path: Path, capsys):
    assert evaluate.main(["--data", str(tmp_path / "nope.jsonl"), "--model", str(tiny_model)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "no such file" in err and "Traceback" not in err


def test_evaluate_unknown_columns(tiny_model: Path, tmp_path: Path, capsys):
    path = tmp_path / "x.csv"
    path.write_text("avis,note\nbien,1\n", encoding="utf-8")
    assert evaluate.main(["--data", str(path), "--model", str(tiny_model)]) == 2
    assert "no text column" in capsys.readouterr().err


def test_evaluate_unknown_labels(tiny_model: Path, tmp_path: Path, capsys):
    path = tmp_path / "x.jsonl"
    path.write_text('{"review": "bien", "label": "positif"}\n', encoding="utf-8")
    assert evaluate.main(["--data", str(path), "--model", str(tiny_model)]) == 2
    assert "label must be 0 or 1" in capsys.readouterr().err


def test_evaluate_missing_model_dir(tmp_path: Path, capsys, fixtures: Path):
    assert evaluate.main(["--data", str(fixtures / "reviews.jsonl"), "--model", str(tmp_path)]) == 2
    assert "cannot load model" in capsys.readouterr().err
