"""TorchServe handler for ``allocine-sentiment``: one handler for the embedded model and HF checkpoints.

TorchServe's dynamic batching hands ``handle`` several requests at once; each may itself hold a list of
reviews. All valid reviews of the batch go through the model together and every request gets back exactly
one result per review, in order. The same archive is registered twice: the bulk lane (job chunks) and the
interactive lane (single predictions), whose workers the bulk ones yield the CPU to.

The embedded model's workers never import PyTorch (NumPy serves it; ``model-server/worker-startup/`` defers the
import TorchServe's own wire protocol makes), so the handler is a plain class rather than TorchServe's ``BaseHandler``,
which imports it, and it answers JSON text, which TorchServe passes on without testing for a tensor.
"""

from __future__ import annotations

import json
import logging
import os
import time

from allocine_sentiment.contract import BATCH_HEADER, DEADLINE_HEADER, INTERACTIVE_SUFFIX, REQUEST_ID_HEADER
from allocine_sentiment.models.loading import is_embedded, load_predictor
from allocine_sentiment.serving.answers import (
    Answer,
    classify,
    description,
    expire_if_past,
    log_batch,
    response_body,
)
from allocine_sentiment.serving.request_parsing import DEFAULT_MAX_CHARS, ParsedRequest, parse_request
from allocine_sentiment.serving_profile import load_profile

logger = logging.getLogger(__name__)
# Bulk workers run at a lower CPU priority so an interactive request gets a core at once.
BULK_NICENESS = 10


class SentimentHandler:
    def __init__(self) -> None:
        self.initialized = False

    def initialize(self, context) -> None:
        model_dir = context.system_properties["model_dir"]
        self.profile = load_profile(model_dir)
        self.lane = "interactive" if context.model_name.endswith(INTERACTIVE_SUFFIX) else "bulk"
        lane = getattr(self.profile, self.lane)
        threads = int(os.environ.get("ALLOCINE_TORCH_THREADS", lane.threads))
        if self.lane == "bulk" and os.environ.get("ALLOCINE_BULK_NICE", "1") != "0":
            os.setpriority(os.PRIO_PROCESS, 0, max(BULK_NICENESS, os.getpriority(os.PRIO_PROCESS, 0)))
        if is_embedded(model_dir):
            self.device = "cpu"  # NumPy, one thread: nothing to place on a GPU, and no PyTorch in this worker
        else:
            from allocine_sentiment.models.runtimes import pick_device

            self.device = pick_device(self.profile.device, context.system_properties.get("gpu_id"))
        self.context = context
        self.manifest = context.manifest
        self.max_chars = int(os.environ.get("ALLOCINE_MAX_TEXT_CHARS", DEFAULT_MAX_CHARS))
        # Every runtime gets the lane's threads: workers in parallel with few threads each beat oversubscribed
        # ones on a small machine. Only a PyTorch runtime (or a GPU) imports PyTorch.
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

    def handle(self, data: list[dict], context) -> list[str]:
        """One TorchServe batch: a JSON answer per request, in order, and the time it took as ``HandlerTime``."""
        started = time.perf_counter()
        self.context = context
        answers = self.postprocess(self.inference(self.preprocess(data)))
        for index in range(len(answers)):
            context.set_response_content_type(index, "application/json")
        output = [json.dumps(answer, ensure_ascii=False) for answer in answers]
        context.metrics.add_time("HandlerTime", round((time.perf_counter() - started) * 1000, 2), None, "ms")
        return output

    def preprocess(self, data: list[dict]) -> list[ParsedRequest]:
        requests = [parse_request(row, self.max_chars) for row in data]
        for index, request in enumerate(requests):
            expire_if_past(request, self.context.get_request_header(index, DEADLINE_HEADER))
        return requests

    def inference(self, requests: list[ParsedRequest], *args, **kwargs) -> list[Answer]:
        return classify(self.predictor, requests)

    def postprocess(self, answers: list[Answer]) -> list:
        described = self.describe()
        responses = [response_body(self.predictor, request, items, described) for request, items in answers]
        for index in range(len(answers)):
            # Lets clients (and the integration test) see that dynamic batching grouped requests.
            self.context.set_response_header(index, BATCH_HEADER, str(len(answers)))
        log_batch(answers, [self.context.get_request_header(i, REQUEST_ID_HEADER) for i in range(len(answers))])
        return responses

    def describe(self) -> dict:
        return description(self.predictor, self.profile, self.device)
