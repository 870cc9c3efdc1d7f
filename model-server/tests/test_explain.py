"""Explanations of the embedded model: exact (the words' weights and the bias sum to the logit difference)."""

from __future__ import annotations

import pytest

from allocine_sentiment.models.loading import load_predictor
from allocine_sentiment.paths import EMBEDDED_MODEL_DIR


@pytest.fixture(scope="module")
def predictor():
    return load_predictor(EMBEDDED_MODEL_DIR)


@pytest.mark.parametrize(
    "text",
    [
        "Un film magnifique, des acteurs bouleversants.",
        "Nul, ennuyeux, je me suis endormi. Nul nul nul !",
        "J'ai ADORÉ ce chef-d’œuvre… mais la fin est ratée ?",
        "ﬁlm ﬁni : l'ennui total",  # NFKC changes the length ("ﬁ" → "fi"): spans are searched instead
    ],
)
def test_word_weights_add_up_to_the_models_decision(predictor, text):
    explanation = predictor.explain(text)
    logits = predictor.logits([text])[0]
    total = explanation["bias"] + sum(word["weight"] for word in explanation["words"])
    assert total == pytest.approx(float(logits[1] - logits[0]), abs=1e-4)
    for word in explanation["words"]:
        assert text[word["start"] : word["end"]].lower() == word["text"].lower()
    assert explanation["method"] == "linear-exact"


def test_the_words_that_carry_the_sentiment_weigh_the_most(predictor):
    words = predictor.explain("Un scénario nul mais des acteurs magnifiques.")["words"]
    by_text = {w["text"]: w["weight"] for w in words}
    assert by_text["magnifiques"] > 0 > by_text["nul"]
    assert max(words, key=lambda w: abs(w["weight"]))["text"] in ("nul", "magnifiques")
    assert [w["text"] for w in words] == ["Un", "scénario", "nul", "mais", "des", "acteurs", "magnifiques"]


def test_a_transformer_explains_by_occlusion_within_its_budget(tiny_camembert):
    camembert = load_predictor(tiny_camembert)
    calls = []
    real = camembert.logits
    camembert.logits = lambda texts: calls.append(len(texts)) or real(texts)
    text = " ".join(["Un film vraiment magnifique, des acteurs bouleversants."] * 10)  # 70 words
    explanation = camembert.explain(text)
    assert explanation["method"] == "occlusion"
    assert len(explanation["words"]) == 70
    assert len(calls) == 1 and calls[0] <= 1 + 32  # the review and at most 32 variants, in one call
    for word in explanation["words"]:
        assert text[word["start"] : word["end"]] == word["text"]
    short = camembert.explain("Nul.")
    assert [w["text"] for w in short["words"]] == ["Nul"]
