"""The original app's client code path, as its Streamlit page and scripts used the Flask API: the same requests,
the same fields read. Run against `COMPAT_API=true npm start` by scripts/compat.test.mjs; standard library only.

    python scripts/compat/original_client.py http://127.0.0.1:3000
"""

import json
import sys
import urllib.error
import urllib.request

API = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:3000"


def call(method, path, body=None):
    data = None if body is None else json.dumps(body).encode("utf-8")
    request = urllib.request.Request(API + path, data=data, method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def main():
    status, health = call("GET", "/health")
    assert status == 200 and health["status"] == "healthy" and health["model_loaded"] is True, health

    status, info = call("GET", "/model_info")
    assert status == 200, info
    print(f"Modèle : {info['model_name']} ({info['model_version']}), lots de {info['max_batch_size']} au plus")
    assert info["labels"] == {"0": "NEGATIF", "1": "POSITIF"} and info["max_batch_size"] == 20, info

    # The Streamlit page: one review, its sentiment, confidence and both probabilities.
    status, result = call("POST", "/predict", {"text": "Un chef-d'œuvre, bouleversant du début à la fin."})
    assert status == 200, result
    print(f"{result['sentiment']} ({result['confidence']:.0%}) en {result['processing_time_ms']} ms")
    assert result["sentiment"] == "POSITIF" and result["label"] == 1, result
    assert abs(result["probabilities"]["POSITIF"] + result["probabilities"]["NEGATIF"] - 1) < 1e-3, result
    assert result["confidence"] == result["probabilities"]["POSITIF"], result
    assert result["text"] == "Un chef-d'œuvre, bouleversant du début à la fin."

    status, result = call("POST", "/predict", {"text": "Un navet ennuyeux, mal joué, à fuir."})
    assert status == 200 and result["sentiment"] == "NEGATIF" and result["label"] == 0, result

    # The batch tab: up to 20 texts, results in order and a summary.
    texts = ["Magnifique, je recommande.", "Nul, une perte de temps.", "Très beau film, acteurs excellents."]
    status, batch = call("POST", "/predict_batch", {"texts": texts})
    assert status == 200, batch
    assert [r["text"] for r in batch["results"]] == texts, batch
    assert [r["sentiment"] for r in batch["results"]] == ["POSITIF", "NEGATIF", "POSITIF"], batch
    summary = batch["summary"]
    assert (summary["total"], summary["positive"], summary["negative"]) == (3, 2, 1), summary

    # Its error handling: a 400 whose "error" says what is wrong.
    status, refused = call("POST", "/predict_batch", {"texts": ["Bien."] * 21})
    assert status == 400 and refused["error"] == "at most 20 texts per request", refused
    status, refused = call("POST", "/predict", {"text": "   "})
    assert status == 400 and refused["error"] == "text is empty", refused
    print("client d'origine : OK")


if __name__ == "__main__":
    main()
