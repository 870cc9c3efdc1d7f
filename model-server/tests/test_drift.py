"""Drift features and the baseline command: the fixture both sides share, and the baseline of the embedded model."""

import json
import math
from pathlib import Path

import pytest

from allocine_sentiment import drift
from allocine_sentiment.tools import drift_baseline

FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "drift-features.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", FIXTURE["cases"], ids=lambda case: case["text"][:24] or "empty")
def test_features_match_the_shared_fixture(case):
    vocabulary = frozenset(FIXTURE["vocabulary"])
    assert drift.words(case["text"]) == case["words"]
    assert drift.unknown_share(case["text"], vocabulary) == pytest.approx(case["unknownShare"])
    assert drift.features(case["text"], case["label"], case["confidence"], vocabulary) == case["bins"]


def test_psi_is_zero_for_the_same_mix_and_grows_with_the_shift():
    assert drift.psi([10, 20, 70], [1, 2, 7]) == pytest.approx(0)
    fixture = FIXTURE["psi"]
    assert drift.psi(fixture["expected"], fixture["actual"]) == pytest.approx(fixture["value"])
    assert math.isfinite(drift.psi([0, 10], [10, 0]))  # empty bins are smoothed, not infinite


def test_the_baseline_command_writes_histograms_and_vocabulary_and_refuses_overlapping_data(tmp_path):
    model = tmp_path / "model"
    model.mkdir()
    for name in ("embedded_model.json", "embedded_model.safetensors", "serving.json"):
        (model / name).write_bytes((drift_baseline.EMBEDDED_MODEL_DIR / name).read_bytes())
    train, reference = tmp_path / "train.jsonl", tmp_path / "ref.jsonl"
    train.write_text('{"review": "Un film magnifique", "label": 1}\n{"review": "Nul et ennuyeux", "label": 0}\n')
    reference.write_text('{"review": "Un film nul", "label": 0}\n{"review": "Magnifique, inoubliable", "label": 1}\n')
    assert drift_baseline.main(["--model", str(model), "--train", str(train), "--data", str(reference)]) == 0
    written = json.loads((model / drift_baseline.BASELINE_FILE).read_text(encoding="utf-8"))
    assert written["n"] == 2 and written["vocabulary"] == ["ennuyeux", "et", "film", "magnifique", "nul", "un"]
    assert {feature: sum(counts) for feature, counts in written["histograms"].items()} == dict.fromkeys(
        drift.FEATURES, 2
    )
    assert written["histograms"]["unknown_words"][drift.bin_of("unknown_words", 0.5)] == 1  # « inoubliable » is new
    assert drift_baseline.main(["--model", str(model), "--train", str(train), "--data", str(train)]) == 2


def test_the_committed_baseline_is_the_validation_split_of_the_embedded_model():
    committed = json.loads(
        (drift_baseline.EMBEDDED_MODEL_DIR / drift_baseline.BASELINE_FILE).read_text(encoding="utf-8")
    )
    assert committed["n"] == 500 and committed["model"] == "allocine-embedded-ngram"
    assert {feature: sum(counts) for feature, counts in committed["histograms"].items()} == dict.fromkeys(
        drift.FEATURES, 500
    )


def test_npm_run_model_drift_baseline_writes_exactly_the_committed_baseline(tmp_path):
    """The README's command, on a copy of the embedded model: what it writes is what is committed."""
    import shutil
    import subprocess

    model = tmp_path / "embedded"
    shutil.copytree(drift_baseline.EMBEDDED_MODEL_DIR, model)
    (model / drift_baseline.BASELINE_FILE).unlink()
    repo = drift_baseline.EMBEDDED_MODEL_DIR.parents[2]
    run = subprocess.run(
        ["npm", "run", "--silent", "model:drift-baseline", "--", "--model", str(model)],
        cwd=repo,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    committed = (drift_baseline.EMBEDDED_MODEL_DIR / drift_baseline.BASELINE_FILE).read_text(encoding="utf-8")
    assert (model / drift_baseline.BASELINE_FILE).read_text(encoding="utf-8") == committed
