#!/usr/bin/env bash
# Proves the CamemBERT stages of model-server/Dockerfile as far as the conversion, offline: a tiny random
# TensorFlow CamemBERT (made in the conversion environment, with the real tokenizer) is put in
# model-server/camembert-source/, `docker build --target camembert-convert --build-arg MODEL=camembert` runs the
# download-and-verify and TensorFlow → PyTorch stages on it, and the image's serving environment must then load
# the converted weights and give TensorFlow's logits. Long (first run ~15 min); not part of `npm test`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
SOURCE=model-server/camembert-source
IMAGE=allocine-sentiment/camembert-convert:smoke
check() { printf '\033[32m✔\033[0m %s\n' "$*"; }
step() { printf '\n==> %s\n' "$*"; }
cleanup() { find "$SOURCE" -mindepth 1 ! -name README.md -delete; }
trap cleanup EXIT

source scripts/docker/engine.sh

step "a tiny TensorFlow CamemBERT in $SOURCE"
bash model-server/convert/convert.sh --install-only
cleanup
.venv-convert/bin/python model-server/convert/make_tiny_tf.py "$SOURCE" >/dev/null 2>&1
cp "${ALLOCINE_DATA_DIR:-../shared/data}/tokenizers/camembert-base/tokenizer.json" "$SOURCE/"
check "$(ls "$SOURCE" | tr '\n' ' ')"

step "docker build --target camembert-convert --build-arg MODEL=camembert (download, verify, convert)"
docker build -f model-server/Dockerfile --target camembert-convert --build-arg MODEL=camembert -t "$IMAGE" .
check "stages camembert-download and camembert-convert built"

step "the converted checkpoint, read by the image's serving environment"
docker run --rm "$IMAGE" sh -c 'test ! -e model/camembert.staging/tf_model.h5 \
  && grep -q tf_model.h5 model/camembert.staging/calibration.json \
  && /opt/venv/bin/python convert/check_converted.py model/camembert.staging'
check "weights hashed at download, TensorFlow file dropped after conversion"
check "CamemBERT Docker stages smoke test passed"
