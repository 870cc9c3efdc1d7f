"""A second model server on FastAPI: the same contract as TorchServe (docs/model-server-contract.md).

It exists to prove the seam: the backend runs on it unchanged (`MODEL_SERVER=fastapi npm start`) and it passes
the contract suite (model-server/tests/contract). Both lanes are served; each lane's requests are grouped into
micro-batches (up to the profile's batchSize within maxBatchDelayMs) and computed on a thread of its own.
  python -m allocine_sentiment.serving.fastapi_server --model-dir model-server/model/embedded --port 8080
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from allocine_sentiment.base import Predictor
from allocine_sentiment.contract import BATCH_HEADER, DEADLINE_HEADER, INTERACTIVE_SUFFIX, REQUEST_ID_HEADER
from allocine_sentiment.models.loading import load_predictor
from allocine_sentiment.serving.answers import (
    classify,
    description,
    expire_if_past,
    log_batch,
    response_body,
)
from allocine_sentiment.serving.request_parsing import DEFAULT_MAX_CHARS, ParsedRequest, parse_request
from allocine_sentiment.serving_profile import Lane, load_profile

logger = logging.getLogger("allocine_sentiment.serving.fastapi_server")
MAX_BODY_BYTES = 12 * 1024 * 1024  # as TorchServe's max_request_size


class MicroBatcher:
    """Requests of one lane, grouped: the first waits at most maxBatchDelayMs for others, up to batchSize."""

    def __init__(self, predictor: Predictor, lane: Lane) -> None:
        self.predictor, self.lane = predictor, lane
        self.queue: asyncio.Queue[tuple[ParsedRequest, str, asyncio.Future]] = asyncio.Queue()
        self.executor = ThreadPoolExecutor(max_workers=1)

    async def submit(self, request: ParsedRequest, request_id: str) -> tuple[list, int]:
        future = asyncio.get_running_loop().create_future()
        await self.queue.put((request, request_id, future))
        return await future

    async def run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            batch = [await self.queue.get()]
            deadline = loop.time() + self.lane.maxBatchDelayMs / 1000
            while len(batch) < self.lane.batchSize and (left := deadline - loop.time()) > 0:
                try:
                    batch.append(await asyncio.wait_for(self.queue.get(), left))
                except TimeoutError:
                    break
            requests = [request for request, _, _ in batch]
            try:
                answers = await loop.run_in_executor(self.executor, classify, self.predictor, requests)
            except Exception as error:  # never the review texts
                logger.error("batch failed: %s", type(error).__name__)
                for *_, future in batch:
                    future.set_exception(error)
                continue
            log_batch(answers, [request_id for _, request_id, _ in batch])
            for (_, _, future), (_, items) in zip(batch, answers, strict=True):
                future.set_result((items, len(batch)))


def create_app(model_dir: str, model_name: str = "allocine-sentiment", max_chars: int = DEFAULT_MAX_CHARS) -> FastAPI:
    profile = load_profile(model_dir)
    predictor = load_predictor(model_dir, threads=profile.bulk.threads, device="cpu")
    described = description(predictor, profile, "cpu")
    lanes = {
        model_name: MicroBatcher(predictor, profile.bulk),
        model_name + INTERACTIVE_SUFFIX: MicroBatcher(predictor, profile.interactive),
    }

    @asynccontextmanager
    async def lifespan(_: FastAPI):
        tasks = [asyncio.create_task(lane.run()) for lane in lanes.values()]
        yield
        for task in tasks:
            task.cancel()

    app = FastAPI(title="allocine-sentiment model server (FastAPI)", docs_url=None, redoc_url=None, lifespan=lifespan)

    @app.get("/ping")
    async def ping() -> dict:
        return {"status": "Healthy"}

    @app.post("/predictions/{name}")
    async def predict(name: str, request: Request) -> JSONResponse:
        if name not in lanes:
            return JSONResponse(
                {"code": 404, "type": "ModelNotFoundException", "message": f"Model not found: {name}"}, 404
            )
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return JSONResponse({"code": 413, "type": "RequestTooLarge", "message": "request body too large"}, 413)
        parsed = parse_request({"body": body}, max_chars)
        if parsed.describe:
            return JSONResponse(described)
        expire_if_past(parsed, request.headers.get(DEADLINE_HEADER))
        items, grouped = await lanes[name].submit(parsed, request.headers.get(REQUEST_ID_HEADER, ""))
        return JSONResponse(response_body(predictor, parsed, items, described), headers={BATCH_HEADER: str(grouped)})

    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-dir", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--max-chars", type=int, default=DEFAULT_MAX_CHARS)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    app = create_app(args.model_dir, max_chars=args.max_chars)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
