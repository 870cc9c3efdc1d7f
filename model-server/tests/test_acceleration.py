"""CPU acceleration by measurement, calibration of any served model, device choice: on a tiny CamemBERT."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from allocine_sentiment.models import runtimes
from allocine_sentiment.models.hf_model import HuggingFacePredictor
from allocine_sentiment.models.loading import load_predictor
from allocine_sentiment.serving_profile import ACCELERATIONS, load_profile
from allocine_sentiment.tools import accelerate
from allocine_sentiment.tools.random_camembert import camembert_base_config
from allocine_sentiment.training import calibrate
from allocine_sentiment.training.labelled_files import load_labelled


@pytest.fixture(scope="module")
def accelerated(tiny_camembert: Path, fixtures: Path, tmp_path_factory) -> tuple[Path, dict]:
    model_dir = tmp_path_factory.mktemp("accelerated") / "model"
    shutil.copytree(tiny_camembert, model_dir)
    texts = load_labelled(fixtures / "reviews.jsonl").texts
    return model_dir, accelerate.accelerate(model_dir, texts, sample=8, min_agreement=0.995, calibration=8)


def test_every_variant_is_measured_against_fp32_and_one_is_chosen(accelerated):
    model_dir, report = accelerated
    variants = {v["acceleration"]: v for v in report["variants"]}
    assert list(variants) == list(ACCELERATIONS)
    assert variants["torch-fp32"]["max_abs_logit_error"] == 0
    assert variants["onnx-fp32"]["max_abs_logit_error"] < 1e-4  # the export computes what PyTorch computes
    assert all(v["reviews_per_s"] > 0 and v["peak_rss_mb"] > 0 for v in variants.values())
    chosen = variants[report["chosen"]]
    assert chosen["label_agreement"] >= 0.995
    assert load_profile(model_dir).acceleration == report["chosen"]
    assert json.loads((model_dir / accelerate.REPORT_FILE).read_text())["chosen"] == report["chosen"]
    for export in (
        "onnx/model.fp32.onnx",
        "onnx/model.int8.onnx",
        "onnx/model.static-int8.onnx",
        "openvino/model.int8.xml",
    ):
        assert (model_dir / export).is_file(), export
    assert json.loads((model_dir / "openvino" / "export.json").read_text())["pad_token_id"] == 1
    assert "none of those agreement is measured on" in report["calibrated_on"]


@pytest.mark.parametrize("acceleration", ACCELERATIONS)
def test_each_variant_serves_the_same_labels(accelerated, fixtures: Path, acceleration: str):
    model_dir, _ = accelerated
    texts = load_labelled(fixtures / "reviews.jsonl").texts
    reference = HuggingFacePredictor(model_dir, acceleration="torch-fp32").logits(texts)
    predictor = HuggingFacePredictor(model_dir, acceleration=acceleration)
    assert predictor.acceleration == acceleration
    assert ("onnxruntime" in predictor.runtime.description) == acceleration.startswith("onnx")
    assert ("openvino" in predictor.runtime.description) == acceleration.startswith("openvino")
    assert np.allclose(predictor.logits(texts), reference, atol=0.05)


@pytest.mark.parametrize("acceleration", ["onnx-int8", "onnx-static-int8", "openvino-int8"])
def test_an_exported_variant_serves_without_loading_pytorch(accelerated, acceleration: str):
    """A worker of an ONNX Runtime or OpenVINO model, started as TorchServe starts it (worker-startup/ first on its
    path), classifies without ever loading PyTorch (~450 MB resident with the default build)."""
    model_dir, _ = accelerated
    root = Path(__file__).resolve().parent.parent
    script = (
        "import sys; import ts.protocol.otf_message_handler; "
        "from allocine_sentiment.models.hf_model import HuggingFacePredictor; "
        f"p = HuggingFacePredictor({str(model_dir)!r}, acceleration={acceleration!r}); "
        "print(p.predict(['Un film magnifique.'])[0].label, 'torch._C' in sys.modules)"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root / "worker-startup"), str(root)])}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    label, torch_loaded = done.stdout.split()[-2:]
    assert label in ("positive", "negative") and torch_loaded == "False"


def test_the_fastest_variant_wins_only_if_it_agrees_and_fits_in_memory():
    results = [
        {"acceleration": "torch-fp32", "reviews_per_s": 5, "label_agreement": 1.0, "peak_rss_mb": 950},
        {"acceleration": "torch-int8", "reviews_per_s": 22, "label_agreement": 1.0, "peak_rss_mb": 1300},
        {"acceleration": "onnx-fp32", "reviews_per_s": 6, "label_agreement": 1.0, "peak_rss_mb": 800},
        {"acceleration": "onnx-int8", "reviews_per_s": 20, "label_agreement": 0.99, "peak_rss_mb": 600},
    ]
    assert accelerate.choose(results, 0.995, 900) == "onnx-fp32"
    assert accelerate.choose(results, None, 900) == "onnx-int8"  # speed only: agreement is not asked
    assert accelerate.choose(results, 0.995, 2000) == "torch-int8"
    assert accelerate.choose(results, 0.995, 100) == "torch-fp32"  # nothing fits: the reference


def test_a_profile_naming_a_missing_export_falls_back_to_fp32(tiny_camembert: Path):
    runtime = runtimes.load_runtime(tiny_camembert, "onnx-int8", threads=1)
    assert runtime.description.startswith("torch-float32")


def test_the_gpu_is_used_when_torchserve_assigns_one_and_the_profile_allows_it(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert runtimes.pick_device("auto", 1) == "cuda:1"
    assert runtimes.pick_device("cpu", 1) == "cpu"
    assert runtimes.pick_device("auto", None) == "cpu"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert runtimes.pick_device("auto", 0) == "cpu"


def test_calibration_fits_a_checkpoint_and_the_predictor_uses_it(tiny_camembert: Path, fixtures: Path, tmp_path):
    model_dir = tmp_path / "model"
    shutil.copytree(tiny_camembert, model_dir)
    result = calibrate.calibrate(model_dir, fixtures / "reviews.jsonl")
    record = json.loads((model_dir / "calibration.json").read_text())
    assert record["temperature"] == result["temperature"] > 0
    assert record["uncertain_below"] in (0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9)
    assert record["name"] == "camembert-base-random"  # identity kept
    assert load_predictor(model_dir).temperature == pytest.approx(result["temperature"])


def test_calibration_of_the_embedded_model_rewrites_its_calibration_block(tiny_model: Path, fixtures, tmp_path):
    model_dir = tmp_path / "embedded"
    shutil.copytree(tiny_model, model_dir)
    assert calibrate.main(["--model", str(model_dir), "--data", str(fixtures / "reviews.jsonl")]) == 0
    config = json.loads((model_dir / "embedded_model.json").read_text())
    assert load_predictor(model_dir).temperature == pytest.approx(config["calibration"]["temperature"])
    assert calibrate.main(["--model", str(model_dir), "--data", str(tmp_path / "missing.jsonl")]) == 2


def test_the_random_stand_in_has_camembert_base_shape():
    config = camembert_base_config()
    shape = (config.num_hidden_layers, config.hidden_size, config.num_attention_heads, config.vocab_size)
    assert shape == (12, 768, 12, 32005)
    assert (config.max_position_embeddings, config.num_labels) == (514, 2)
