"""Score millions of reviews on Apache Spark with the model the server uses.

``npm run score:spark -- --input PATH --output PATH [--text-column text] [--id-column id] [--model DIR]
[--master local[*]]``

Reads CSV, JSON Lines or Parquet; writes Parquet (or CSV with ``--output-format csv``), one row per input
row, in input order: id, label, score, probabilities, uncertain, truncated, model, version, and ``error`` /
``error_message`` for rows that cannot be classified (empty, too long, no text, malformed line). The same
command runs on a cluster (``--master spark://…``, or through ``spark-submit``): the package and the model
travel to the executors as Spark files, and each executor process loads the model once.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tarfile
import tempfile
import time
import zipfile
from pathlib import Path

from allocine_sentiment.contract import CONTRACT_FILE, contract_path
from allocine_sentiment.paths import EMBEDDED_MODEL_DIR, MODEL_SERVER_DIR
from allocine_sentiment.serving_profile import ProfileError, load_profile, served_files
from allocine_sentiment.spark.executor import RESULT_SCHEMA, ScoringOptions, holds_model, score_partitions

# The API's own default limit (MAX_TEXT_CHARS), so a review gets the same answer here as there.
DEFAULT_MAX_CHARS = 5_000
SHIPPED_MODEL = "allocine-model"
ARCHIVES = (".tar", ".tar.gz", ".tgz", ".zip")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="score:spark", description=__doc__.splitlines()[0])
    parser.add_argument("--input", required=True, help="CSV, JSON Lines or Parquet file or directory (any Spark path)")
    parser.add_argument("--output", required=True, help="directory to write (Spark writes part files into it)")
    parser.add_argument("--text-column", help="default: the first of text, review, texte, avis, critique (as the API)")
    parser.add_argument("--id-column", help="default: 'id' when the input has it, else the 1-based row number")
    parser.add_argument(
        "--model", default=str(EMBEDDED_MODEL_DIR), help="model directory or archive (default: the embedded model)"
    )
    parser.add_argument("--master", help="default: spark-submit's --master, else local[*]")
    parser.add_argument("--input-format", choices=("csv", "jsonl", "parquet"), help="default: from the file name")
    parser.add_argument("--output-format", choices=("parquet", "csv"), default="parquet")
    parser.add_argument("--delimiter", default=",", help="CSV input delimiter")
    parser.add_argument("--encoding", default="UTF-8", help="CSV input encoding (for example windows-1252)")
    parser.add_argument("--max-chars", type=int, default=DEFAULT_MAX_CHARS, help="longer reviews get text_too_long")
    parser.add_argument("--batch-size", type=int, default=4096, help="rows per Arrow batch handed to the model")
    parser.add_argument("--threads", type=int, default=1, help="torch threads per executor core")
    parser.add_argument("--overwrite", action="store_true", help="replace --output if it exists")
    parser.add_argument("--summary-json", type=Path, help="also write the summary as JSON to this file")
    return parser.parse_args(argv)


def package_zip(workdir: Path) -> Path:
    """The package, for executors that do not have the repository (``addPyFile``): every module, and the
    contract file that ``contract.py`` reads beside itself."""
    target = workdir / "allocine_sentiment.zip"
    package = MODEL_SERVER_DIR / "allocine_sentiment"
    with zipfile.ZipFile(target, "w") as archive:
        for module in sorted(package.rglob("*.py")):
            archive.write(module, f"allocine_sentiment/{module.relative_to(package).as_posix()}")
        archive.write(contract_path(), f"allocine_sentiment/{CONTRACT_FILE}")
    return target


def model_archive(model: str, workdir: Path) -> str:
    """What ``addArchive`` ships: the given archive or URI as is, a local directory packed as a tar."""
    if "://" in model or model.endswith(ARCHIVES):
        return model
    directory = Path(model)
    if not directory.is_dir() or not holds_model(directory):
        raise FileNotFoundError(f"{model}: not a model directory (no embedded_model.json or config.json)")
    target = workdir / "model.tar"  # uncompressed: packing CamemBERT's weights should not cost minutes
    with tarfile.open(target, "w") as archive:
        # What the TorchServe archive holds too; relative names only: Spark refuses to unpack a "./" entry.
        for name in served_files(directory, load_profile(directory)):
            archive.add(directory / name, arcname=name)
    return str(target)


def session(args: argparse.Namespace, extra: dict[str, str] | None = None):
    """The Spark session; ``extra`` settings (stream:spark's ``spark.jars``) are set before it starts."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("allocine-sentiment score:spark")
    if args.master:
        builder = builder.master(args.master)
    # Without --master: spark-submit's master when it launched us (it sets the gateway port), else local[*].
    submitted = "PYSPARK_GATEWAY_PORT" in os.environ
    if (args.master or ("" if submitted else "local")).startswith("local"):
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # this venv, with torch, for local workers
    spark = (
        builder.config("spark.ui.showConsoleProgress", "true")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", str(args.batch_size))
        .config("spark.python.worker.reuse", "true")
        .config("spark.sql.csv.parser.columnPruning.enabled", "false")  # malformed rows judged on all columns
        .config(map=extra or {})
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("WARN")
    return spark


def summarise(counts: list, seconds: float, loads: int, model: tuple[str, str]) -> dict:
    by_label: dict[str, int] = {}
    by_error: dict[str, int] = {}
    for label, error, count in counts:
        if error:
            by_error[error] = by_error.get(error, 0) + count
        else:
            by_label[label] = by_label.get(label, 0) + count
    rows = sum(by_label.values()) + sum(by_error.values())
    return {
        "rows": rows,
        "seconds": round(seconds, 3),
        "rowsPerSecond": round(rows / seconds, 1) if seconds else None,
        "labels": dict(sorted(by_label.items())),
        "errors": dict(sorted(by_error.items())),
        "model": model[0],
        "version": model[1],
        "modelLoads": loads,
    }


def summary_line(summary: dict) -> str:
    labels = ", ".join(f"{k} {v}" for k, v in summary["labels"].items()) or "none"
    errors = ", ".join(f"{k} {v}" for k, v in summary["errors"].items()) or "none"
    return (
        f"scored {summary['rows']} rows in {summary['seconds']:.1f} s ({summary['rowsPerSecond']} rows/s) with "
        f"{summary['model']} {summary['version']} (loaded {summary['modelLoads']}x) — "
        f"labels: {labels}; errors: {errors}"
    )


def run(args: argparse.Namespace) -> dict:
    from pyspark.sql import functions as F

    from allocine_sentiment.spark import io as spark_io

    spark = session(args)
    with tempfile.TemporaryDirectory(prefix="allocine-spark-") as workdir:
        context = spark.sparkContext
        context.addPyFile(str(package_zip(Path(workdir))))
        context.addArchive(f"{model_archive(args.model, Path(workdir))}#{SHIPPED_MODEL}")
        fmt = spark_io.detect_format(args.input, args.input_format)
        raw = spark_io.read_raw(spark, args.input, fmt, args.delimiter, args.encoding)
        id_column = args.id_column or ("id" if "id" in raw.columns else None)
        frame = spark_io.spread(spark_io.reviews(raw, args.text_column, id_column), context.defaultParallelism)
        loads, batches = context.accumulator(0), context.accumulator(0)
        options = ScoringOptions(SHIPPED_MODEL, args.max_chars, args.threads)
        scored = frame.mapInPandas(score_partitions(options, loads, batches), RESULT_SCHEMA)
        started = time.perf_counter()
        spark_io.write(spark_io.shaped_for(scored, args.output_format), args.output, args.output_format, args.overwrite)
        seconds = time.perf_counter() - started
    written = spark_io.read_written(spark, args.output, args.output_format)
    counts = [tuple(r) for r in written.groupBy("label", "error").count().collect()]
    model = written.where(F.col("model").isNotNull()).select("model", "version").first()
    summary = summarise(counts, seconds, loads.value, (model[0], model[1]) if model else ("?", "?"))
    summary["batches"] = batches.value
    return summary


def explain(error: Exception, args: argparse.Namespace) -> str:
    """Spark's analysis errors, in a sentence a person can act on."""
    condition = getattr(error, "getCondition", lambda: None)() or ""
    if condition == "PATH_ALREADY_EXISTS":
        return f"{args.output} already exists; pass --overwrite to replace it"
    if condition == "PATH_NOT_FOUND":
        return f"{args.input}: no such file or directory"
    return str(error).splitlines()[0]


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from pyspark.errors import AnalysisException

    from allocine_sentiment.spark.io import InputError

    try:
        summary = run(args)
    except (InputError, FileNotFoundError, ProfileError, AnalysisException) as error:
        print(f"error: {explain(error, args)}", file=sys.stderr)
        return 2
    print(summary_line(summary), flush=True)
    if args.summary_json:
        args.summary_json.parent.mkdir(parents=True, exist_ok=True)
        args.summary_json.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
