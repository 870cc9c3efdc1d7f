"""CamemBERT-size serving, measured side by side in one run: naive, in process, TorchServe, API, latency.

    npm run bench:transformer -- --json OUT [--model DIR] [--reviews 240] [--naive-sample 100]
    npm run bench:transformer -- --quick --json OUT    every stage on a tiny random CamemBERT, a few reviews
                                                       (seconds; npm test runs it so the command cannot rot)

Default model: model-server/model/camembert-base-random (created if absent: camembert-base's exact shape,
random weights, the real tokenizer; its cost per review is CamemBERT's). On Allociné validation reviews:
  (a) naive: one review per forward pass, padded to 512 tokens, fp32 (how a simple Flask app serves it);
  (b) the served predictor in process (token-budget batches, the profile's acceleration and bulk threads);
  (c) through TorchServe (the bulk lane, chunks as the backend sends them);
  (d) end to end: one batch job through the API (Redis, BullMQ workers, TorchServe);
  (e) single-review latency through the API, idle and while a 2,000-review job runs.
Everything it starts listens on 127.0.0.1 on ports of its own and is stopped at the end: TorchServe, the API,
and a Redis of its own (redis-server, as `npm start` installs it) unless --redis-url names one.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "model-server"))

from allocine_sentiment.models.hf_model import HuggingFacePredictor  # noqa: E402
from allocine_sentiment.paths import shared_data_dir  # noqa: E402
from allocine_sentiment.serving_profile import load_profile  # noqa: E402
from allocine_sentiment.tools.random_camembert import DEFAULT_OUT, TINY_SHAPE, build  # noqa: E402
from allocine_sentiment.training.labelled_files import load_labelled  # noqa: E402

TS_PORTS = {"inference": 18280, "management": 18281, "metrics": 18282}
# TorchServe also opens gRPC ports (7070/7071 by default): ports of its own, so it runs beside `npm start`.
TS_GRPC = {"TS_GRPC_INFERENCE_PORT": "18283", "TS_GRPC_MANAGEMENT_PORT": "18284"}
API_PORT = 13380
REDIS_PORT = 13379
SCRIPTS = ROOT / "model-server" / "scripts"


def cpu_name() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return f"{line.split(':', 1)[1].strip()} ({os.cpu_count()} cores)"
    return f"{platform.processor()} ({os.cpu_count()} cores)"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


def naive_rps(model_dir: Path, texts: list[str]) -> float:
    """(a) One review per forward pass, padded to 512, fp32, default threads."""
    from transformers import AutoModelForSequenceClassification, PreTrainedTokenizerFast

    tokenizer = PreTrainedTokenizerFast(tokenizer_file=str(model_dir / "tokenizer.json"), pad_token="<pad>")
    model = AutoModelForSequenceClassification.from_pretrained(model_dir, local_files_only=True).eval()
    torch.set_num_threads(os.cpu_count() or 1)
    started = time.perf_counter()
    with torch.inference_mode():
        for text in texts:
            encoded = tokenizer(
                text,
                padding="max_length",
                truncation=True,
                max_length=512,
                return_tensors="pt",
            )
            model(**encoded).logits.softmax(-1)
    return len(texts) / (time.perf_counter() - started)


def served_rps(model_dir: Path, texts: list[str], chunk: int) -> float:
    """(b) The predictor TorchServe's bulk worker runs, in this process, chunk by chunk."""
    predictor = HuggingFacePredictor(model_dir)
    predictor.predict(texts[:4])
    started = time.perf_counter()
    for i in range(0, len(texts), chunk):
        predictor.predict(texts[i : i + chunk])
    return len(texts) / (time.perf_counter() - started)


