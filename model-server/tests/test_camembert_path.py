"""The Hugging Face path, proven offline on a tiny randomly initialised CamemBERT and the real tokenizer."""

import json
from pathlib import Path

import pytest
import torch
from conftest import TINY_POSITIONS, make_context
from tokenizers import Tokenizer

from allocine_sentiment.models.hf_model import HuggingFacePredictor, max_tokens
from allocine_sentiment.models.loading import load_predictor
from allocine_sentiment.serving.handler import SentimentHandler

POSITIONS = TINY_POSITIONS


def test_loads_from_a_local_directory_without_network(tiny_camembert: Path, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    predictor = load_predictor(tiny_camembert)
    assert isinstance(predictor, HuggingFacePredictor)
    assert predictor.max_length == POSITIONS - 2 == max_tokens(predictor.runtime.model.config)


def test_reads_a_long_review_whole_in_overlapping_windows(tiny_camembert: Path):
    predictor = HuggingFacePredictor(tiny_camembert)
    long_text = " ".join(f"Le plan {i} est magnifique." for i in range(40))
    windows = predictor.windows(["Bien.", long_text])[1]
    assert len(windows) > 1 and all(len(w) <= POSITIONS - 2 for w in windows)
    assert all(w[0] == 5 and w[-1] == 6 for w in windows)  # each window is framed by <s> … </s>
    # Consecutive windows share the overlap, and together they hold every token of the text.
    stride = (POSITIONS - 2) // 4
    for before, after in zip(windows, windows[1:], strict=False):
        assert before[1:-1][-stride:] == after[1 : 1 + stride]
    content = [t for w in windows[:1] for t in w[1:-1]] + [t for w in windows[1:] for t in w[1 + stride : -1]]
    whole = Tokenizer.from_file(str(tiny_camembert / "tokenizer.json")).encode(long_text).ids
    assert content == whole[1:-1]

    [short, long] = predictor.predict(["Bien.", long_text])
    assert short.truncated is False and long.truncated is False
    ids, mask = (torch.from_numpy(array) for array in predictor.pad(windows))
    with torch.inference_mode():
        logits = predictor.runtime.model(input_ids=ids, attention_mask=mask).logits
    weights = mask.sum(1, keepdim=True).float()
    expected = torch.softmax((logits * weights).sum(0) / weights.sum() / predictor.temperature, -1)
    assert long.probabilities["positive"] == pytest.approx(float(expected[1]), abs=1e-5)


def test_pads_to_the_longest_text_in_the_batch_not_to_max_length(tiny_camembert: Path):
    predictor = HuggingFacePredictor(tiny_camembert)
    ids, mask = predictor.pad([w[0] for w in predictor.windows(["Bien.", "Un film magnifique."])])
    longest = int(mask.sum(axis=1).max())
    assert ids.shape[1] == longest < POSITIONS - 2
    assert mask[0].sum() < mask[1].sum()
    assert (ids[0][mask[0] == 0] == 1).all()  # <pad> is id 1 in CamemBERT's vocabulary


def test_one_result_per_input_in_order_independent_of_batching(tiny_camembert: Path):
    # Lengths vary so that length-sorted batching really reorders the texts internally.
    # Some are long enough to need several windows.
    texts = [
        f"Critique {i} : " + ("vraiment " * (i % 7) * (1 + i % 3 * 4)) + ("excellent" if i % 2 else "nul")
        for i in range(37)
    ]
    batched = HuggingFacePredictor(tiny_camembert, token_budget=64).predict(texts)
    single = HuggingFacePredictor(tiny_camembert, token_budget=32)
    alone = [single.predict([t])[0] for t in texts]
    assert len(batched) == 37
    for a, b in zip(batched, alone, strict=True):
        assert a.probabilities["positive"] == pytest.approx(b.probabilities["positive"], abs=1e-5)
        assert a.truncated is b.truncated is False


def test_served_through_the_same_handler(tiny_camembert: Path):
    (tiny_camembert / "calibration.json").write_text(json.dumps({"name": "tiny-camembert", "version": "test"}))
    handler = SentimentHandler()
    handler.initialize(make_context(tiny_camembert))
    answers = handler.handle(
        [{"body": ["Bien.", "", "Très " * 100]}, {"body": "Mauvais."}], make_context(tiny_camembert, 2)
    )
    out = [json.loads(answer) for answer in answers]
    assert len(out[0]) == 3 and out[1]["model"] == "tiny-camembert"
    assert out[0][1]["error"]["code"] == "empty_text"
    assert out[0][2]["truncated"] is False and out[0][0]["truncated"] is False  # the long one read in windows
    assert out[0][0]["label"] in ("positive", "negative")
