"""Score the Kafka review stream on Spark Structured Streaming with the model the server uses.

``npm run stream:spark -- --topic allocine.reviews.v1 (--output PATH | --output-topic T) --checkpoint DIR
[--brokers 127.0.0.1:9092] [--model DIR] [--max-offsets 10000] [--trigger-seconds 5] [--once]``

Reads the topic with Spark's Kafka source (fetched once with Maven: ``streaming/spark/fetch.sh``), scores each
micro-batch with the same package, checks and model as ``score:spark`` and the API, and writes one row per
message: topic, partition, offset, id, label, score, probabilities, uncertain, truncated, model, version, and
``error`` / ``error_message`` for a message that cannot be classified (not JSON, no text, too long...).

With ``--output``: Parquet, **exactly once** per message: Spark's file sink records each micro-batch's files in
``PATH/_spark_metadata`` together with the offsets in the checkpoint, so a job killed and started again with the
same ``--checkpoint`` neither loses nor repeats a message. Read the output with Spark (``spark.read.parquet``),
which follows that log; a plain Parquet reader may also see the part files of a batch that was cut short.
With ``--output-topic``: JSON sentiments keyed by review id, at least once (Spark's Kafka sink).
"""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from allocine_sentiment.paths import EMBEDDED_MODEL_DIR, MODEL_SERVER_DIR
from allocine_sentiment.serving_profile import ProfileError
from allocine_sentiment.spark.executor import ScoringOptions, predictor_for, score_frame

FETCH_JARS = MODEL_SERVER_DIR.parent / "streaming" / "spark" / "fetch.sh"
SHIPPED_MODEL = "allocine-model"
DEFAULT_MAX_CHARS = 5_000
# One row per message; the message's place instead of score:spark's position.
STREAM_SCHEMA = (
    "topic string, partition int, offset long, id string, label string, score double, probability_negative double, "
    "probability_positive double, uncertain boolean, truncated boolean, model string, version string, "
    "error string, error_message string"
)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="stream:spark", description=__doc__.splitlines()[0])
    parser.add_argument("--topic", default="allocine.reviews.v1", help="the review topic to read")
    parser.add_argument("--brokers", default="127.0.0.1:9092", help="Kafka bootstrap servers (host:port,...)")
    sink = parser.add_mutually_exclusive_group(required=True)
    sink.add_argument("--output", help="Parquet directory (exactly once with --checkpoint)")
    sink.add_argument("--output-topic", help="Kafka topic for the sentiments (at least once)")
    parser.add_argument("--checkpoint", required=True, help="where Spark keeps the offsets and the sink's state")
    parser.add_argument("--model", default=str(EMBEDDED_MODEL_DIR), help="model directory (default: embedded)")
    parser.add_argument("--master", help="default: spark-submit's --master, else local[*]")
    parser.add_argument("--max-offsets", type=int, default=10_000, help="messages per micro-batch at most")
    parser.add_argument("--trigger-seconds", type=float, default=5.0, help="how often a micro-batch starts")
    parser.add_argument("--once", action="store_true", help="score what the topic holds now, then stop")
    parser.add_argument("--starting-offsets", default="earliest", help="a new checkpoint's start: earliest|latest")
    parser.add_argument("--max-chars", type=int, default=DEFAULT_MAX_CHARS, help="longer reviews get text_too_long")
    parser.add_argument("--batch-size", type=int, default=4096, help="rows per Arrow batch handed to the model")
    parser.add_argument("--threads", type=int, default=1, help="torch threads per executor core")
    return parser.parse_args(argv)


def kafka_jars() -> str:
    """Spark's Kafka connector, fetched once with Maven (pinned to pyspark's version): spark.jars."""
    fetched = subprocess.run(["bash", str(FETCH_JARS)], check=False, capture_output=True, text=True)
    if fetched.returncode != 0:
        raise FileNotFoundError(f"could not fetch Spark's Kafka connector ({FETCH_JARS}): {fetched.stderr.strip()}")
    return fetched.stdout.strip()


