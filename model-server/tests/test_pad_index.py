"""The padding index: config.json checked against the tokenizer at install and at load (models/pad_index.py).

The TensorFlow-against-PyTorch-and-ONNX proof on a converted checkpoint is in model-server/convert/ (npm run
test:conversion); these are the rules, on the tiny random CamemBERT with the real tokenizer."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import numpy as np
import pytest

from allocine_sentiment.models.pad_index import (
    PadIndexMismatch,
    check_export,
    fix_config,
    mismatch,
    pad_for_torch,
    record_export,
    tokenizer_pad_id,
)
from allocine_sentiment.models.runtimes import TorchRuntime


@pytest.fixture
def wrong_pad(tmp_path: Path, tiny_camembert: Path) -> Path:
    """The tiny CamemBERT with config.json's pad_token_id 0, as philschmid/pt-tblard-tf-allocine's."""
    model = tmp_path / "model"
    shutil.copytree(tiny_camembert, model)
    config = json.loads((model / "config.json").read_text())
    (model / "config.json").write_text(json.dumps({**config, "pad_token_id": 0}))
    return model


def test_the_tokenizer_decides_the_padding_index(tiny_camembert: Path, wrong_pad: Path):
    assert tokenizer_pad_id(tiny_camembert) == 1  # camembert-base's <pad>
    assert mismatch(tiny_camembert) is None
    assert mismatch(wrong_pad) == (0, 1)


def test_install_corrects_config_json_with_a_warning(wrong_pad: Path, caplog):
    with caplog.at_level(logging.WARNING):
        assert fix_config(wrong_pad) == 1
    assert json.loads((wrong_pad / "config.json").read_text())["pad_token_id"] == 1
    assert "pad_token_id 0 but the tokenizer pads with 1" in caplog.text
    assert fix_config(wrong_pad) is None  # nothing left to correct


def test_at_load_pytorch_gets_the_tokenizers_index_and_the_same_logits(tiny_camembert: Path, wrong_pad: Path, caplog):
    ids = np.asarray([[5, 1000, 2000, 6, 1, 1], [5, 3000, 4000, 5000, 6000, 6]], dtype=np.int64)
    mask = (ids != 1).astype(np.int64)
    with caplog.at_level(logging.WARNING):
        assert pad_for_torch(wrong_pad) == {"pad_token_id": 1}
        loaded = TorchRuntime(wrong_pad).logits(ids, mask)
    assert "loading with 1" in caplog.text
    reference = TorchRuntime(tiny_camembert).logits(ids, mask)
    assert np.abs(loaded - reference).max() < 1e-6
    assert json.loads((wrong_pad / "config.json").read_text())["pad_token_id"] == 0  # the file is left as it is


def test_an_onnx_export_made_from_the_wrong_index_is_refused(tmp_path: Path, wrong_pad: Path):
    onnx = wrong_pad / "onnx"
    onnx.mkdir()
    (onnx / "model.fp32.onnx").write_bytes(b"")
    with pytest.raises(PadIndexMismatch, match="exported with pad_token_id 0 but the tokenizer pads with 1"):
        check_export(wrong_pad, onnx / "model.fp32.onnx")  # no record: made from config.json as it is
    record_export(onnx, 0)
    with pytest.raises(PadIndexMismatch):
        check_export(wrong_pad, onnx / "model.fp32.onnx")
    record_export(onnx, 1)  # exported after the correction: served
    check_export(wrong_pad, onnx / "model.fp32.onnx")


def test_models_that_do_not_number_positions_from_padding_are_left_alone(tmp_path: Path, tiny_camembert: Path):
    model = tmp_path / "bert"
    shutil.copytree(tiny_camembert, model)
    config = json.loads((model / "config.json").read_text())
    (model / "config.json").write_text(json.dumps({**config, "model_type": "bert", "pad_token_id": 0}))
    assert mismatch(model) is None and fix_config(model) is None and pad_for_torch(model) == {}
