"""Why this label: each word's share in the decision — exact for the embedded model, by occlusion for others.

The embedded model is linear: logit(positive) − logit(negative) = bias + Σ_b w_b · (W[b, pos] − W[b, neg]) over
the hashed n-gram buckets b of the review, with w_b its tf-idf weight. Each bucket's term is split evenly between
the n-grams of the review that fell into it, and each n-gram's share between the words it covers: a word n-gram
between its words, a character n-gram between the occurrences of the word it was cut from. The words' weights
then add up, with the bias, to the model's logit difference exactly (before calibration, which only rescales it).
"""

from __future__ import annotations

import zlib
from collections import Counter, defaultdict

import numpy as np

from allocine_sentiment.models.text import FeatureSpec, normalise, tfidf_row, token_matches

UNIT = "logit difference (positive − negative), before calibration"


def _grams_with_owners(tokens: list[str], spec: FeatureSpec) -> list[tuple[str, list[int]]]:
    """The featuriser's n-grams, in its order, each with the token positions it belongs to."""
    grams: list[tuple[str, list[int]]] = []
    for n in range(1, spec.word_ngrams + 1):
        for i in range(len(tokens) - n + 1):
            grams.append(("w" + " ".join(tokens[i : i + n]), list(range(i, i + n))))
    occurrences: dict[str, list[int]] = defaultdict(list)
    for position, token in enumerate(tokens):
        occurrences[token].append(position)
    for token, positions in occurrences.items():  # insertion order = first occurrence, as ngram_strings
        padded = f" {token} "
        for n in range(spec.char_min, spec.char_max + 1):
            for i in range(len(padded) - n + 1):
                grams.append(("c" + padded[i : i + n], positions))
    return grams


def _spans(text: str, normalised: str) -> list[tuple[int, int]]:
    """Each token's (start, end) in the review as written; normalising rarely changes lengths, else search."""
    matches = token_matches(normalised)
    if len(normalised) == len(text):
        return [m.span() for m in matches]
    spans, cursor, lowered = [], 0, text.lower()
    for match in matches:
        start = lowered.find(match.group(), cursor)
        start = cursor if start < 0 else start
        spans.append((start, start + len(match.group())))
        cursor = spans[-1][1]
    return spans


def explain_linear(model, featuriser, text: str) -> dict:
    """Every word of ``text`` with its signed weight (positive pushes towards "positive"), and the bias."""
    spec: FeatureSpec = featuriser.spec
    normalised = normalise(text)
    tokens = [match.group() for match in token_matches(normalised)]
    grams = _grams_with_owners(tokens, spec)
    buckets = [zlib.crc32(gram.encode("utf-8")) % spec.buckets for gram, _ in grams]
    counts = Counter(buckets)
    ids, weights = tfidf_row(counts, featuriser.scale)
    table = model.table[ids].astype(np.float64)  # model: ngram_weights.NgramWeights
    bias = float(model.bias[1]) - float(model.bias[0])
    terms = weights.astype(np.float64) * (table[:, 1] - table[:, 0])
    per_bucket = dict(zip(ids.tolist(), terms.tolist(), strict=True))
    word_weights = np.zeros(len(tokens))
    for (_, owners), bucket in zip(grams, buckets, strict=True):
        share = per_bucket[bucket] / counts[bucket] / len(owners)
        for owner in owners:
            word_weights[owner] += share
    words = [
        {"text": text[start:end], "start": start, "end": end, "weight": round(float(weight), 6)}
        for (start, end), weight in zip(_spans(text, normalised), word_weights, strict=True)
    ]
    return {"method": "linear-exact", "unit": UNIT, "bias": round(bias, 6), "words": words}


OCCLUSION_BUDGET = 32  # texts through the model per explanation, besides the review itself


def explain_by_occlusion(predictor, text: str, budget: int = OCCLUSION_BUDGET) -> dict:
    """For models that are not linear (transformers): how much the decision drops when each word is taken out.

    Cost: at most ``budget`` extra texts through the model in one call. A longer review is cut into ``budget``
    runs of consecutive words, each taken out at once, and a run's drop is shared evenly by its words.
    """
    spans = _spans(text, normalise(text))
    if not spans:
        return {"method": "occlusion", "unit": "logit difference lost without the word", "bias": 0.0, "words": []}
    size = -(-len(spans) // budget)  # words per run, rounded up
    runs = [spans[i : i + size] for i in range(0, len(spans), size)]
    variants = [text[: run[0][0]] + " " + text[run[-1][1] :] for run in runs]
    logits = np.asarray(predictor.logits([text, *variants]), dtype=np.float64)
    difference = (logits[:, 1] - logits[:, 0]).tolist()
    words = []
    for run, without in zip(runs, difference[1:], strict=True):
        share = (difference[0] - without) / len(run)
        words += [{"text": text[s:e], "start": s, "end": e, "weight": round(share, 6)} for s, e in run]
    return {"method": "occlusion", "unit": "logit difference lost without the word", "bias": 0.0, "words": words}