def score_messages(options: ScoringOptions):
    """The ``mapInPandas`` function: each Arrow batch of messages (topic, partition, offset, id, text, corrupt)
    → one result row per message, scored with score:spark's checks and model."""

    def run(frames: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        predictor = predictor_for(options)
        for frame in frames:
            scored = score_frame(frame.assign(position=frame["offset"]), predictor, options.max_chars)
            scored = scored.drop(columns=["position"])
            yield pd.concat([frame[["topic", "partition", "offset"]].reset_index(drop=True), scored], axis=1)

    return run


def messages(spark, args: argparse.Namespace):
    """The topic as a stream of (topic, partition, offset, id, text, corrupt): ``corrupt`` holds a message that
    is not a JSON object, so it is answered with ``malformed_row`` instead of stopping the stream."""
    from pyspark.sql import functions as F

    raw = (
        spark.readStream.format("kafka")
        .option("kafka.bootstrap.servers", args.brokers)
        .option("subscribe", args.topic)
        .option("startingOffsets", args.starting_offsets)
        .option("maxOffsetsPerTrigger", str(args.max_offsets))
        .load()
    )
    value = F.col("value").cast("string")
    parsed = F.from_json(value, "id string, text string", {"mode": "PERMISSIVE"})
    return raw.select(
        "topic",
        "partition",
        "offset",
        parsed.getField("id").alias("id"),
        parsed.getField("text").alias("text"),
        F.when(parsed.isNull() | ~F.trim(value).startswith("{"), value).alias("corrupt"),
    )


def start(spark, args: argparse.Namespace, workdir: Path):
    from pyspark.sql import functions as F

    from allocine_sentiment.spark.score import model_archive, package_zip

    context = spark.sparkContext
    context.addPyFile(str(package_zip(workdir)))
    context.addArchive(f"{model_archive(args.model, workdir)}#{SHIPPED_MODEL}")
    options = ScoringOptions(SHIPPED_MODEL, args.max_chars, args.threads)
    scored = messages(spark, args).mapInPandas(score_messages(options), STREAM_SCHEMA)
    if args.output:
        writer = scored.writeStream.format("parquet").option("path", args.output)
    else:
        payload = F.to_json(F.struct(*[column for column in scored.columns]))
        writer = (
            scored.select(F.col("id").alias("key"), payload.alias("value"))
            .writeStream.format("kafka")
            .option("kafka.bootstrap.servers", args.brokers)
            .option("topic", args.output_topic)
        )
    writer = writer.option("checkpointLocation", args.checkpoint).outputMode("append")
    trigger = {"availableNow": True} if args.once else {"processingTime": f"{args.trigger_seconds} seconds"}
    return writer.trigger(**trigger).queryName("allocine-stream").start()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from pyspark.errors import AnalysisException, StreamingQueryException

    from allocine_sentiment.spark.score import session

    try:
        jars = kafka_jars()
    except FileNotFoundError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    spark = session(argparse.Namespace(master=args.master, batch_size=args.batch_size), extra={"spark.jars": jars})
    with tempfile.TemporaryDirectory(prefix="allocine-spark-stream-") as workdir:
        try:
            query = start(spark, args, Path(workdir))
        except (FileNotFoundError, ProfileError, AnalysisException) as error:
            print(f"error: {str(error).splitlines()[0]}", file=sys.stderr)
            return 2
        sink = args.output or f"topic {args.output_topic}"
        print(f"scoring {args.topic} ({args.brokers}) into {sink}, checkpoint {args.checkpoint}", flush=True)
        # Ctrl+C or SIGTERM: the batch in hand is finished or dropped whole (the checkpoint decides), never half.
        signal.signal(signal.SIGTERM, lambda *_: query.stop())
        try:
            query.awaitTermination()
        except KeyboardInterrupt:
            query.stop()
        except StreamingQueryException as error:
            print(f"error: the stream stopped: {str(error).splitlines()[0]}", file=sys.stderr)
            return 1
        progress = query.lastProgress or {}
        print(f"stopped after batch {progress.get('batchId', '-')}", flush=True)
    spark.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
