"""The model-server contract (docs/model-server-contract.md), kept by every model server the backend may use.

Each test runs against TorchServe (the default) and the FastAPI server, over HTTP as the backend calls them, and
validates every body against the contract's JSON Schema (libs/contracts/src/model-server-contract.json).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import jsonschema
import pytest
from conftest import MODEL_SERVER, TORCHSERVE_BASE

from allocine_sentiment.contract import INTERACTIVE_SUFFIX, MODEL_NAME, contract

SCHEMA = contract()["schema"]
BULK, INTERACTIVE = MODEL_NAME, MODEL_NAME + INTERACTIVE_SUFFIX
POSITIVE = "Un film magnifique, des acteurs formidables et une histoire bouleversante."
NEGATIVE = "Nul, ennuyeux, je me suis endormi avant la fin. Une perte de temps."
FASTAPI_PORT = 18090


def conforms(body: object, definition: str) -> None:
    jsonschema.validate(body, {**SCHEMA, "$ref": f"#/$defs/{definition}"})


@pytest.fixture(scope="session")
def fastapi_server():
    """The second implementation, started as `MODEL_SERVER=fastapi npm start` starts it."""
    env = {**os.environ, "PYTHONPATH": str(MODEL_SERVER)}
    command = [
        sys.executable,
        "-m",
        "allocine_sentiment.serving.fastapi_server",
        "--model-dir",
        str(MODEL_SERVER / "model" / "embedded"),
    ]
    server = subprocess.Popen(
        [*command, "--port", str(FASTAPI_PORT)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{FASTAPI_PORT}"
    for _ in range(120):
        try:
            urllib.request.urlopen(f"{base}/ping", timeout=1)
            break
        except OSError:
            assert server.poll() is None, server.stderr.read().decode()
            time.sleep(0.25)
    yield base
    server.terminate()
    server.wait(10)


@pytest.fixture(scope="module", params=["torchserve", "fastapi"])
def server(request) -> str:
    if request.param == "torchserve":
        request.getfixturevalue("torchserve")
        return TORCHSERVE_BASE
    return request.getfixturevalue("fastapi_server")


def call(base: str, body, model: str = BULK, headers: dict | None = None, raw: bytes | None = None):
    data = raw if raw is not None else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{base}/predictions/{model}", data=data, headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read()), dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, None, dict(error.headers)


def test_ping_answers_while_the_process_runs(server):
    with urllib.request.urlopen(f"{server}/ping", timeout=10) as response:
        assert response.status == 200


def test_describe_is_the_readiness_check_and_names_model_labels_and_profile(server):
    for model in (BULK, INTERACTIVE):
        status, body, _ = call(server, {"describe": True}, model)
        assert status == 200
        conforms(body, "Description")
        assert body["model"] == "allocine-embedded-ngram" and body["profile"]["chunkSize"] >= 1


def test_one_prediction_per_review_in_order_on_both_lanes(server):
    reviews = [POSITIVE, NEGATIVE] * 10 + [NEGATIVE]
    for model in (BULK, INTERACTIVE):
        status, body, _ = call(server, reviews, model)
        assert status == 200
        conforms(body, "PredictResponse")
        assert [result["label"] for result in body] == ["positive", "negative"] * 10 + ["negative"]
        assert all(abs(sum(r["probabilities"].values()) - 1) < 1e-6 for r in body)
        assert {result["model"] for result in body} == {"allocine-embedded-ngram"}


def test_a_bad_review_gets_its_own_error_and_the_others_are_answered(server):
    reviews = [POSITIVE, "", 7, {"nope": 1}, "x" * 20_001, "\ud800 texte", {"text": NEGATIVE}]
    status, body, _ = call(server, reviews, raw=json.dumps(reviews).encode())
    assert status == 200
    conforms(body, "PredictResponse")
    codes = [result.get("error", {}).get("code") for result in body]
    assert codes == [None, "empty_text", "not_a_string", "missing_text", "text_too_long", "invalid_unicode", None]
    assert body[0]["label"] == "positive" and body[6]["label"] == "negative"
    assert all("x" * 50 not in result.get("error", {}).get("message", "") for result in body)


def test_an_unreadable_body_is_one_item_error(server):
    status, body, _ = call(server, None, raw=b"[not json")
    assert status == 200
    conforms(body, "ItemError")
    assert body["error"]["code"] == "invalid_json"
    status, body, _ = call(server, [])
    assert (status, body["error"]["code"]) == (200, "empty_list")


def test_a_lone_review_gets_a_lone_result(server):
    status, body, _ = call(server, POSITIVE, INTERACTIVE)
    assert status == 200
    conforms(body, "Prediction")
    assert body["label"] == "positive"


def test_explanations_when_asked(server):
    status, body, _ = call(server, [{"text": POSITIVE, "explain": True}, NEGATIVE])
    assert status == 200
    conforms(body, "PredictResponse")
    assert body[0]["explanation"]["words"] and "explanation" not in body[1]


def test_reviews_past_the_callers_deadline_are_not_computed(server):
    past = str(int(time.time() * 1000) - 1_000)
    status, body, _ = call(server, [POSITIVE, NEGATIVE], headers={"X-Deadline-Ms": past})
    assert status == 200
    assert [result["error"]["code"] for result in body] == ["deadline_exceeded", "deadline_exceeded"]
    future = str(int(time.time() * 1000) + 60_000)
    status, body, _ = call(server, [POSITIVE], headers={"X-Deadline-Ms": future, "X-Request-Id": "contract-1"})
    assert body[0]["label"] == "positive"


def test_an_unknown_model_is_a_4xx_the_backend_does_not_retry(server):
    status, _, _ = call(server, [POSITIVE], "no-such-model")
    assert status == 404


def test_concurrent_requests_each_get_their_own_answers(server):
    """What dynamic batching must never mix up: 24 requests at once, each with its own reviews."""

    def one(index: int):
        reviews = [POSITIVE] * (index % 3 + 1) + [NEGATIVE]
        status, body, headers = call(server, reviews, INTERACTIVE if index % 2 else BULK)
        return index, status, [r["label"] for r in body], headers

    with ThreadPoolExecutor(max_workers=24) as pool:
        answers = list(pool.map(one, range(24)))
    for index, status, labels, headers in answers:
        assert status == 200
        assert labels == ["positive"] * (index % 3 + 1) + ["negative"]
        grouped = {key.lower(): value for key, value in headers.items()}.get("x-batch-requests")
        assert grouped is None or int(grouped) >= 1
