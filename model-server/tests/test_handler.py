"""The TorchServe handler with a mock context: batching, order, per-item errors, no review text in logs."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from allocine_sentiment.contract import BATCH_HEADER
from allocine_sentiment.serving.handler import SentimentHandler

POSITIVE = "Un film magnifique, des acteurs bouleversants."
NEGATIVE = "Nul, ennuyeux, je me suis endormi."
RESULT_KEYS = {"label", "score", "probabilities", "model", "version", "truncated", "uncertain"}


@pytest.fixture
def handler(tiny_model: Path, context_for):
    h = SentimentHandler()
    h.initialize(context_for(tiny_model))
    h.model_dir = tiny_model
    return h


def run(handler, rows, headers=None):
    """Handle one batch of requests as a TorchServe worker would, with a fresh context per batch; its JSON
    answers decoded (each declared as JSON to TorchServe)."""
    from conftest import make_context

    context = make_context(handler.model_dir, len(rows), headers=headers)
    out = handler.handle(rows, context)
    assert all(context.get_response_content_type(i) == "application/json" for i in range(len(rows)))
    return [json.loads(answer) for answer in out]


def test_one_result_per_review_in_order_across_a_batch_of_requests(handler):
    rows = [
        {"body": [POSITIVE, NEGATIVE, POSITIVE]},
        {"body": {"text": NEGATIVE}},
        {"body": POSITIVE.encode("utf-8")},  # text/plain arrives as bytes
        {"data": json.dumps([{"text": NEGATIVE}, POSITIVE]).encode("utf-8")},
    ]
    out = run(handler, rows)
    assert len(out) == 4
    assert [r["label"] for r in out[0]] == ["positive", "negative", "positive"]
    assert out[1]["label"] == "negative"
    assert out[2]["label"] == "positive"
    assert [r["label"] for r in out[3]] == ["negative", "positive"]
    for result in out[0]:
        assert set(result) == RESULT_KEYS
        assert result["score"] == max(result["probabilities"].values())
        assert result["truncated"] is False
    assert all(handler.context.get_response_headers(i)[BATCH_HEADER] == "4" for i in range(4))
    assert "HandlerTime" in handler.context.metrics.times


def test_large_batch_gives_exactly_n_results(handler):
    texts = [POSITIVE if i % 2 else NEGATIVE for i in range(257)]
    (out,) = run(handler, [{"body": texts}])
    assert len(out) == 257
    assert [r["label"] for r in out] == ["positive" if i % 2 else "negative" for i in range(257)]


def test_bad_items_get_errors_and_good_ones_still_answer(handler):
    body = [POSITIVE, "   ", 42, {"txt": "x"}, "x" * 20_001, None, NEGATIVE]
    (out,) = run(handler, [{"body": body}])
    codes = [r.get("error", {}).get("code") for r in out]
    assert codes == [None, "empty_text", "not_a_string", "missing_text", "text_too_long", "not_a_string", None]
    assert out[0]["label"] == "positive" and out[-1]["label"] == "negative"
    assert "20001 characters" in out[4]["error"]["message"]


def test_whole_request_errors(handler):
    out = run(handler, [{"body": b"[1, 2"}, {"body": []}, {"body": None}, {"body": b"\xff\xfe"}, {"body": POSITIVE}])
    assert out[0]["error"]["code"] == "invalid_json"
    assert out[1]["error"]["code"] == "empty_list"
    assert out[2]["error"]["code"] == "empty_body"
    assert out[3]["error"]["code"] == "invalid_encoding"
    assert out[4]["label"] == "positive"


def test_review_text_is_never_logged(handler, caplog):
    secret = "Ce film secret est magnifique et bouleversant."
    with caplog.at_level(logging.DEBUG):
        run(handler, [{"body": [secret, ""]}])
    assert "batch of 1 requests, 2 reviews" in caplog.text
    assert "secret" not in caplog.text


def test_the_batch_log_names_each_request_by_the_backends_request_id(handler, caplog):

    headers = [{"X-Request-Id": "trace-1"}, {}, {"X-Request-Id": "trace-3"}]
    with caplog.at_level(logging.INFO):
        run(handler, [{"body": POSITIVE}] * 3, headers=headers)
    assert "batch of 3 requests, 3 reviews, request ids trace-1,-,trace-3" in caplog.text


def test_served_model_labels_real_reviews(context_for):
    """The committed embedded model, as TorchServe would load it."""
    model_dir = Path(__file__).resolve().parent.parent / "model" / "embedded"
    h = SentimentHandler()
    h.initialize(context_for(model_dir))
    h.model_dir = model_dir
    out = run(h, [{"body": [POSITIVE, NEGATIVE, "Un chef-d'œuvre, bouleversant du début à la fin."]}])
    assert [r["label"] for r in out[0]] == ["positive", "negative", "positive"]
    assert out[0][0]["model"] == "allocine-embedded-ngram"


def test_a_lone_surrogate_is_refused_for_that_review_alone(handler):
    # json.dumps writes the lone surrogate as the escape \ud800, as a JavaScript client would.
    body = json.dumps([POSITIVE, "Bien \ud800 joué", NEGATIVE]).encode("utf-8")
    (out,) = run(handler, [{"body": body}])
    assert out[1]["error"]["code"] == "invalid_unicode"
    assert [out[0]["label"], out[2]["label"]] == ["positive", "negative"]


def test_a_batch_that_raises_is_retried_review_by_review(handler, monkeypatch):
    real_predict = handler.predictor.predict
    calls = []

    def fragile(texts):
        calls.append(len(texts))
        if any("POISON" in t for t in texts):
            raise RuntimeError("kernel failure")
        return real_predict(texts)

    monkeypatch.setattr(handler.predictor, "predict", fragile)
    out = run(handler, [{"body": [POSITIVE, "POISON pill", NEGATIVE]}, {"body": POSITIVE}])
    assert out[0][1]["error"]["code"] == "model_error"
    assert [out[0][0]["label"], out[0][2]["label"], out[1]["label"]] == ["positive", "negative", "positive"]
    assert calls == [4, 1, 1, 1, 1]  # the batch once, then each review alone


def test_requests_past_their_deadline_are_answered_without_computing(handler, monkeypatch):
    import time

    seen = []
    real_predict = handler.predictor.predict
    monkeypatch.setattr(handler.predictor, "predict", lambda texts: seen.extend(texts) or real_predict(texts))
    past, future = str(int(time.time() * 1000) - 1), str(int(time.time() * 1000) + 60_000)
    headers = [{"X-Deadline-Ms": past}, {"X-Deadline-Ms": future}, {}]
    rows = [{"body": [NEGATIVE, ""]}, {"body": POSITIVE}, {"body": NEGATIVE}]
    out = run(handler, rows, headers=headers)
    assert [r.get("error", {}).get("code") for r in out[0]] == ["deadline_exceeded", "empty_text"]
    assert out[1]["label"] == "positive" and out[2]["label"] == "negative"
    assert seen == [POSITIVE, NEGATIVE]


def test_describe_returns_the_model_and_its_serving_profile(handler):
    out = run(handler, [{"body": {"describe": True}}, {"body": POSITIVE}])
    assert out[0]["model"] == handler.predictor.name and out[0]["family"] == "embedded-ngram"
    assert out[0]["profile"]["chunkSize"] == 100 and out[0]["profile"]["bulk"]["batchSize"] == 32
    assert out[0]["device"] == "cpu"
    assert out[1]["label"] == "positive"


def test_the_interactive_registration_is_the_interactive_lane(tiny_model: Path, context_for):
    interactive = SentimentHandler()
    interactive.initialize(context_for(tiny_model, model_name="allocine-sentiment-interactive"))
    bulk = SentimentHandler()
    bulk.initialize(context_for(tiny_model))
    assert (interactive.lane, bulk.lane) == ("interactive", "bulk")


def test_an_embedded_model_worker_never_imports_pytorch(tmp_path):
    """As TorchServe starts a worker (worker-startup/ on its PYTHONPATH): its protocol module, then the handler, the
    model and a batch; PyTorch is still not loaded, and its peak resident memory (VmHWM: ru_maxrss would carry the
    test runner's over exec) stays far from PyTorch's ~450 MB."""
    root = Path(__file__).resolve().parent.parent
    script = f"""
import json, re, sys
sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})
import ts.protocol.otf_message_handler
from conftest import make_context
from allocine_sentiment.serving.handler import SentimentHandler
model_dir = {str(root / "model" / "embedded")!r}
handler = SentimentHandler()
handler.initialize(make_context(model_dir))
out = handler.handle([{{"body": ["Un film magnifique.", "Nul."]}}], make_context(model_dir))
print(json.dumps({{"labels": [r["label"] for r in json.loads(out[0])], "torch_loaded": "torch._C" in sys.modules,
                  "peak_mb": int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read())[1]) // 1024}}))
"""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root / "worker-startup"), str(root)])}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["labels"] == ["positive", "negative"]
    assert seen["torch_loaded"] is False
    assert seen["peak_mb"] < 150


def test_a_deferred_pytorch_loads_whole_on_first_use(tmp_path):
    """worker-startup's placeholder: an early ``import torch`` then a Hugging Face model's use get real PyTorch."""
    root = Path(__file__).resolve().parent.parent
    script = (
        "import torch; import sys; early = torch; assert 'torch._C' not in sys.modules; from torch import nn; "
        "print(float((early.ones(2) * 2).sum()), nn.Linear.__name__, sys.modules['torch'] is not early)"
    )
    env = {**os.environ, "PYTHONPATH": str(root / "worker-startup")}
    done = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["4.0", "Linear", "True"]


def test_hugging_face_workers_use_their_lane_s_thread_count(tiny_camembert: Path, context_for, monkeypatch):
    import torch

    from allocine_sentiment.serving_profile import load_profile

    monkeypatch.delenv("ALLOCINE_TORCH_THREADS", raising=False)
    wanted = load_profile(tiny_camembert).bulk.threads
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(wanted + 1)
        SentimentHandler().initialize(context_for(tiny_camembert))
        assert torch.get_num_threads() == wanted
    finally:
        torch.set_num_threads(before)


def test_a_review_sent_with_explain_gets_its_words_weights(handler):
    explained, plain = run(handler, [{"body": {"text": POSITIVE, "explain": True}}, {"body": {"text": POSITIVE}}])
    assert "explanation" not in plain and set(plain) == RESULT_KEYS
    explanation = explained["explanation"]
    assert explained["label"] == plain["label"] == "positive"
    assert [w["text"] for w in explanation["words"]] == ["Un", "film", "magnifique", "des", "acteurs", "bouleversants"]
    assert explanation["method"] == "linear-exact"
    # In a list (how the backend sends reviews), per item: only the one that asked is explained.
    (listed,) = run(handler, [{"body": [{"text": NEGATIVE, "explain": True}, NEGATIVE, {"text": "", "explain": True}]}])
    assert "explanation" in listed[0] and "explanation" not in listed[1]
    assert listed[2]["error"]["code"] == "empty_text"


def test_an_explanation_that_fails_costs_nothing_but_itself(handler, monkeypatch):
    def broken(text):
        raise RuntimeError("boom")

    monkeypatch.setattr(handler.predictor, "explain", broken)
    explained, other = run(handler, [{"body": {"text": POSITIVE, "explain": True}}, {"body": NEGATIVE}])
    assert explained["label"] == "positive" and explained["explanation"] is None
    assert other["label"] == "negative"
