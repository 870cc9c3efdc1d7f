"""TorchServe handler for ``allocine-sentiment``: one handler for the embedded model and HF checkpoints.

TorchServe's dynamic batching hands ``handle`` several requests at once; each may itself hold a list of
reviews. All valid reviews of the batch go through the model together and every request gets back exactly
one result per review, in order.
"""

from __future__ import annotations

import logging
import os
from dataclasses import asdict

import torch
from ts.torch_handler.base_handler import BaseHandler

from allocine_sentiment.predictor import Prediction, load_predictor
from allocine_sentiment.request_parsing import DEFAULT_MAX_CHARS, ItemError, ParsedRequest, parse_request

logger = logging.getLogger(__name__)
BATCH_HEADER = "X-Batch-Requests"
Answer = tuple[ParsedRequest, list[Prediction | ItemError]]


class SentimentHandler(BaseHandler):
    def initialize(self, context) -> None:
        # One intra-op thread per worker: on 2 cores, two workers in parallel beat one worker with two threads.
        torch.set_num_threads(int(os.environ.get("ALLOCINE_TORCH_THREADS", "1")))
        self.context = context
        self.manifest = context.manifest
        self.max_chars = int(os.environ.get("ALLOCINE_MAX_TEXT_CHARS", DEFAULT_MAX_CHARS))
        self.predictor = load_predictor(context.system_properties["model_dir"])
        self.initialized = True
        logger.info("loaded model %s version %s", self.predictor.name, self.predictor.version)

    def preprocess(self, data: list[dict]) -> list[ParsedRequest]:
        return [parse_request(row, self.max_chars) for row in data]

    def inference(self, requests: list[ParsedRequest], *args, **kwargs) -> list[Answer]:
        texts = [item for request in requests for item in request.items if isinstance(item, str)]
        predictions = iter(self.predictor.predict(texts))
        return [(r, [item if isinstance(item, ItemError) else next(predictions) for item in r.items]) for r in requests]

    def postprocess(self, answers: list[Answer]) -> list:
        responses = []
        for request_index, (request, items) in enumerate(answers):
            body = [self._result(item) for item in items]
            responses.append(body if request.is_list else body[0])
            # Lets clients (and the integration test) see that dynamic batching grouped requests.
            self.context.set_response_header(request_index, BATCH_HEADER, str(len(answers)))
        logger.info("batch of %d requests, %d reviews", len(answers), sum(len(items) for _, items in answers))
        return responses

    def _result(self, item: Prediction | ItemError) -> dict:
        if isinstance(item, ItemError):
            return item.to_dict()
        result = asdict(item)
        result["model"] = self.predictor.name
        result["version"] = self.predictor.version
        return result
