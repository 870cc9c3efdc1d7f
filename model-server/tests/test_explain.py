"""Explanations of the embedded model: exact (the words' weights and the bias sum to the logit difference)."""

from __future__ import annotations

import pytest

from allocine_sentiment.paths import EMBEDDED_MODEL_DIR
from allocine_sentiment.predictor import load_predictor


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
