"""Fetch a fine-tuned CamemBERT checkpoint for users with internet (never run in CI or at serving time).

    npm run model:fetch-camembert -- [--repo tblard/tf-allocine] [--revision SHA] [--out model-server/model/camembert]

The default checkpoint, tblard/tf-allocine (Blard 2020; 97.44 % accuracy on the Allociné test split), ships
TensorFlow weights only. Converting them needs TensorFlow and transformers 4.x, which this project does not
install: the script prints the exact commands when conversion is needed. The result is a directory the
handler serves with no network: ``config.json``, ``model.safetensors``, ``tokenizer.json``,
``calibration.json`` (name, version = the resolved commit).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .hf_model import CALIBRATION_FILE
from .paths import MODEL_SERVER_DIR

DEFAULT_REPO = "tblard/tf-allocine"
# Pass --revision with a commit SHA to pin; the SHA actually fetched is recorded in calibration.json.
DEFAULT_REVISION = "main"
TOKENIZER_REPO = "almanach/camembert-base"  # tf-allocine was fine-tuned from camembert-base: same vocabulary
PATTERNS = [
    "config.json",
    "*.safetensors",
    "pytorch_model.bin",
    "tf_model.h5",
    "tokenizer.json",
    "tokenizer_config.json",
]
CONVERT_HELP = """This checkpoint has TensorFlow weights only. Convert them once in a separate environment:
  python3 -m venv /tmp/convert && /tmp/convert/bin/pip install transformers==4.46.3 tensorflow-cpu==2.17.1 tf-keras==2.17.0 torch==2.13.0
  /tmp/convert/bin/python -c "from transformers import AutoModelForSequenceClassification as M; M.from_pretrained('{dir}', from_tf=True).save_pretrained('{dir}', safe_serialization=True)"
then run this command again with --skip-download."""


def has_torch_weights(model_dir: Path) -> bool:
    return any((model_dir / name).is_file() for name in ("model.safetensors", "pytorch_model.bin"))


def finish(model_dir: Path, name: str, revision: str) -> list[str]:
    """Check the directory is servable offline and record where it came from. Returns what is missing."""
    missing = [f for f in ("config.json", "tokenizer.json") if not (model_dir / f).is_file()]
    if not has_torch_weights(model_dir):
        missing.append("model.safetensors")
    if not missing:
        info = {"name": name, "version": revision, "temperature": 1.0, "uncertain_below": 0.6}
        (model_dir / CALIBRATION_FILE).write_text(json.dumps(info, indent=2) + "\n", encoding="utf-8")
    return missing


def download(repo: str, revision: str, out: Path) -> str:
    from huggingface_hub import HfApi, hf_hub_download, snapshot_download

    sha = HfApi().model_info(repo, revision=revision).sha or revision
    snapshot_download(repo, revision=sha, local_dir=out, allow_patterns=PATTERNS)
    if not (out / "tokenizer.json").is_file():
        hf_hub_download(TOKENIZER_REPO, "tokenizer.json", local_dir=out)
    return sha


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="model:fetch-camembert", description=__doc__.splitlines()[0])
    parser.add_argument("--repo", default=DEFAULT_REPO)
    parser.add_argument("--revision", default=DEFAULT_REVISION)
    parser.add_argument("--out", type=Path, default=MODEL_SERVER_DIR / "model" / "camembert")
    parser.add_argument("--skip-download", action="store_true", help="only check and finish an existing directory")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    revision = args.revision
    if not args.skip_download:
        try:
            revision = download(args.repo, args.revision, args.out)
        except Exception as error:  # network and hub errors come in many types; all mean the same here
            print(f"error: could not download {args.repo}@{args.revision}: {error}", file=sys.stderr)
            return 2
    missing = finish(args.out, args.repo, revision)
    if missing == ["model.safetensors"] and (args.out / "tf_model.h5").is_file():
        print(CONVERT_HELP.format(dir=args.out), file=sys.stderr)
        return 3
    if missing:
        print(f"error: {args.out} lacks {', '.join(missing)}", file=sys.stderr)
        return 2
    print(f"ready: {args.out} ({args.repo}@{revision}); serve it with: npm run model-server:archive -- {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
