"""What every model server answers, whichever server it is (docs/model-server-contract.md).

The TorchServe handler and the FastAPI server both turn parsed requests into these bodies, so the backend
cannot tell them apart: one result or per-item error per review, in order; the model's description.
"""

from __future__ import annotations

import logging
import time
from dataclasses import asdict

from allocine_sentiment.base import Prediction, Predictor
from allocine_sentiment.serving.request_parsing import ItemError, ParsedRequest
from allocine_sentiment.serving.scoring import predict_each
from allocine_sentiment.serving_profile import ServingProfile

logger = logging.getLogger(__name__)
EXPIRED = ItemError("deadline_exceeded", "the caller's deadline passed before the review was classified")
Answer = tuple[ParsedRequest, list[Prediction | ItemError]]


def expire_if_past(request: ParsedRequest, deadline: str | None, now_ms: float | None = None) -> None:
    """A request whose caller's deadline has passed gets `deadline_exceeded` for each review, uncomputed."""
    now_ms = time.time() * 1000 if now_ms is None else now_ms
    if deadline and deadline.isdigit() and int(deadline) < now_ms:
        request.items = [EXPIRED if isinstance(item, str) else item for item in request.items]


def classify(predictor: Predictor, requests: list[ParsedRequest]) -> list[Answer]:
    """Every valid review of the batch through the model together; each request gets its own back, in order."""
    texts = [item for request in requests for item in request.items if isinstance(item, str)]
    predictions = iter(predict_each(predictor, texts))
    return [(r, [item if isinstance(item, ItemError) else next(predictions) for item in r.items]) for r in requests]


def response_body(predictor: Predictor, request: ParsedRequest, items: list[Prediction | ItemError], describe: dict):
    """The JSON body for one request: its description, its list of results, or its single result."""
    if request.describe:
        return describe
    body = [result(predictor, item) for item in items]
    for index, wanted in enumerate(request.explain):
        if wanted and isinstance(items[index], Prediction):
            body[index]["explanation"] = explain(predictor, request.items[index])
    return body if request.is_list else body[0]


def log_batch(answers: list[Answer], request_ids: list[str | None]) -> None:
    """One line per computed batch: its size and the backend's X-Request-Id of each request, so a batch is
    followed from the API's log to the model server's. Never a review."""
    reviews = sum(len(items) for _, items in answers)
    ids = ",".join(request_id or "-" for request_id in request_ids)
    logger.info("batch of %d requests, %d reviews, request ids %s", len(answers), reviews, ids)


def result(predictor: Predictor, item: Prediction | ItemError) -> dict:
    if isinstance(item, ItemError):
        return item.to_dict()
    return {**asdict(item), "model": predictor.name, "version": predictor.version}


def explain(predictor: Predictor, text: str) -> dict | None:
    """Word weights (exact for the embedded model, occlusion for transformers), or None: an explanation that
    fails must not cost the batch its predictions."""
    explainer = getattr(predictor, "explain", None)
    try:
        return explainer(text) if explainer else None
    except Exception as error:  # the review's text is never logged
        logger.error("an explanation failed: %s", type(error).__name__)
        return None


def description(predictor: Predictor, profile: ServingProfile, device: str) -> dict:
    """What the backend sizes itself by: the model's identity and its serving profile."""
    return {
        "model": predictor.name,
        "version": predictor.version,
        "labels": ["negative", "positive"],
        "family": predictor.family,
        "device": device,
        "profile": profile.to_dict(),
    }
