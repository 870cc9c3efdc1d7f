"""Reading reviews into Spark and writing results out, for ``spark_score``.

Every input becomes the same four columns before scoring: ``position`` (input order), ``id``, ``text`` and
``corrupt`` (the raw line when Spark could not parse it, else null). A malformed line is a row with an error,
never a failed job.
"""

from __future__ import annotations

import json
from pathlib import Path

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import StringType, StructField, StructType

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".json": "jsonl", ".ndjson": "jsonl", ".parquet": "parquet"}
CORRUPT = "_corrupt_record"
# The API's defaults for a CSV upload (backend/src/jobs/csv.ts): the first one present is the text.
TEXT_COLUMNS = ("text", "review", "texte", "avis", "critique")


class InputError(ValueError):
    """An input that cannot be scored at all (not a bad row: those get an error column)."""


def _format_of(name: str) -> str | None:
    """``reviews.csv.gz`` → csv, ``part-0.snappy.parquet`` → parquet: the last known extension wins."""
    for extension in reversed(name.lower().split(".")[1:]):
        if f".{extension}" in FORMATS:
            return FORMATS[f".{extension}"]
    return None


def detect_format(path: str, given: str | None) -> str:
    if given:
        return given
    names = [Path(path).name]
    if Path(path).is_dir():  # a directory Spark wrote: look at its part files
        names = [p.name for p in Path(path).iterdir() if not p.name.startswith(("_", "."))]
    for name in names:
        if fmt := _format_of(name):
            return fmt
    raise InputError(f"{path}: cannot tell the format from the name; pass --input-format csv, jsonl or parquet")


def _columns_of_jsonl(spark: SparkSession, path: str) -> list[str]:
    """Field names from the first lines (reading the whole file to infer a schema would cost a full pass)."""
    names: list[str] = []
    for row in spark.read.text(path).limit(50).collect():
        try:
            record = json.loads(row.value)
        except ValueError:
            continue
        if isinstance(record, dict):
            names += [name for name in record if name not in names]
    return names


def read_raw(spark: SparkSession, path: str, fmt: str, delimiter: str, encoding: str) -> DataFrame:
    """All columns as read, plus ``_corrupt_record`` for text formats."""
    if fmt == "parquet":
        return spark.read.parquet(path)
    if fmt == "csv":
        # multiLine: a quoted review may hold line breaks; the scoring stage is repartitioned anyway.
        options = {"header": True, "multiLine": True, "escape": '"', "sep": delimiter, "encoding": encoding}
        header = spark.read.options(**options).csv(path).columns
        schema = StructType([StructField(name, StringType()) for name in header] + [StructField(CORRUPT, StringType())])
        permissive = spark.read.options(**options, mode="PERMISSIVE", columnNameOfCorruptRecord=CORRUPT)
        return permissive.schema(schema).csv(path)
    names = _columns_of_jsonl(spark, path)
    schema = StructType([StructField(name, StringType()) for name in names] + [StructField(CORRUPT, StringType())])
    return spark.read.options(mode="PERMISSIVE", columnNameOfCorruptRecord=CORRUPT).schema(schema).json(path)


def _row_numbers(frame: DataFrame) -> DataFrame:
    """``id`` = the row's 1-based number in the input (files by name, then lines), as the API numbers CSV rows
    without an id column.

    Spark packs files into partitions by size, not by name, so one counting pass over (file, partition) groups
    gives each group its first number; within a group, positions are consecutive. No shuffle.
    """
    keyed = frame.withColumn("file", F.input_file_name()).withColumn("part", F.spark_partition_id())
    groups = keyed.groupBy("file", "part").agg(F.count("*").alias("rows"), F.min("position").alias("first"))
    shift, total = [], 0
    for group in sorted(groups.collect(), key=lambda g: (g["file"], g["first"])):
        shift += [F.lit(f"{group['file']}#{group['part']}"), F.lit(total + 1 - group["first"])]
        total += group["rows"]
    if not shift:
        return frame
    offset = F.create_map(*shift)[F.concat_ws("#", F.input_file_name(), F.spark_partition_id())]
    return frame.withColumn("id", (F.col("position") + offset).cast("string"))


def reviews(raw: DataFrame, text_column: str | None, id_column: str | None) -> DataFrame:
    """(position, id, text, corrupt), in input order."""
    columns = [c for c in raw.columns if c != CORRUPT]
    text_column = text_column or next((name for name in TEXT_COLUMNS if name in columns), None)
    if text_column not in columns:
        wanted = text_column or '" or "'.join(TEXT_COLUMNS)
        found = ", ".join(columns) or "none"
        raise InputError(f'no text column "{wanted}"; columns found: {found} (use --text-column)')
    if id_column and id_column not in columns:
        raise InputError(f'no id column "{id_column}"; columns found: {", ".join(columns)} (use --id-column)')
    if not isinstance(raw.schema[text_column].dataType, StringType):
        raise InputError(f'text column "{text_column}" holds {raw.schema[text_column].dataType.simpleString()}')
    corrupt = F.col(CORRUPT) if CORRUPT in raw.columns else F.lit(None).cast("string")
    frame = raw.select(
        F.monotonically_increasing_id().alias("position"),
        (F.col(id_column).cast("string") if id_column else F.lit(None).cast("string")).alias("id"),
        F.col(text_column).alias("text"),
        corrupt.alias("corrupt"),
    )
    return frame if id_column else _row_numbers(frame)


def spread(frame: DataFrame, parallelism: int) -> DataFrame:
    """Enough partitions for every core, keeping input order (contiguous ranges of positions, sorted)."""
    if frame.rdd.getNumPartitions() >= parallelism:
        return frame
    return frame.repartitionByRange(parallelism, "position").sortWithinPartitions("position")


def shaped_for(scored: DataFrame, fmt: str) -> DataFrame:
    """Parquet keeps ``probabilities`` as a struct, like the API's JSON; CSV gets two flat columns."""
    if fmt == "csv":
        return scored.drop("position")
    probabilities = F.struct(
        F.col("probability_negative").alias("negative"), F.col("probability_positive").alias("positive")
    )
    return scored.select(
        "id",
        "label",
        "score",
        F.when(F.col("error").isNull(), probabilities).alias("probabilities"),
        "uncertain",
        "truncated",
        "model",
        "version",
        "error",
        "error_message",
    )


def write(frame: DataFrame, path: str, fmt: str, overwrite: bool) -> None:
    writer = frame.write.mode("overwrite" if overwrite else "errorifexists")
    if fmt == "csv":
        writer.option("header", True).option("escape", '"').csv(path)
    else:
        writer.parquet(path)


def read_written(spark: SparkSession, path: str, fmt: str) -> DataFrame:
    if fmt == "csv":
        return spark.read.options(header=True, multiLine=True, escape='"').csv(path)
    return spark.read.parquet(path)
