#!/usr/bin/env bash
# Offline test of the TensorFlow → PyTorch conversion that model:fetch-camembert runs for tblard/tf-allocine:
# a tiny random TensorFlow CamemBERT is made in the conversion environment (pad_token_id 0 in its config, as the
# real converted checkpoint's), converted by convert.sh, then loaded by the serving environment (transformers 5):
# its logits differ from TensorFlow's before the padding-index fix and equal them after, in PyTorch and ONNX.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VENV="${CONVERT_VENV:-$ROOT/.venv-convert}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
bash "$HERE/convert.sh" --install-only
"$VENV/bin/python" "$HERE/make_tiny_tf.py" "$WORK/model"
bash "$HERE/convert.sh" "$WORK/model"
# The real camembert-base tokenizer (its <pad> is 1): what decides the padding index.
cp "${CAMEMBERT_TOKENIZER:-$ROOT/../shared/data/tokenizers/camembert-base/tokenizer.json}" "$WORK/model/tokenizer.json"
PYTHONPATH="$ROOT/model-server" "$ROOT/.venv/bin/python" "$HERE/check_converted.py" "$WORK/model"
# A PyTorch pickle (how philschmid/pt-tblard-tf-allocine ships its weights) goes through the same environment:
# read with weights_only, written as safetensors, every tensor equal.
mkdir -p "$WORK/bin" && cp "$WORK/model/config.json" "$WORK/model/tokenizer.json" "$WORK/bin/"
"$VENV/bin/python" -c 'import sys, torch; from safetensors.torch import load_file; torch.save(load_file(sys.argv[1]), sys.argv[2])' \
  "$WORK/model/model.safetensors" "$WORK/bin/pytorch_model.bin"
bash "$HERE/convert.sh" "$WORK/bin"
"$VENV/bin/python" -c 'import sys, torch; from safetensors.torch import load_file
a, b = load_file(sys.argv[1]), load_file(sys.argv[2])
assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a), "tensors differ"
print(f"pytorch_model.bin converted with weights_only: {len(a)} tensors, all equal")' "$WORK/model/model.safetensors" "$WORK/bin/model.safetensors"
