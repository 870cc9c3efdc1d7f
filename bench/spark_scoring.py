"""Spark bulk scoring against the same model in one Python process, side by side in one run.

    npm run bench:spark -- --json OUT [--rows 1000000] [--camembert-rows 300] [--master local[2]]

Builds a JSON Lines file of ``--rows`` reviews drawn (with replacement, seeded) from the real Allociné train
reviews, then scores it twice with the embedded model, writing Parquet both times:
  (a) one Python process: read the lines, classify in batches with the same scoring code, write Parquet;
  (b) ``npm run score:spark`` in ``--master local[2]`` (two Python workers, one torch thread each).
Then the same on the first ``--camembert-rows`` rows with camembert-base-random (created if absent), whose
cost per review is CamemBERT's. Both wall times count everything (start-up, reading, writing); for Spark the
scoring stage alone is reported too. Labels of (a) and (b) are compared row by row.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "model-server"))

import allocine_sentiment.paths as paths  # noqa: E402
from allocine_sentiment.models.loading import load_predictor  # noqa: E402
from allocine_sentiment.spark.executor import score_frame  # noqa: E402
from allocine_sentiment.spark.score import DEFAULT_MAX_CHARS  # noqa: E402
from allocine_sentiment.tools.random_camembert import TINY_SHAPE, build  # noqa: E402

EMBEDDED_MODEL_DIR, MODEL_SERVER_DIR = paths.EMBEDDED_MODEL_DIR, paths.MODEL_SERVER_DIR

RANDOM_CAMEMBERT = MODEL_SERVER_DIR / "model" / "camembert-base-random"
BATCH = 4096


def make_corpus(path: Path, rows: int, seed: int = 7) -> float:
    """``rows`` real reviews drawn with replacement; returns their mean length in characters."""
    source = paths.shared_data_dir() / "allocine" / "train.jsonl"
    reviews = [json.loads(line)["review"] for line in source.open(encoding="utf-8")]
    draw = random.Random(seed)
    total = 0
    with path.open("w", encoding="utf-8") as out:
        for number in range(1, rows + 1):
            text = draw.choice(reviews)
            total += len(text)
            out.write(
                json.dumps({"id": f"r{number}", "text": text}, ensure_ascii=False)
                + "\n"
            )
    return total / rows


def head(path: Path, rows: int, target: Path) -> None:
    with (
        path.open(encoding="utf-8") as source,
        target.open("w", encoding="utf-8") as out,
    ):
        for _, line in zip(range(rows), source, strict=False):
            out.write(line)


def single_process(path: Path, out: Path, model_dir: Path) -> dict:
    """The model in this process, as a script without Spark would run it; everything timed."""
    started = time.perf_counter()
    predictor = load_predictor(model_dir)
    writer, position = None, 0

    def flush(batch: list[dict]) -> None:
        nonlocal writer, position
        frame = pd.DataFrame(batch)
        frame.insert(0, "position", range(position, position + len(frame)))
        frame["corrupt"] = None
        table = pa.Table.from_pandas(
            score_frame(frame, predictor, DEFAULT_MAX_CHARS), preserve_index=False
        )
        writer = writer or pq.ParquetWriter(out, table.schema)
        writer.write_table(table)
        position += len(frame)

    batch: list[dict] = []
    with path.open(encoding="utf-8") as source:
        for line in source:
            batch.append(json.loads(line))
            if len(batch) == BATCH:
                flush(batch)
                batch = []
        if batch:
            flush(batch)
    if writer:
        writer.close()
    seconds = time.perf_counter() - started
    rows = position
    return {
        "rows": rows,
        "seconds": round(seconds, 2),
        "rowsPerSecond": round(rows / seconds, 1),
    }


def spark(path: Path, out: Path, model_dir: Path, master: str) -> dict:
    summary_file = out.with_suffix(".summary.json")
    command = [
        sys.executable,
        "-m",
        "allocine_sentiment.spark.score",
        "--input",
        str(path),
        "--output",
        str(out),
    ]
    command += [
        "--model",
        str(model_dir),
        "--master",
        master,
        "--overwrite",
        "--summary-json",
        str(summary_file),
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "model-server")}
    started = time.perf_counter()
    subprocess.run(command, env=env, check=True, stderr=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    summary = json.loads(summary_file.read_text(encoding="utf-8"))
    return {
        "rows": summary["rows"],
        "seconds": round(seconds, 2),
        "rowsPerSecond": round(summary["rows"] / seconds, 1),
        "scoringStageSeconds": summary["seconds"],
        "scoringStageRowsPerSecond": summary["rowsPerSecond"],
        "modelLoads": summary["modelLoads"],
        "errors": summary["errors"],
    }


def labels_agree(single: Path, spark_out: Path) -> bool:
    left = pd.read_parquet(single, columns=["id", "label"])
    right = pd.read_parquet(spark_out, columns=["id", "label"])
    return (
        left["id"].tolist() == right["id"].tolist()
        and left["label"].tolist() == right["label"].tolist()
    )


def side_by_side(
    path: Path, work: Path, model_dir: Path, master: str, name: str
) -> dict:
    print(f"==> {name}: one Python process", flush=True)
    single = single_process(path, work / f"{name}-single.parquet", model_dir)
    print(f"    {single}\n==> {name}: Spark {master}", flush=True)
    on_spark = spark(path, work / f"{name}-spark", model_dir, master)
    print(f"    {on_spark}", flush=True)
    return {
        "model": str(
            model_dir.relative_to(ROOT) if model_dir.is_relative_to(ROOT) else model_dir
        ),
        "singleProcess": single,
        "spark": on_spark,
        "speedup": round(on_spark["rowsPerSecond"] / single["rowsPerSecond"], 2),
        "speedupScoringStage": round(
            on_spark["scoringStageRowsPerSecond"] / single["rowsPerSecond"], 2
        ),
        "labelsAgree": labels_agree(
            work / f"{name}-single.parquet", work / f"{name}-spark"
        ),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="bench:spark", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--json", type=Path, required=True)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--camembert-rows", type=int, default=300)
    parser.add_argument("--master", default="local[2]")
    parser.add_argument(
        "--work", type=Path, help="scratch directory (default: a temporary one)"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="2,000 rows, and 16 on a tiny random CamemBERT: proves the command runs (npm test)",
    )
    args = parser.parse_args(argv)
    camembert = RANDOM_CAMEMBERT
    if args.quick:
        args.rows, args.camembert_rows = min(args.rows, 2_000), min(args.camembert_rows, 16)
        camembert = Path(tempfile.mkdtemp(prefix="bench-tiny-camembert-")) / "model"
        build(camembert, paths.shared_data_dir() / "tokenizers" / "camembert-base", **TINY_SHAPE)
    elif not RANDOM_CAMEMBERT.is_dir():
        subprocess.run(
            [sys.executable, "-m", "allocine_sentiment.tools.random_camembert"], check=True
        )
    with tempfile.TemporaryDirectory(prefix="bench-spark-", dir=args.work) as scratch:
        work = Path(scratch)
        corpus = work / "reviews.jsonl"
        mean_chars = make_corpus(corpus, args.rows)
        head(corpus, args.camembert_rows, work / "sample.jsonl")
        result = {
            "command": "npm run bench:spark -- "
            + " ".join(argv if argv is not None else sys.argv[1:]),
            "cpu": f"{platform.processor() or platform.machine()} ({os.cpu_count()} cores)",
            "data": f"{args.rows} reviews drawn from Allociné train.jsonl (mean {mean_chars:.0f} chars), JSON Lines",
            "embedded": side_by_side(
                corpus, work, EMBEDDED_MODEL_DIR, args.master, "embedded"
            ),
            "camembertRandom": side_by_side(
                work / "sample.jsonl", work, camembert, args.master, "camembert"
            ),
        }
    if args.quick:
        shutil.rmtree(camembert.parent, ignore_errors=True)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
