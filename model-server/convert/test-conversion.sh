#!/usr/bin/env bash
# Offline test of the TensorFlow → PyTorch conversion that model:fetch-camembert runs for tblard/tf-allocine:
# a tiny random TensorFlow CamemBERT is made in the conversion environment, converted by convert.sh, then
# loaded by the serving environment (transformers 5), whose logits must equal TensorFlow's.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VENV="${CONVERT_VENV:-$ROOT/.venv-convert}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
bash "$HERE/convert.sh" --install-only
"$VENV/bin/python" "$HERE/make_tiny_tf.py" "$WORK/model"
bash "$HERE/convert.sh" "$WORK/model"
"$ROOT/.venv/bin/python" - "$WORK/model" <<'PY'
import json, sys
from pathlib import Path
import torch
from transformers import AutoModelForSequenceClassification
model_dir = Path(sys.argv[1])
expected = json.loads((model_dir / "expected.json").read_text())
model = AutoModelForSequenceClassification.from_pretrained(model_dir, local_files_only=True).eval()
ids = torch.tensor(expected["input_ids"])
with torch.inference_mode():
    logits = model(input_ids=ids, attention_mask=(ids != 1).long()).logits
error = (logits - torch.tensor(expected["logits"])).abs().max().item()
assert (model_dir / "model.safetensors").is_file(), "no model.safetensors written"
assert error < 1e-4, f"converted logits differ from TensorFlow's by {error}"
print(f"conversion test passed: PyTorch logits equal TensorFlow's (max error {error:.2e})")
PY
