"""Fetching the real checkpoint, every step offline: pins and hashes, acceleration, calibration, the accuracy gate."""

import json
import shutil
from pathlib import Path

import pytest

from allocine_sentiment.models.loading import load_predictor
from allocine_sentiment.serving_profile import load_profile
from allocine_sentiment.tools import fetch_camembert


@pytest.fixture
def checkpoint(tiny_camembert: Path, tmp_path: Path) -> Path:
    """A checkpoint as it arrives from the hub: weights, config, tokenizer; nothing of ours."""
    source = tmp_path / "downloaded"
    source.mkdir()
    for name in ("config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json"):
        shutil.copy(tiny_camembert / name, source / name)
    return source


def fetch(checkpoint: Path, out: Path, fixtures: Path, *extra: str) -> int:
    data = str(fixtures / "reviews.jsonl")
    return fetch_camembert.main(["--from-dir", str(checkpoint), "--out", str(out), "--data", data, *extra])


def test_a_checkpoint_is_verified_accelerated_calibrated_and_installed(checkpoint, tmp_path, fixtures, capsys):
    out = tmp_path / "camembert"
    assert fetch(checkpoint, out, fixtures, "--documented-accuracy", "0") == 0
    printed = capsys.readouterr().out
    assert f"model.safetensors {fetch_camembert.sha256(checkpoint / 'model.safetensors')}" in printed
    assert not out.with_name("camembert.staging").exists()
    calibration = json.loads((out / "calibration.json").read_text())
    assert calibration["temperature"] > 0 and calibration["version"] == "local:downloaded"
    report = json.loads((out / "acceleration.json").read_text())
    assert report["chosen"] == load_profile(out).acceleration
    assert "label agreement >= 0.995" in report["rule"]
    assert len(load_predictor(out).predict(["Un film magnifique."])) == 1


def test_a_model_more_than_one_point_below_its_documented_accuracy_is_not_installed(
    checkpoint, tmp_path, fixtures, capsys
):
    out = tmp_path / "camembert"
    assert fetch(checkpoint, out, fixtures, "--documented-accuracy", "1.0") == 2
    assert "not installing it" in capsys.readouterr().err
    assert not out.exists()


def test_weights_whose_hash_differs_from_the_pin_are_refused(checkpoint: Path):
    digest = fetch_camembert.sha256(checkpoint / "model.safetensors")
    assert fetch_camembert.verify(checkpoint, {"model.safetensors": digest}) == {"model.safetensors": digest}
    with pytest.raises(fetch_camembert.FetchError, match="differs from the pinned"):
        fetch_camembert.verify(checkpoint, {"model.safetensors": "0" * 64})


