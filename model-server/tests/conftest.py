"""Shared fixtures: small labelled files written for these tests, a tiny trained model, a mock context."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

MODEL_SERVER = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(MODEL_SERVER))
# Handler tests run in the test process: keep its CPU priority (bulk workers lower theirs in TorchServe).
os.environ.setdefault("ALLOCINE_BULK_NICE", "0")

from allocine_sentiment.paths import shared_data_dir  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
TORCHSERVE_PORTS = {"inference": 18080, "management": 18081, "metrics": 18082}
TORCHSERVE_BASE = f"http://127.0.0.1:{TORCHSERVE_PORTS['inference']}"


@pytest.fixture(scope="session")
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The project's shared data; these tests need it (CI always has it beside the clone)."""
    path = shared_data_dir()
    assert (path / "allocine" / "train.jsonl").is_file(), f"shared data not found at {path} (set ALLOCINE_DATA_DIR)"
    return path


@pytest.fixture(scope="session")
def torchserve(tmp_path_factory):
    """A real TorchServe serving the committed embedded model, shared by the tests that compare against it."""
    work = tmp_path_factory.mktemp("torchserve")
    env = {
        **os.environ,
        "MODEL_STORE": str(work / "store"),
        "LOG_LOCATION": str(work / "logs"),
        "METRICS_LOCATION": str(work / "logs"),
        "TMPDIR": str(work),  # TorchServe keeps its pid file in the temp dir: one per instance
        **{f"TS_{name.upper()}_ADDRESS": f"http://127.0.0.1:{port}" for name, port in TORCHSERVE_PORTS.items()},
        # gRPC ports of its own (7070/7071 by default), so it runs beside a developer's `npm start`.
        "TS_GRPC_INFERENCE_PORT": "18083",
        "TS_GRPC_MANAGEMENT_PORT": "18084",
    }
    scripts = MODEL_SERVER / "scripts"
    subprocess.run(["bash", str(scripts / "build-mar.sh")], env=env, check=True, capture_output=True)
    started = subprocess.run(["bash", str(scripts / "start.sh")], env=env, capture_output=True, text=True)
    assert started.returncode == 0, started.stdout + started.stderr
    yield env
    subprocess.run(["bash", str(scripts / "stop.sh")], env=env, capture_output=True)


class RecordingMetrics:
    """Stands in for TorchServe's metrics cache: records what the handler reports."""

    def __init__(self) -> None:
        self.times: dict[str, float] = {}

    def add_time(self, name: str, value: float, idx=None, unit: str = "ms") -> None:
        self.times[name] = value


def make_context(
    model_dir: Path, requests: int = 1, model_name: str = "allocine-sentiment", headers: list[dict] | None = None
):
    """A real ``ts.context.Context`` as the worker builds it, with one request processor (and its headers) per
    request."""
    from ts.context import Context, RequestProcessor

    manifest = {"model": {"modelName": model_name, "modelVersion": "1.0", "handler": "handler.py"}}
    context = Context(model_name, str(model_dir), manifest, 32, None, "0.12.0", metrics=RecordingMetrics())
    context.request_processor = [RequestProcessor((headers or [{}] * requests)[i]) for i in range(requests)]
    return context


@pytest.fixture
def context_for():
    return make_context


def write_fixture_data_dir(data_dir: Path) -> Path:
    """A data folder shaped like ../shared/data, holding the fixture reviews as train and validation."""
    (data_dir / "allocine").mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURES / "reviews.jsonl", data_dir / "allocine" / "train.jsonl")
    shutil.copy(FIXTURES / "reviews.jsonl", data_dir / "allocine" / "validation.jsonl")
    return data_dir


TINY_TRAIN_ARGS = ["--buckets", "4096", "--epochs", "40", "--lr", "0.5"]


@pytest.fixture(scope="session")
def tiny_model(tmp_path_factory) -> Path:
    """An embedded model trained in seconds on the 24 fixture reviews."""
    from allocine_sentiment.training import train

    data_dir = write_fixture_data_dir(tmp_path_factory.mktemp("data"))
    out = tmp_path_factory.mktemp("model")
    assert train.main(["--data-dir", str(data_dir), "--out", str(out), *TINY_TRAIN_ARGS]) == 0
    return out


TINY_POSITIONS = 34  # 32 usable tokens: CamemBERT numbers positions from padding_idx + 1 = 2


@pytest.fixture(scope="session")
def tiny_camembert(tmp_path_factory, shared_data: Path) -> Path:
    """A tiny randomly initialised CamemBERT with the real camembert-base tokenizer."""
    import torch

    from allocine_sentiment.tools.random_camembert import build

    torch.manual_seed(0)
    tiny = dict(hidden_size=16, num_hidden_layers=1, num_attention_heads=2, intermediate_size=32)
    return build(
        tmp_path_factory.mktemp("camembert"),
        shared_data / "tokenizers" / "camembert-base",
        max_position_embeddings=TINY_POSITIONS,
        **tiny,
    )
