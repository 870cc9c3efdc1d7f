"""Classifying a batch so that one bad review never costs the others their answer.

Shared by the TorchServe handler and the Spark job, so both answer a review the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from allocine_sentiment.base import Prediction, Predictor
from allocine_sentiment.serving.request_parsing import ItemError

logger = logging.getLogger(__name__)
MODEL_FAILED = ItemError("model_error", "the model could not classify this review")


def predict_each(predictor: Predictor, texts: Sequence[str]) -> list[Prediction | ItemError]:
    """The batch at once; if it raises, each review alone, so only the one at fault gets an error."""
    try:
        return list(predictor.predict(texts))
    except Exception:
        logger.exception("a batch of %d reviews failed; retrying them one by one", len(texts))
    answers: list[Prediction | ItemError] = []
    for text in texts:
        try:
            answers.extend(predictor.predict([text]))
        except Exception as error:  # the review's text is never logged
            logger.error("one review failed on its own: %s", type(error).__name__)
            answers.append(MODEL_FAILED)
    return answers