def test_a_download_needs_a_full_commit_sha(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(fetch_camembert, "LOCK_FILE", tmp_path / "absent.json")
    assert fetch_camembert.main(["--revision", "main", "--out", str(tmp_path / "m")]) == 2
    assert "full 40-character commit SHA" in capsys.readouterr().err


def test_tensorflow_only_weights_go_through_the_conversion_environment(checkpoint, tmp_path, fixtures, monkeypatch):
    """The conversion itself runs in its own environment (tested by model-server/convert/test-conversion.sh);
    here, that the pipeline hands it the TensorFlow checkpoint and carries on with what it writes."""
    weights = checkpoint / "model.safetensors"
    converted = tmp_path / "converted.safetensors"
    weights.rename(converted)
    (checkpoint / "tf_model.h5").write_bytes(b"tensorflow weights")
    calls = []

    def fake_convert(directory: Path) -> None:
        calls.append(sorted(p.name for p in directory.iterdir()))
        shutil.copy(converted, directory / "model.safetensors")

    monkeypatch.setattr(fetch_camembert, "convert", fake_convert)
    out = tmp_path / "camembert"
    assert fetch(checkpoint, out, fixtures, "--documented-accuracy", "0") == 0
    assert "tf_model.h5" in calls[0] and "model.safetensors" not in calls[0]
    assert not (out / "tf_model.h5").exists() and (out / "model.safetensors").is_file()


def test_a_checkpoint_without_tokenizer_gets_the_pinned_camembert_base_one(checkpoint, tmp_path, fixtures, shared_data):
    (checkpoint / "tokenizer.json").unlink()
    out = tmp_path / "camembert"
    tokenizer = shared_data / "tokenizers" / "camembert-base" / "tokenizer.json"
    assert fetch(checkpoint, out, fixtures, "--documented-accuracy", "0", "--tokenizer", str(tokenizer)) == 0
    assert fetch_camembert.sha256(out / "tokenizer.json") == fetch_camembert.read_lock()["tokenizer_sha256"]


def test_a_tokenizer_that_is_not_the_pinned_one_is_refused(checkpoint, tmp_path, fixtures, capsys):
    (checkpoint / "tokenizer.json").unlink()
    forged = tmp_path / "tokenizer.json"
    forged.write_text("{}")
    assert fetch(checkpoint, tmp_path / "out", fixtures, "--documented-accuracy", "0", "--tokenizer", str(forged)) == 2
    assert "differs from the pinned camembert-base tokenizer" in capsys.readouterr().err


BIN_TO_SAFETENSORS = Path(fetch_camembert.MODEL_SERVER_DIR) / "convert" / "bin_to_safetensors.py"


def run_bin_conversion(directory: Path) -> None:
    """The real conversion script, run as convert.sh runs it (here with this interpreter: the environment
    itself is proven by npm run test:conversion)."""
    import subprocess
    import sys

    result = subprocess.run([sys.executable, str(BIN_TO_SAFETENSORS), str(directory)], capture_output=True, text=True)
    if result.returncode != 0 or not (directory / "model.safetensors").is_file():
        raise fetch_camembert.FetchError(f"conversion failed: {result.stderr.strip()}")


class NotATensor:
    """What a hostile pickle could carry: any object, rebuilt on load unless weights_only refuses it."""


def pickled_checkpoint(checkpoint: Path, extra: dict | None = None) -> None:
    import torch
    from safetensors.torch import load_file

    state = load_file(checkpoint / "model.safetensors")
    torch.save({**state, **(extra or {})}, checkpoint / "pytorch_model.bin")
    (checkpoint / "model.safetensors").unlink()
    config = json.loads((checkpoint / "config.json").read_text())
    (checkpoint / "config.json").write_text(json.dumps({**config, "pad_token_id": 0}))  # as the real one says


def test_a_pytorch_pickle_is_converted_with_weights_only_then_dropped(checkpoint, tmp_path, fixtures, monkeypatch):
    pickled_checkpoint(checkpoint)
    monkeypatch.setattr(fetch_camembert, "convert", run_bin_conversion)
    out = tmp_path / "camembert"
    assert fetch(checkpoint, out, fixtures, "--documented-accuracy", "0") == 0
    assert (out / "model.safetensors").is_file() and not (out / "pytorch_model.bin").exists()
    assert json.loads((out / "config.json").read_text())["pad_token_id"] == 1  # the tokenizer's
    assert len(load_predictor(out).predict(["Un film magnifique."])) == 1


def test_a_pickle_that_builds_anything_but_tensors_is_refused(checkpoint, tmp_path, fixtures, monkeypatch, capsys):
    pickled_checkpoint(checkpoint, {"payload": NotATensor()})
    monkeypatch.setattr(fetch_camembert, "convert", run_bin_conversion)
    out = tmp_path / "camembert"
    assert fetch(checkpoint, out, fixtures, "--documented-accuracy", "0") == 2
    assert "pytorch_model.bin refused: UnpicklingError" in capsys.readouterr().err
    assert not out.exists()


def test_the_default_is_the_pinned_pytorch_conversion_and_tf_needs_a_revision(tmp_path, monkeypatch, capsys):
    asked = []

    def no_network(repo: str, revision: str, out: Path) -> dict:
        asked.append((repo, revision))
        raise fetch_camembert.FetchError("no network in tests")

    monkeypatch.setattr(fetch_camembert, "download", no_network)
    assert fetch_camembert.main(["--out", str(tmp_path / "m")]) == 2
    assert asked == [("philschmid/pt-tblard-tf-allocine", "842f2b47eae6e461776b92b74e0d8219c5c42e84")]
    assert "Philipp Schmid's PyTorch conversion of tblard/tf-allocine" in capsys.readouterr().out
    assert fetch_camembert.main(["--source", "tf", "--out", str(tmp_path / "m")]) == 2
    assert "pass --revision with the full 40-character commit SHA of tblard/tf-allocine" in capsys.readouterr().err
