"""Tuning a transformer's CPU serving, side by side in one run: the token budget of a forward pass, and how the
cores are shared (one worker with every thread, or one worker per core), for each acceleration asked.

    npm run bench:transformer-tuning -- --json OUT [--model DIR] [--accelerations onnx-int8,openvino-int8]
        [--budgets 512,1024,2048,4096] [--layouts 1x2,2x1] [--reviews 128]
    npm run bench:transformer-tuning -- --quick --json OUT    a tiny random CamemBERT, a few reviews (npm test)

A layout WxT is W worker processes of T threads each, started together on the same reviews, as TorchServe's bulk
lane runs them: their reviews per second add up. Each reports its peak resident memory (VmHWM); a layout's
memory is the sum, to compare with the model server's 1 GB aim. The exports must exist (npm run
model:accelerate); an acceleration whose export is missing is reported as such.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "model-server"))

from allocine_sentiment.paths import shared_data_dir  # noqa: E402
from allocine_sentiment.serving_profile import export_file  # noqa: E402
from allocine_sentiment.tools.random_camembert import DEFAULT_OUT, TINY_SHAPE, build  # noqa: E402

# One worker: loads, warms up, says "ready", waits for "go" on stdin, classifies, prints its figures as JSON.
WORKER = """
import json, sys, time
from allocine_sentiment.models.hf_model import HuggingFacePredictor
from allocine_sentiment.tools.accelerate import peak_rss_mb
model, acceleration, budget, threads, data, count = sys.argv[1:7]
texts = [json.loads(line)["review"] for line in open(data, encoding="utf-8")][: int(count)]
predictor = HuggingFacePredictor(model, acceleration=acceleration, threads=int(threads), token_budget=int(budget))
predictor.logits(texts[:2])
print("ready", flush=True)
sys.stdin.readline()
started = time.perf_counter()
predictor.logits(texts)
seconds = time.perf_counter() - started
runtime = predictor.runtime.description
print(json.dumps({"reviews_per_s": len(texts) / seconds, "peak_rss_mb": peak_rss_mb(), "runtime": runtime}))
"""


def run_layout(model: Path, acceleration: str, budget: int, workers: int, threads: int, data: Path, count: int) -> dict:
    """``workers`` processes of ``threads`` threads, released together; their rates summed, their peaks summed."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "model-server")}
    command = [sys.executable, "-c", WORKER, str(model), acceleration, str(budget), str(threads), str(data), str(count)]
    processes = [
        subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
        for _ in range(workers)
    ]
    for process in processes:
        line = process.stdout.readline()
        if line.strip() != "ready":
            raise RuntimeError(f"a worker for {acceleration} failed to start: {line!r}")
    for process in processes:
        process.stdin.write("go\n")
        process.stdin.flush()
    figures = [json.loads(process.communicate()[0].strip().splitlines()[-1]) for process in processes]
    return {
        "acceleration": acceleration,
        "runtime": figures[0]["runtime"],
        "token_budget": budget,
        "layout": f"{workers}x{threads}",
        "reviews_per_s": round(sum(f["reviews_per_s"] for f in figures), 2),
        "peak_rss_mb": round(sum(f["peak_rss_mb"] for f in figures)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, required=True)
    parser.add_argument("--model", type=Path, default=None, help=f"default: {DEFAULT_OUT}")
    parser.add_argument("--accelerations", default="onnx-int8,onnx-static-int8,openvino-int8")
    parser.add_argument("--budgets", default="512,1024,2048,4096")
    parser.add_argument("--layouts", default="1x2,2x1")
    parser.add_argument("--reviews", type=int, default=128)
    parser.add_argument("--data", type=Path, default=shared_data_dir() / "allocine" / "validation.jsonl")
    parser.add_argument("--quick", action="store_true", help="a tiny random CamemBERT in fp32, a few reviews")
    args = parser.parse_args()
    if args.quick:
        args.model = Path(tempfile.mkdtemp(prefix="bench-tiny-camembert-")) / "model"
        build(args.model, shared_data_dir() / "tokenizers" / "camembert-base", **TINY_SHAPE)
        args.accelerations, args.budgets, args.layouts, args.reviews = "torch-fp32", "256,512", "1x1,2x1", 8
    model = args.model or DEFAULT_OUT
    rows = []
    for acceleration in args.accelerations.split(","):
        export = export_file(acceleration)
        if export and not (model / export).is_file():
            rows.append({"acceleration": acceleration, "missing": f"{export} (npm run model:accelerate)"})
            print(json.dumps(rows[-1]))
            continue
        for budget in map(int, args.budgets.split(",")):
            for layout in args.layouts.split(","):
                workers, threads = map(int, layout.split("x"))
                rows.append(run_layout(model, acceleration, budget, workers, threads, args.data, args.reviews))
                print(json.dumps(rows[-1]), flush=True)
    result = {
        "command": "npm run bench:transformer-tuning -- " + " ".join(sys.argv[1:]),
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "model": str(model),
        "reviews": f"{args.reviews} of {args.data.name}",
        "rows": rows,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
