"""TF-IDF (word + character n-grams) + logistic regression: the baseline every model must beat."""

from __future__ import annotations

from collections.abc import Sequence

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline, make_union

from allocine_sentiment.models.text import normalise


def train_baseline(texts: Sequence[str], labels: Sequence[int], c: float = 10.0, seed: int = 13):
    """Fit the scikit-learn pipeline; ``predict_proba(texts)[:, 1]`` gives P(positive)."""
    features = make_union(
        TfidfVectorizer(preprocessor=normalise, ngram_range=(1, 2), sublinear_tf=True, min_df=1),
        TfidfVectorizer(preprocessor=normalise, analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2),
    )
    model = make_pipeline(features, LogisticRegression(C=c, max_iter=2000, random_state=seed))
    return model.fit(list(texts), list(labels))
