"""Serving profiles: defaults per family, overlays, refusals, TorchServe's configuration, what gets packaged."""

import json
from dataclasses import replace
from pathlib import Path

import pytest

from allocine_sentiment import serving_profile as sp
from allocine_sentiment.models.hf_model import token_budget_batches
from allocine_sentiment.paths import EMBEDDED_MODEL_DIR


def test_the_committed_embedded_model_carries_its_profile():
    assert (EMBEDDED_MODEL_DIR / sp.PROFILE_FILE).is_file()
    assert sp.load_profile(EMBEDDED_MODEL_DIR) == sp.EMBEDDED


def test_a_checkpoint_without_profile_gets_the_transformer_defaults(tmp_path: Path):
    (tmp_path / "config.json").write_text("{}")
    profile = sp.load_profile(tmp_path)
    assert profile == sp.TRANSFORMER
    # Transformer chunks are far smaller than the n-gram model's, and the backend waits longer than TorchServe.
    assert profile.chunkSize < sp.EMBEDDED.chunkSize
    assert profile.timeouts.modelCallMs > profile.timeouts.responseTimeoutS * 1000


def test_a_partial_profile_overlays_the_defaults(tmp_path: Path):
    (tmp_path / "config.json").write_text("{}")
    (tmp_path / sp.PROFILE_FILE).write_text(json.dumps({"chunkSize": 8, "bulk": {"threads": 1}}))
    profile = sp.load_profile(tmp_path)
    assert profile.chunkSize == 8 and profile.bulk.threads == 1
    assert profile.bulk.batchSize == sp.TRANSFORMER.bulk.batchSize


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"chunksize": 8}, "unknown serving profile field(s): chunksize"),
        ({"timeouts": {"responseTimeoutS": 200}}, "modelCallMs must exceed"),
        ({"bulk": {"workers": 0}}, "bulk.workers must be a positive integer"),
        ({"bulk": {"cores": 2}}, "bulk:"),
        ({"acceleration": "tensorrt"}, "acceleration must be one of"),
        ({"tokenBudget": 100}, "tokenBudget must hold one full window"),
        ([], "expected a JSON object"),
    ],
)
def test_bad_profiles_are_refused_with_the_field_named(tmp_path: Path, content, message):
    (tmp_path / "config.json").write_text("{}")
    (tmp_path / sp.PROFILE_FILE).write_text(json.dumps(content))
    with pytest.raises(sp.ProfileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        sp.load_profile(tmp_path)


def test_torchserve_configuration_registers_both_lanes_from_one_archive():
    profile = replace(sp.TRANSFORMER, bulk=replace(sp.TRANSFORMER.bulk, batchSize=3, maxBatchDelayMs=25))
    text = sp.torchserve_properties(profile, "inference_address=http://127.0.0.1:8080\n")
    lines = dict(line.split("=", 1) for line in text.splitlines() if "=" in line and not line.startswith("#"))
    assert lines["inference_address"] == "http://127.0.0.1:8080"
    assert lines["load_models"] == (
        "allocine-sentiment=allocine-sentiment.mar,allocine-sentiment-interactive=allocine-sentiment.mar"
    )
    models = json.loads(lines["models"])
    bulk = models["allocine-sentiment"]["1.0"]
    assert (bulk["batchSize"], bulk["maxBatchDelay"], bulk["minWorkers"], bulk["responseTimeout"]) == (3, 25, 1, 120)
    assert models["allocine-sentiment-interactive"]["1.0"]["batchSize"] == sp.TRANSFORMER.interactive.batchSize


def test_only_the_served_export_is_packaged(tmp_path: Path):
    (tmp_path / "onnx").mkdir()
    (tmp_path / "openvino").mkdir()
    exports = ["onnx/model.fp32.onnx", "onnx/model.int8.onnx", "onnx/model.static-int8.onnx"]
    exports += ["openvino/model.int8.xml", "openvino/model.int8.bin", "onnx/export.json", "openvino/export.json"]
    for name in ("config.json", "model.safetensors", *exports):
        (tmp_path / name).write_text("x")
    records = ["onnx/export.json", "openvino/export.json"]
    profile = replace(sp.TRANSFORMER, acceleration="onnx-int8")
    assert sp.served_files(tmp_path, profile) == sorted(
        ["config.json", "model.safetensors", "onnx/model.int8.onnx", *records]
    )
    assert "onnx/model.int8.onnx" not in sp.served_files(tmp_path, sp.TRANSFORMER)
    openvino = sp.served_files(tmp_path, replace(sp.TRANSFORMER, acceleration="openvino-int8"))
    assert openvino == sorted(
        ["config.json", "model.safetensors", "openvino/model.int8.xml", "openvino/model.int8.bin", *records]
    )


def test_the_command_line_prints_the_configuration_or_refuses(tmp_path: Path, capsys):
    base = tmp_path / "base.properties"
    base.write_text("metrics_mode=prometheus\n")
    assert sp.main(["config", str(EMBEDDED_MODEL_DIR), str(base)]) == 0
    assert '"batchSize":32' in capsys.readouterr().out
    (tmp_path / "config.json").write_text("{}")
    (tmp_path / sp.PROFILE_FILE).write_text("{oops")
    assert sp.main(["config", str(tmp_path), str(base)]) == 2
    assert "not valid JSON" in capsys.readouterr().err


@pytest.mark.parametrize("budget", [32, 100, 1024])
def test_token_budget_batches_cover_every_window_once_within_the_budget(budget: int):
    lengths = [5, 32, 7, 7, 19, 2, 32, 11, 3, 30, 1, 25] * 3
    batches = list(token_budget_batches(lengths, budget))
    assert sorted(i for batch in batches for i in batch) == list(range(len(lengths)))
    for batch in batches:
        assert len(batch) * max(lengths[i] for i in batch) <= budget
    # Greedy on sorted lengths: joining the next batch's first window would have broken the budget.
    for before, after in zip(batches, batches[1:], strict=False):
        assert (len(before) + 1) * lengths[after[0]] > budget


def test_a_window_longer_than_the_budget_still_gets_a_batch_of_its_own():
    assert list(token_budget_batches([600, 10, 10], 512)) == [[1, 2], [0]]
