"""The padding index a RoBERTa-style checkpoint numbers its positions from, checked against its tokenizer.

PyTorch's ``CamembertEmbeddings`` take the padding index from ``config.pad_token_id`` and number positions from
it, while TensorFlow's hard-code 1 (CamemBERT's ``<pad>``). A checkpoint converted from TensorFlow with
``"pad_token_id": 0`` in its ``config.json`` (philschmid/pt-tblard-tf-allocine's) therefore sees every position
shifted by one in PyTorch and in an ONNX export made from it: its accuracy quietly falls below the card's. The
tokenizer is the truth: it is what pads the batches.

- At install (``model:fetch-camembert``, ``model:accelerate``): ``config.json`` is corrected on disk, with a
  warning, before anything is exported.
- At load: PyTorch gets the tokenizer's index (a warning says so); an ONNX export made from a wrong
  ``config.json`` has the shifted positions in its graph, so it is refused (re-run ``model:accelerate``).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

logger = logging.getLogger(__name__)

# Models that number positions from the padding index (RoBERTa's scheme).
POSITIONS_FROM_PADDING = {"camembert", "roberta", "xlm-roberta"}
PAD_TOKENS = ("<pad>", "[PAD]")
# Written beside an ONNX export: the padding index its graph numbers positions from.
EXPORT_RECORD = "export.json"


class PadIndexMismatch(RuntimeError):
    """A model whose padding index disagrees with its tokenizer's where it cannot be corrected safely."""


def tokenizer_pad_id(model_dir: Path) -> int | None:
    """The id the tokenizer pads with: its padding setting, else its ``pad_token``, else ``<pad>``."""
    path = Path(model_dir) / "tokenizer.json"
    if not path.is_file():
        return None
    raw = json.loads(path.read_text(encoding="utf-8"))
    padding = raw.get("padding") or {}
    if isinstance(padding.get("pad_id"), int) and padding.get("pad_token"):
        return int(padding["pad_id"])
    names = [_configured_pad_token(Path(model_dir)), *PAD_TOKENS]
    added = {token["content"]: token["id"] for token in raw.get("added_tokens", [])}
    vocab = (raw.get("model") or {}).get("vocab")
    for name in filter(None, names):
        if name in added:
            return int(added[name])
        if isinstance(vocab, dict) and name in vocab:
            return int(vocab[name])
        if isinstance(vocab, list):  # Unigram (CamemBERT's): [token, score] pairs, the id is the place
            for index, (token, _) in enumerate(vocab):
                if token == name:
                    return index
    return None


def _configured_pad_token(model_dir: Path) -> str | None:
    config = model_dir / "tokenizer_config.json"
    if not config.is_file():
        return None
    token = json.loads(config.read_text(encoding="utf-8")).get("pad_token")
    return token.get("content") if isinstance(token, dict) else token


def mismatch(model_dir: Path) -> tuple[int | None, int] | None:
    """``(config's pad_token_id, tokenizer's)`` when they differ on a model that numbers positions from it."""
    config = json.loads((Path(model_dir) / "config.json").read_text(encoding="utf-8"))
    if config.get("model_type") not in POSITIONS_FROM_PADDING:
        return None
    pad = tokenizer_pad_id(model_dir)
    if pad is None or config.get("pad_token_id") == pad:
        return None
    return config.get("pad_token_id"), pad


def fix_config(model_dir: Path) -> int | None:
    """At install: ``config.json``'s ``pad_token_id`` set to the tokenizer's, with a warning; the index used."""
    found = mismatch(model_dir)
    if found is None:
        return None
    wrong, pad = found
    path = Path(model_dir) / "config.json"
    config = json.loads(path.read_text(encoding="utf-8"))
    config["pad_token_id"] = pad
    path.write_text(json.dumps(config, indent=2) + "\n", encoding="utf-8")
    logger.warning(
        "%s: config.json had pad_token_id %s but the tokenizer pads with %s: corrected (positions are numbered "
        "from the padding index; the wrong one shifts every position by one)",
        model_dir,
        wrong,
        pad,
    )
    return pad


def pad_for_torch(model_dir: Path) -> dict:
    """At load, for PyTorch: ``from_pretrained`` overrides that give it the tokenizer's index (warned)."""
    found = mismatch(model_dir)
    if found is None:
        return {}
    wrong, pad = found
    logger.warning(
        "%s: config.json says pad_token_id %s, the tokenizer pads with %s: loading with %s "
        "(run model:accelerate or model:fetch-camembert to correct the file)",
        model_dir,
        wrong,
        pad,
        pad,
    )
    return {"pad_token_id": pad}


def record_export(export_dir: Path, pad_token_id: int | None) -> None:
    """Beside an export (ONNX, or OpenVINO converted from it): the padding index its graph was made with."""
    (Path(export_dir) / EXPORT_RECORD).write_text(json.dumps({"pad_token_id": pad_token_id}) + "\n", encoding="utf-8")


def check_export(model_dir: Path, onnx_path: Path) -> None:
    """At load: refuse an export (ONNX, OpenVINO) whose positions were numbered from another index than the
    tokenizer's."""
    config = json.loads((Path(model_dir) / "config.json").read_text(encoding="utf-8"))
    pad = tokenizer_pad_id(model_dir)
    if config.get("model_type") not in POSITIONS_FROM_PADDING or pad is None:
        return
    record = Path(onnx_path).parent / EXPORT_RECORD
    # An export from before the record was made from config.json as it is.
    recorded = json.loads(record.read_text(encoding="utf-8")) if record.is_file() else config
    exported = recorded.get("pad_token_id")
    if exported != pad:
        raise PadIndexMismatch(
            f"{onnx_path}: exported with pad_token_id {exported} but the tokenizer pads with {pad}: every position "
            "in the graph is shifted; re-export it (npm run model:accelerate)"
        )
