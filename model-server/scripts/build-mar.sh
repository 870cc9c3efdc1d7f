#!/usr/bin/env bash
# Package a model directory and the handler code into model-store/allocine-sentiment.mar, and write
# TorchServe's configuration for it (model-store/config.properties) from the model's serving profile.
# Usage: build-mar.sh [MODEL_DIR]   (default: $MODEL_DIR, else the committed embedded model)
# With ARCHIVE_VERSION=V (model:train --with-feedback does it): package a registered version as
# model-store/allocine-sentiment-vV.mar, for the backend to register beside the live one; the configuration is
# left alone.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
MODEL_DIR="$(cd "${1:-${MODEL_DIR:-$HERE/model/embedded}}" && pwd)"
STORE="${MODEL_STORE:-$HERE/model-store}"
VENV="${VENV:-$ROOT/.venv}"
[ -x "$VENV/bin/python" ] || bash "$HERE/scripts/setup-python.sh"
profile() { PYTHONPATH="$HERE" "$VENV/bin/python" -m allocine_sentiment.serving_profile "$@"; }

STAGE="$(mktemp -d)"
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE/archive/allocine_sentiment" "$STORE"
# The profile is checked, and TorchServe's configuration written, before anything is packaged.
profile config "$MODEL_DIR" "$HERE/config/config.properties" > "$STAGE/config.properties"
# TorchServe's version of the archive is the model card's, so both name the same thing.
VERSION="${ARCHIVE_VERSION:-$(profile version "$MODEL_DIR")}"
NAME="allocine-sentiment${ARCHIVE_VERSION:+-v$ARCHIVE_VERSION}"
# Serving's package whole, the model families it loads and the base modules they share; never training, tools
# or spark (no scikit-learn, no pyspark in a worker). tests/test_archive_modules.py opens the archive to check.
cp "$HERE"/allocine_sentiment/*.py "$STAGE/archive/allocine_sentiment/"
for package in models serving; do
  cp -r "$HERE/allocine_sentiment/$package" "$STAGE/archive/allocine_sentiment/"
done
find "$STAGE/archive" -name __pycache__ -prune -exec rm -rf {} +
# The seam's one file (names, headers, the embedded profile), read by contract.py beside the package: from the
# checkout's libs/contracts, or (in the image) from beside the package already.
contract="$(PYTHONPATH="$HERE" "$VENV/bin/python" -c 'from allocine_sentiment.contract import contract_path; print(contract_path())')"
cp "$contract" "$STAGE/archive/allocine_sentiment/model-server-contract.json"
# The model's files, less the ONNX exports the profile does not serve (large and unused).
profile files "$MODEL_DIR" | (cd "$MODEL_DIR" && tar -cf - -T -) | tar -C "$STAGE/archive" -xf -
"$VENV/bin/torch-model-archiver" \
  --model-name "$NAME" --version "$VERSION" \
  --handler "$HERE/allocine_sentiment/serving/handler.py" \
  --extra-files "$STAGE/archive" \
  --export-path "$STORE" --force
if [ -n "${ARCHIVE_VERSION:-}" ]; then
  echo "built $STORE/$NAME.mar (version $VERSION) from $MODEL_DIR"
  exit 0
fi
mv "$STAGE/config.properties" "$STORE/config.properties"
echo "$MODEL_DIR" > "$STORE/model-dir.txt"
echo "built $STORE/allocine-sentiment.mar from $MODEL_DIR"
