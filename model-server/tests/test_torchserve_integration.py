"""Real TorchServe with the committed embedded model: start, classify concurrently, check batching, stop.

The ``torchserve`` fixture (conftest) runs it on its own ports and pid file, so it never touches a TorchServe a
developer already has running.
"""

from __future__ import annotations

import configparser
import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from conftest import TORCHSERVE_BASE as BASE
from conftest import TORCHSERVE_PORTS as PORTS

HERE = Path(__file__).resolve().parent.parent
POSITIVE = "Un film magnifique, des acteurs bouleversants."
NEGATIVE = "Nul, ennuyeux, je me suis endormi."

pytestmark = pytest.mark.integration


def predict(body, content_type="application/json"):
    data = json.dumps(body) if content_type == "application/json" else body
    return requests.post(
        f"{BASE}/predictions/allocine-sentiment", data=data, headers={"Content-Type": content_type}, timeout=60
    )


def test_readme_example_returns_positive_then_negative(torchserve):
    response = predict([POSITIVE, NEGATIVE])
    assert response.status_code == 200
    results = response.json()
    assert [r["label"] for r in results] == ["positive", "negative"]
    assert all(set(r["probabilities"]) == {"negative", "positive"} for r in results)
    assert results[0]["probabilities"]["positive"] > 0.5 > results[1]["probabilities"]["positive"]


def test_single_review_as_text_and_as_object(torchserve):
    assert predict(POSITIVE.encode(), "text/plain").json()["label"] == "positive"
    assert predict({"text": NEGATIVE}).json()["label"] == "negative"


def test_bad_items_get_errors_over_http(torchserve):
    results = predict([POSITIVE, "", 7]).json()
    assert results[0]["label"] == "positive"
    assert results[1]["error"]["code"] == "empty_text"
    assert results[2]["error"]["code"] == "not_a_string"


def test_concurrent_requests_are_batched_and_labelled_right(torchserve, shared_data: Path):
    reviews = [json.loads(line) for line in (shared_data / "allocine" / "validation.jsonl").open(encoding="utf-8")]
    reviews = reviews[:160]
    with ThreadPoolExecutor(max_workers=32) as pool:
        responses = list(pool.map(lambda r: predict({"text": r["review"]}), reviews))
    assert all(r.status_code == 200 for r in responses)
    labels = [r.json()["label"] for r in responses]
    expected = ["positive" if r["label"] == 1 else "negative" for r in reviews]
    accuracy = sum(a == b for a, b in zip(labels, expected, strict=True)) / len(reviews)
    assert accuracy >= 0.85
    batch_sizes = [int(r.headers["X-Batch-Requests"]) for r in responses]
    assert max(batch_sizes) > 1, "dynamic batching never grouped requests"


def test_model_is_described_by_management_and_metrics_are_prometheus(torchserve):
    described = requests.get(f"http://127.0.0.1:{PORTS['management']}/models/allocine-sentiment", timeout=10).json()
    model = described[0]
    assert model["batchSize"] == 32 and model["maxBatchDelay"] == 10
    assert [w["status"] for w in model["workers"]] == ["READY", "READY"]
    metrics = requests.get(f"http://127.0.0.1:{PORTS['metrics']}/metrics", timeout=10).text
    assert "ts_inference_requests_total" in metrics


def test_apis_listen_on_localhost_only():
    parser = configparser.ConfigParser()
    parser.read_string("[ts]\n" + (HERE / "config" / "config.properties").read_text())
    for name in PORTS:
        assert parser["ts"][f"{name}_address"].startswith("http://127.0.0.1:")
    assert parser["ts"]["disable_token_authorization"] == "true"
    # The backend registers versions through it (model lifecycle): on localhost only, as asserted above.
    assert parser["ts"]["enable_model_api"] == "true"


def test_interactive_lane_deadline_and_describe_over_http(torchserve):
    management = f"http://127.0.0.1:{PORTS['management']}/models/allocine-sentiment-interactive"
    assert [w["status"] for w in requests.get(management, timeout=10).json()[0]["workers"]] == ["READY"]
    interactive = requests.post(
        f"{BASE}/predictions/allocine-sentiment-interactive", json={"text": POSITIVE}, timeout=60
    ).json()
    assert interactive["label"] == "positive"
    described = predict({"describe": True}).json()
    assert described["model"] == "allocine-embedded-ngram" and described["profile"]["chunkSize"] == 100
    # A caller whose deadline has passed gets an answer without the model being run (the header travels as sent).
    expired = requests.post(
        f"{BASE}/predictions/allocine-sentiment", json=[POSITIVE], headers={"X-Deadline-Ms": "1"}, timeout=60
    ).json()
    assert expired == [{"error": {"code": "deadline_exceeded", "message": expired[0]["error"]["message"]}}]


def test_explain_over_http_returns_exact_word_weights(torchserve):
    answer = predict({"text": "Un scénario nul mais des acteurs magnifiques.", "explain": True}).json()
    weights = {w["text"]: w["weight"] for w in answer["explanation"]["words"]}
    assert weights["magnifiques"] > 0 > weights["nul"]
    assert "explanation" not in predict({"text": POSITIVE}).json()
