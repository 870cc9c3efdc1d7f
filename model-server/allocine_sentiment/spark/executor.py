"""What runs inside Spark's Python workers: one model per process, Arrow batches in, one result row per input row.

``score_partitions`` is handed to ``mapInPandas``. Spark keeps its Python workers alive between tasks
(``spark.python.worker.reuse``), and this module is imported once per worker, so ``_PREDICTORS`` loads the
model once per executor process however many batches and tasks it then sees. Rows are checked with the model
server's own rules (``check_text``) and classified with its own fallback (``predict_each``): a review gets
the same answer here as from the API.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from allocine_sentiment.base import Prediction, Predictor
from allocine_sentiment.models.loading import load_predictor
from allocine_sentiment.serving.request_parsing import ItemError, check_text
from allocine_sentiment.serving.scoring import predict_each

# The columns ``score_partitions`` yields, in order (CSV-friendly: no nested types).
RESULT_SCHEMA = (
    "position long, id string, label string, score double, probability_negative double, "
    "probability_positive double, uncertain boolean, truncated boolean, model string, version string, "
    "error string, error_message string"
)
LINE_SHOWN = 80  # characters of a malformed line quoted in its error, so a person can find it


def malformed(line: str) -> ItemError:
    """A line Spark could not parse: it has no id to give back, so its beginning is quoted instead."""
    shown = line[:LINE_SHOWN] + ("…" if len(line) > LINE_SHOWN else "")
    return ItemError("malformed_row", f"the input line could not be parsed as a row: {shown!r}")


MARKER_FILES = ("embedded_model.json", "config.json")
_PREDICTORS: dict[str, Predictor] = {}


@dataclass(frozen=True)
class ScoringOptions:
    model_name: str  # the shipped model's name in SparkFiles (a directory or an unpacked archive)
    max_chars: int
    threads: int  # torch threads per Python worker: Spark runs one worker per core it was given


def holds_model(path: Path) -> bool:
    return any((path / marker).is_file() for marker in MARKER_FILES)


def find_model_dir(root: Path) -> Path:
    """The model directory itself, or the one directory inside an unpacked archive that holds a model."""
    if holds_model(root):
        return root
    inside = [child for child in root.iterdir() if child.is_dir() and holds_model(child)]
    if len(inside) != 1:
        raise FileNotFoundError(f"{root}: no model (embedded_model.json or config.json) found in it")
    return inside[0]


def predictor_for(options: ScoringOptions, loads=None) -> Predictor:
    """The process's model, loaded on first use; ``loads`` (a Spark accumulator) counts the loads."""
    if options.model_name not in _PREDICTORS:
        import torch
        from pyspark import SparkFiles

        torch.set_num_threads(options.threads)
        model_dir = find_model_dir(Path(SparkFiles.get(options.model_name)))
        _PREDICTORS[options.model_name] = load_predictor(model_dir, threads=options.threads)
        if loads is not None:
            loads.add(1)
    return _PREDICTORS[options.model_name]


def checked_items(frame: pd.DataFrame, max_chars: int) -> list[str | ItemError]:
    """Per row: its text, or why it cannot be classified (malformed line, empty, too long...)."""
    corrupt = frame["corrupt"] if "corrupt" in frame else pd.Series([None] * len(frame), index=frame.index)
    items: list[str | ItemError] = []
    for text, bad in zip(frame["text"], corrupt, strict=True):
        if isinstance(bad, str):
            items.append(malformed(bad))
        else:  # a missing or null text is an empty review, as the API treats an empty CSV cell
            items.append(check_text(text if isinstance(text, str) else "", max_chars))
    return items


def score_frame(frame: pd.DataFrame, predictor: Predictor, max_chars: int) -> pd.DataFrame:
    items = checked_items(frame, max_chars)
    predictions = iter(predict_each(predictor, [item for item in items if isinstance(item, str)]))
    answers = [item if isinstance(item, ItemError) else next(predictions) for item in items]
    ok = [isinstance(answer, Prediction) for answer in answers]

    def column(read, dtype: str):
        return pd.array([read(answer) if good else None for answer, good in zip(answers, ok, strict=True)], dtype=dtype)

    return pd.DataFrame(
        {
            "position": frame["position"].to_numpy(),
            "id": frame["id"].astype("string").to_numpy(dtype=object, na_value=None),
            "label": column(lambda p: p.label, "string"),
            "score": column(lambda p: p.score, "Float64"),
            "probability_negative": column(lambda p: p.probabilities["negative"], "Float64"),
            "probability_positive": column(lambda p: p.probabilities["positive"], "Float64"),
            "uncertain": column(lambda p: p.uncertain, "boolean"),
            "truncated": column(lambda p: p.truncated, "boolean"),
            "model": predictor.name,
            "version": predictor.version,
            "error": [None if good else answer.code for answer, good in zip(answers, ok, strict=True)],
            "error_message": [None if good else answer.message for answer, good in zip(answers, ok, strict=True)],
        }
    )


def score_partitions(options: ScoringOptions, loads=None, batches=None):
    """The ``mapInPandas`` function: each Arrow batch of (position, id, text[, corrupt]) → result rows."""

    def run(frames: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        predictor = predictor_for(options, loads)
        for frame in frames:
            if batches is not None:
                batches.add(1)
            yield score_frame(frame, predictor, options.max_chars)

    return run
