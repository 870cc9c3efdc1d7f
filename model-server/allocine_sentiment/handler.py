"""TorchServe handler for ``allocine-sentiment``: one handler for the embedded model and HF checkpoints.

TorchServe's dynamic batching hands ``handle`` several requests at once; each may itself hold a list of
reviews. All valid reviews of the batch go through the model together and every request gets back exactly
one result per review, in order. The same archive is registered twice: the bulk lane (job chunks) and the
interactive lane (single predictions), whose workers the bulk ones yield the CPU to.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import asdict

import torch
from ts.torch_handler.base_handler import BaseHandler

from allocine_sentiment.predictor import Prediction, load_predictor
from allocine_sentiment.request_parsing import DEFAULT_MAX_CHARS, ItemError, ParsedRequest, parse_request
from allocine_sentiment.runtimes import pick_device
from allocine_sentiment.scoring import predict_each
from allocine_sentiment.serving_profile import INTERACTIVE_SUFFIX, load_profile

logger = logging.getLogger(__name__)
BATCH_HEADER = "X-Batch-Requests"
# Epoch milliseconds after which the caller no longer waits: such requests are answered without computing.
DEADLINE_HEADER = "X-Deadline-Ms"
REQUEST_ID_HEADER = "X-Request-Id"
# Bulk workers run at a lower CPU priority so an interactive request gets a core at once.
BULK_NICENESS = 10
Answer = tuple[ParsedRequest, list[Prediction | ItemError]]
EXPIRED = ItemError("deadline_exceeded", "the caller's deadline passed before the review was classified")


class SentimentHandler(BaseHandler):
    def initialize(self, context) -> None:
        model_dir = context.system_properties["model_dir"]
        self.profile = load_profile(model_dir)
        self.lane = "interactive" if context.model_name.endswith(INTERACTIVE_SUFFIX) else "bulk"
        lane = getattr(self.profile, self.lane)
        threads = int(os.environ.get("ALLOCINE_TORCH_THREADS", lane.threads))
        # Every family: workers in parallel with few threads each beat oversubscribed ones on a small machine.
        torch.set_num_threads(threads)
        if self.lane == "bulk" and os.environ.get("ALLOCINE_BULK_NICE", "1") != "0":
            os.setpriority(os.PRIO_PROCESS, 0, max(BULK_NICENESS, os.getpriority(os.PRIO_PROCESS, 0)))
        self.device = pick_device(self.profile.device, context.system_properties.get("gpu_id"))
        self.context = context
        self.manifest = context.manifest
        self.max_chars = int(os.environ.get("ALLOCINE_MAX_TEXT_CHARS", DEFAULT_MAX_CHARS))
        self.predictor = load_predictor(model_dir, threads=threads, device=self.device)
        self.initialized = True
        logger.info(
            "loaded %s %s (%s lane, %d threads, %s)",
            self.predictor.name,
            self.predictor.version,
            self.lane,
            threads,
            getattr(getattr(self.predictor, "runtime", None), "description", "cpu"),
        )

    def preprocess(self, data: list[dict]) -> list[ParsedRequest]:
        now_ms = time.time() * 1000
        requests = [parse_request(row, self.max_chars) for row in data]
        for index, request in enumerate(requests):
            deadline = self.context.get_request_header(index, DEADLINE_HEADER)
            if deadline and deadline.isdigit() and int(deadline) < now_ms:
                request.items = [EXPIRED if isinstance(item, str) else item for item in request.items]
        return requests

    def inference(self, requests: list[ParsedRequest], *args, **kwargs) -> list[Answer]:
        texts = [item for request in requests for item in request.items if isinstance(item, str)]
        predictions = iter(predict_each(self.predictor, texts))
        return [(r, [item if isinstance(item, ItemError) else next(predictions) for item in r.items]) for r in requests]

    def postprocess(self, answers: list[Answer]) -> list:
        responses = []
        for request_index, (request, items) in enumerate(answers):
            body = [self._result(item) for item in items]
            for index, wanted in enumerate(request.explain):
                if wanted and isinstance(items[index], Prediction):
                    body[index]["explanation"] = self._explain(request.items[index])
            responses.append(self.describe() if request.describe else body if request.is_list else body[0])
            # Lets clients (and the integration test) see that dynamic batching grouped requests.
            self.context.set_response_header(request_index, BATCH_HEADER, str(len(answers)))
        # The backend's X-Request-Id of each request: a batch is followed from the API log to this one.
        ids = [self.context.get_request_header(i, REQUEST_ID_HEADER) or "-" for i in range(len(answers))]
        reviews = sum(len(items) for _, items in answers)
        logger.info("batch of %d requests, %d reviews, request ids %s", len(answers), reviews, ",".join(ids))
        return responses

    def describe(self) -> dict:
        """What the backend sizes itself by: the model's identity and its serving profile."""
        return {
            "model": self.predictor.name,
            "version": self.predictor.version,
            "labels": ["negative", "positive"],
            "family": self.predictor.family,
            "device": self.device,
            "profile": self.profile.to_dict(),
        }

    def _explain(self, text: str) -> dict | None:
        """Word weights (exact for the embedded model, occlusion for transformers), or None: an explanation that
        fails must not cost the batch its predictions."""
        explain = getattr(self.predictor, "explain", None)
        try:
            return explain(text) if explain else None
        except Exception as error:  # the review's text is never logged
            logger.error("an explanation failed: %s", type(error).__name__)
            return None

    def _result(self, item: Prediction | ItemError) -> dict:
        if isinstance(item, ItemError):
            return item.to_dict()
        result = asdict(item)
        result["model"] = self.predictor.name
        result["version"] = self.predictor.version
        return result
