"""The embedded model served without PyTorch: NumPy's forward pass computes what the trained PyTorch module does."""

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from allocine_sentiment.models import ngram_model, ngram_weights
from allocine_sentiment.models.text import FeatureSpec

TEXTS = ["Un film magnifique, des acteurs bouleversants.", "", "Nul, ennuyeux, je me suis endormi.", "Bof."]


@pytest.mark.parametrize(("dim", "hidden"), [(2, 0), (8, 16)])
def test_numpy_logits_match_the_pytorch_module(tmp_path: Path, dim: int, hidden: int):
    torch.manual_seed(0)
    spec = FeatureSpec(buckets=4096, word_ngrams=2, char_min=2, char_max=4)
    model = ngram_model.NgramClassifier(spec.buckets, dim, hidden).eval()
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.normal_(0, 0.5)
    scale = np.random.default_rng(0).uniform(0.5, 2.0, spec.buckets).astype(np.float32)
    featuriser = ngram_weights.Featuriser(spec, scale)
    config = {"features": spec.__dict__, "architecture": {"dim": dim, "hidden": hidden}}
    ngram_model.save(tmp_path, model, featuriser, json.loads(json.dumps(config)))

    weights, loaded, _ = ngram_weights.load(tmp_path)
    served = weights.logits(loaded.rows(TEXTS))
    reloaded, trained_featuriser, _ = ngram_model.load(tmp_path)  # fp16 on disk, as served
    with torch.inference_mode():
        reference = reloaded(*ngram_model.pack(trained_featuriser.rows(TEXTS))).numpy()
    assert served.shape == (len(TEXTS), 2)
    np.testing.assert_allclose(served, reference, atol=1e-4)
    assert weights.linear is (hidden == 0)
    np.testing.assert_allclose(served[1], reference[1], atol=1e-6)  # an empty review: the bias (or the MLP of zeros)