class RssSampler(threading.Thread):
    """Peak resident memory of TorchServe (the JVM and every worker), sampled every 200 ms."""

    def __init__(self, pid_file: Path) -> None:
        super().__init__(daemon=True)
        self.pid_file, self.peak_mb, self.stopped = pid_file, 0.0, threading.Event()

    def tree_rss_mb(self) -> float:
        """The JVM and its descendants (workers are started from several JVM threads, so walk /proc by ppid)."""
        root = int(self.pid_file.read_text().strip())
        parents, rss = {}, {}
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
                status = (entry / "status").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
            rss[int(entry.name)] = next(
                (int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")),
                0,
            )
        tree, grew = {root}, True
        while grew:
            before = len(tree)
            tree |= {pid for pid, parent in parents.items() if parent in tree}
            grew = len(tree) > before
        return sum(rss.get(pid, 0) for pid in tree) / 1024

    def run(self) -> None:
        while not self.stopped.wait(0.2):
            try:
                self.peak_mb = max(self.peak_mb, self.tree_rss_mb())
            except (OSError, ValueError):
                pass


def torchserve_rps(texts: list[str], chunk: int, concurrency: int) -> float:
    """(c) Chunks posted to the bulk lane with the profile's concurrency, as the backend's workers do."""
    url = f"http://127.0.0.1:{TS_PORTS['inference']}/predictions/allocine-sentiment"
    chunks = [texts[i : i + chunk] for i in range(0, len(texts), chunk)]
    requests.post(url, json=texts[:2], timeout=300).raise_for_status()
    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        answers = list(pool.map(lambda c: requests.post(url, json=c, timeout=600), chunks))
    seconds = time.perf_counter() - started
    assert all(a.status_code == 200 and len(a.json()) == len(c) for a, c in zip(answers, chunks, strict=True))
    return len(texts) / seconds


def run_job(api: str, texts: list[str]) -> tuple[str, float]:
    started = time.perf_counter()
    created = requests.post(f"{api}/jobs", json={"reviews": [{"text": t} for t in texts]}, timeout=60)
    created.raise_for_status()
    return created.json()["id"], started


def wait_job(api: str, job_id: str, started: float, limit_s: float = 1800) -> tuple[dict, float]:
    while time.perf_counter() - started < limit_s:
        status = requests.get(f"{api}/jobs/{job_id}", timeout=30).json()
        if status["state"] not in ("queued", "running"):
            return status, time.perf_counter() - started
        time.sleep(0.2)
    raise TimeoutError(f"job {job_id} did not finish in {limit_s}s")


def single_latencies(api: str, texts: list[str]) -> list[float]:
    latencies = []
    for text in texts:
        started = time.perf_counter()
        answer = requests.post(f"{api}/predictions", json={"text": text}, timeout=60)
        latencies.append((time.perf_counter() - started) * 1000)
        answer.raise_for_status()
    return latencies


def start_redis(work: Path) -> tuple[subprocess.Popen, str]:
    """A throwaway redis-server on REDIS_PORT (no persistence): the queue of (d) and (e)."""
    if not shutil.which("redis-server"):
        raise RuntimeError("redis-server not found: run npm start once (it installs Redis) or pass --redis-url")
    process = subprocess.Popen(
        ["redis-server", "--bind", "127.0.0.1", "--port", str(REDIS_PORT), "--save", "", "--dir", str(work)],
        stdout=(work / "redis.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    for _ in range(50):
        probe = subprocess.run(["redis-cli", "-p", str(REDIS_PORT), "ping"], capture_output=True, text=True)
        if probe.stdout.strip() == "PONG":
            return process, f"redis://127.0.0.1:{REDIS_PORT}"
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"redis-server did not answer on {REDIS_PORT}; see {work / 'redis.log'}")


def start_api(env: dict, log: Path) -> subprocess.Popen:
    if not (ROOT / "dist/backend/backend/src/main.js").is_file():
        subprocess.run(["npx", "tsc", "-p", "backend/tsconfig.app.json"], cwd=ROOT, check=True)
    process = subprocess.Popen(
        ["node", "dist/backend/backend/src/main.js"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    for _ in range(120):
        try:
            if requests.get(f"http://127.0.0.1:{API_PORT}/api/v1/model", timeout=5).status_code == 200:
                return process
        except requests.RequestException:
            pass
        time.sleep(0.5)
    process.kill()
    raise RuntimeError(f"the API did not come up; see {log}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, required=True, help="where to write the results")
    parser.add_argument("--model", type=Path, default=None, help=f"default: {DEFAULT_OUT}")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a tiny random CamemBERT (2 layers, hidden 32, the real tokenizer), a few reviews: every stage runs",
    )
    parser.add_argument("--data", type=Path, default=shared_data_dir() / "allocine" / "validation.jsonl")
    parser.add_argument("--reviews", type=int, default=240, help="reviews for (b), (c) and (d)")
    parser.add_argument("--naive-sample", type=int, default=100)
    parser.add_argument(
        "--singles",
        type=int,
        default=40,
        help="single predictions per latency measurement",
    )
    parser.add_argument("--redis-url", default=None, help="a Redis to use (default: one of its own on 127.0.0.1:13379)")
    args = parser.parse_args()
    if args.quick:
        args.reviews = min(args.reviews, 16)
        args.naive_sample, args.singles = min(args.naive_sample, 4), min(args.singles, 4)
    tiny_model = args.model is None and args.quick
    if tiny_model:
        args.model = Path(tempfile.mkdtemp(prefix="bench-tiny-camembert-")) / "model"
        build(args.model, shared_data_dir() / "tokenizers" / "camembert-base", **TINY_SHAPE)
    args.model = args.model or DEFAULT_OUT

    if not (args.model / "config.json").is_file():
        print(f"==> {args.model} is missing: creating it (npm run model:random-camembert)")
        subprocess.run(
            [
                sys.executable,
                "-m",
                "allocine_sentiment.tools.random_camembert",
                "--out",
                str(args.model),
            ],
            cwd=ROOT / "model-server",
            check=True,
        )
    profile = load_profile(args.model)
    texts = load_labelled(args.data).texts
    reviews = texts[: args.reviews]
    result: dict = {
        "quick": args.quick,
        "model": str(args.model),
        "data": f"{args.data.name}, first {len(reviews)} reviews (mean {statistics.mean(map(len, reviews)):.0f} chars)",
        "cpu": cpu_name(),
        "gpu": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
        "acceleration": profile.acceleration,
        "profile": profile.to_dict(),
    }
    print("==> (a) naive", flush=True)
    result["naive_rps"] = round(naive_rps(args.model, texts[: args.naive_sample]), 2)
    print("==> (b) served predictor in process", flush=True)
    result["served_rps"] = round(served_rps(args.model, reviews, profile.chunkSize), 2)

    work = Path(tempfile.mkdtemp(prefix="bench-transformer-"))
    ts_env = {
        **os.environ,
        "TMPDIR": str(work),
        "MODEL_STORE": str(work / "store"),
        "LOG_LOCATION": str(work / "logs"),
        "METRICS_LOCATION": str(work / "logs"),
        **{f"TS_{name.upper()}_ADDRESS": f"http://127.0.0.1:{port}" for name, port in TS_PORTS.items()},
    }
    api_process = redis_process = None
    sampler = RssSampler(work / ".model_server.pid")
    try:
        if not args.redis_url:
            redis_process, args.redis_url = start_redis(work)
        print("==> (c) TorchServe: packaging and starting", flush=True)
        subprocess.run(
            ["bash", str(SCRIPTS / "build-mar.sh"), str(args.model)],
            env=ts_env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        subprocess.run(["bash", str(SCRIPTS / "start.sh")], env=ts_env, check=True)
        sampler.start()
        result["torchserve_rps"] = round(torchserve_rps(reviews, profile.chunkSize, profile.chunkConcurrency), 2)

        print("==> (d) end to end through the API", flush=True)
        api_env = {
            **os.environ,
            "PORT": str(API_PORT),
            "HOST": "127.0.0.1",
            "NODE_ENV": "production",
            # Production refuses an API without keys unless asked by name; this one listens on 127.0.0.1 only.
            "ALLOW_ANONYMOUS": "true",
            "REDIS_URL": args.redis_url,
            "QUEUE_PREFIX": f"bench-{os.getpid()}",
            "MODEL_SERVER_URL": f"http://127.0.0.1:{TS_PORTS['inference']}",
            "RATE_LIMIT_PER_MINUTE": "1000000",
            "MAX_QUEUE_DEPTH": "100000",
        }
        api_process = start_api(api_env, work / "api.log")
        api = f"http://127.0.0.1:{API_PORT}/api/v1"
        job_id, started = run_job(api, reviews)
        status, seconds = wait_job(api, job_id, started)
        result["e2e_rps"] = round(len(reviews) / seconds, 2)
        result["e2e_job"] = {"state": status["state"], **status["progress"]}

        print(
            f"==> (e) single-review latency, idle then under a {200 if args.quick else 2000}-review job",
            flush=True,
        )
        singles = texts[-args.singles :]
        single_latencies(api, singles[:3])  # warm-up
        idle = single_latencies(api, singles)
        load = (texts * 5)[: 200 if args.quick else 2000]
        job_id, started = run_job(api, load)
        time.sleep(3)  # chunks in flight at the model server
        busy = single_latencies(api, singles)
        during = requests.get(f"{api}/jobs/{job_id}", timeout=30).json()
        requests.delete(f"{api}/jobs/{job_id}", timeout=30)
        result.update(
            {
                "single_p50_ms": round(percentile(idle, 50), 1),
                "single_p95_ms": round(percentile(idle, 95), 1),
                "single_p50_under_load_ms": round(percentile(busy, 50), 1),
                "single_p95_under_load_ms": round(percentile(busy, 95), 1),
                "load_job_progress_while_measuring": during["progress"],
            }
        )
        metrics = requests.get(f"http://127.0.0.1:{API_PORT}/metrics", timeout=30).text
        result["retries"] = sum(
            float(line.rsplit(" ", 1)[1]) for line in metrics.splitlines() if line.startswith("allocine_retries_total{")
        )
    finally:
        sampler.stopped.set()
        if api_process:
            api_process.send_signal(signal.SIGTERM)
            api_process.wait(timeout=60)
        if redis_process:
            redis_process.terminate()
            redis_process.wait(timeout=30)
        subprocess.run(["bash", str(SCRIPTS / "stop.sh")], env=ts_env, stdout=subprocess.DEVNULL)
    result["model_server_peak_rss_mb"] = round(sampler.peak_mb)
    served, naive = result["served_rps"], result["naive_rps"]
    result["aims"] = {
        "served_vs_naive (>= 5)": round(served / naive, 2),
        "torchserve_vs_served (>= 0.85)": round(result["torchserve_rps"] / served, 2),
        "e2e_vs_torchserve (>= 0.8)": round(result["e2e_rps"] / result["torchserve_rps"], 2),
        "p95_under_load_vs_idle (<= 2)": round(result["single_p95_under_load_ms"] / result["single_p95_ms"], 2),
        "peak_rss_mb (<= 1024)": result["model_server_peak_rss_mb"],
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    shutil.rmtree(work, ignore_errors=True)
    if tiny_model:
        shutil.rmtree(args.model.parent, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
