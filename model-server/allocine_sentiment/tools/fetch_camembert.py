"""Fetch, verify, convert, accelerate, calibrate and evaluate a fine-tuned CamemBERT (needs internet; never at
serving time).

    npm run model:fetch-camembert                     (the pinned PyTorch conversion: camembert.lock.json)
    npm run model:fetch-camembert -- --source tf --revision SHA   (tblard/tf-allocine's TensorFlow weights)
    npm run model:fetch-camembert -- --from-dir DIR    (a checkpoint already on disk: same checks, no network)

Steps, each refusing to go on when it fails, so nothing half-checked is ever installed at ``--out``:
1. download the pinned commit into a staging directory; every weight file's SHA-256 must equal the one the hub
   records for that commit (Git LFS pointer), and the one in ``camembert.lock.json`` when that file pins it;
2. turn the weights into ``model.safetensors`` in a separate pinned environment (``model-server/convert/``):
   a ``pytorch_model.bin`` (a pickle) read with ``weights_only=True``, or TensorFlow weights (transformers 5
   no longer reads them); serving reads safetensors only; the padding index set to the tokenizer's;
3. choose the CPU acceleration by measurement, keeping only variants whose labels agree with fp32's on
   ≥ 99.5 % of the validation reviews (``model:accelerate``);
4. fit the temperature and the uncertain threshold on validation (``model:calibrate``);
5. evaluate on validation and refuse to install a model more than 1 point below its documented accuracy.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

from allocine_sentiment.models.hf_model import CALIBRATION_FILE
from allocine_sentiment.models.pad_index import fix_config
from allocine_sentiment.paths import MODEL_SERVER_DIR, shared_data_dir

LOCK_FILE = MODEL_SERVER_DIR / "camembert.lock.json"
CONVERT_SCRIPT = MODEL_SERVER_DIR / "convert" / "convert.sh"
WEIGHT_FILES = ("model.safetensors", "pytorch_model.bin", "tf_model.h5")
PATTERNS = ["config.json", *WEIGHT_FILES, "tokenizer.json", "tokenizer_config.json"]
TOKENIZER_REPO = "almanach/camembert-base"  # tf-allocine was fine-tuned from camembert-base: same vocabulary
# The model card's figure for tblard/tf-allocine (Blard 2020, Allociné test split).
DOCUMENTED_ACCURACY = 0.9744
MAX_DROP = 0.01


class FetchError(RuntimeError):
    """A step refused to go on; the message says which and why."""


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_lock() -> dict:
    return json.loads(LOCK_FILE.read_text(encoding="utf-8")) if LOCK_FILE.is_file() else {}


def verify(directory: Path, expected: dict[str, str]) -> dict[str, str]:
    """SHA-256 of every weight file present; each must match ``expected`` where it names the file."""
    found = {name: sha256(directory / name) for name in WEIGHT_FILES if (directory / name).is_file()}
    if not found:
        raise FetchError(f"{directory} holds no weights ({', '.join(WEIGHT_FILES)})")
    for name, digest in found.items():
        if name in expected and expected[name] != digest:
            raise FetchError(f"{name}: SHA-256 {digest} differs from the pinned {expected[name]}: refusing it")
    return found


def download(repo: str, revision: str, out: Path) -> dict[str, str]:
    """The pinned commit's files, and the SHA-256 the hub records for each weight file at that commit."""
    from huggingface_hub import HfApi, hf_hub_download, snapshot_download

    info = HfApi().model_info(repo, revision=revision, files_metadata=True)
    if info.sha != revision:
        raise FetchError(f"{repo}@{revision} resolves to commit {info.sha}: pass the full commit SHA")
    snapshot_download(repo, revision=revision, local_dir=out, allow_patterns=PATTERNS)
    if not (out / "tokenizer.json").is_file():
        pinned = read_lock().get("tokenizer_revision")
        if not pinned:
            raise FetchError(f"{repo} has no tokenizer.json and {LOCK_FILE.name} pins no tokenizer_revision")
        hf_hub_download(TOKENIZER_REPO, "tokenizer.json", revision=pinned, local_dir=out)
    return {s.rfilename: s.lfs.sha256 for s in info.siblings if s.rfilename in WEIGHT_FILES and s.lfs}


def add_tokenizer(staging: Path, tokenizer: Path | None) -> None:
    """tf-allocine ships no ``tokenizer.json``: camembert-base's (same vocabulary), from a file whose SHA-256
    the lock pins, rather than anything fetched unpinned."""
    if (staging / "tokenizer.json").is_file() or tokenizer is None or not tokenizer.is_file():
        return
    expected = read_lock().get("tokenizer_sha256")
    if expected and sha256(tokenizer) != expected:
        raise FetchError(f"{tokenizer}: SHA-256 differs from the pinned camembert-base tokenizer ({expected})")
    shutil.copy(tokenizer, staging / "tokenizer.json")


def convert(directory: Path) -> None:
    """TensorFlow weights or a ``pytorch_model.bin`` → ``model.safetensors``, in the separate conversion environment."""
    result = subprocess.run(["bash", str(CONVERT_SCRIPT), str(directory)], text=True)
    if result.returncode != 0 or not (directory / "model.safetensors").is_file():
        raise FetchError(f"conversion failed (exit {result.returncode}); see the output above")


def prepare(staging: Path, data: Path, min_agreement: float) -> dict:
    """Accelerate, calibrate and evaluate a servable checkpoint; returns the evaluation metrics."""
    from allocine_sentiment.serving_profile import TRANSFORMER, save_profile
    from allocine_sentiment.tools.accelerate import accelerate
    from allocine_sentiment.training.calibrate import calibrate
    from allocine_sentiment.training.labelled_files import load_labelled

    save_profile(staging, TRANSFORMER)
    report = accelerate(staging, load_labelled(data).texts, sample=64, min_agreement=min_agreement)
    print(f"acceleration: {report['chosen']} ({report['rule']})")
    result = calibrate(staging, data)
    print(f"calibration: temperature {result['temperature']}, uncertain below {result['uncertain_below']}")
    return result


def hub_validation_sample(path: Path, limit: int = 1_000) -> Path:
    """The first ``limit`` reviews of the public Allociné validation split (for builds without ../shared)."""
    from allocine_sentiment.training.corpus import downloaded_splits

    validation = downloaded_splits()[1]
    rows = zip(validation.texts[:limit], validation.labels[:limit], strict=True)
    path.write_text("".join(json.dumps({"review": t, "label": y}) + "\n" for t, y in rows), encoding="utf-8")
    return path


def fetch(args: argparse.Namespace, staging: Path) -> None:
    """Step 1: the checkpoint into ``staging``, its weights' hashes verified, its provenance recorded."""
    shutil.rmtree(staging, ignore_errors=True)
    lock = read_lock()
    if not args.from_dir and lock.get("provenance") and args.repo == lock.get("repo"):
        print(f"{args.repo}@{args.revision}: {lock['provenance']}")
    if args.from_dir:
        shutil.copytree(args.from_dir, staging)
        add_tokenizer(staging, args.tokenizer)
        name, version, hub_digests = str(args.from_dir), f"local:{args.from_dir.name}", {}
    else:
        if not args.revision or len(args.revision) != 40:
            raise FetchError(
                f"pass --revision with the full 40-character commit SHA of {args.repo} (or pin it in "
                f"{LOCK_FILE.name}): a branch name can change under you"
            )
        staging.mkdir(parents=True)
        add_tokenizer(staging, args.tokenizer)
        name, version, hub_digests = args.repo, args.revision, download(args.repo, args.revision, staging)
    pinned = lock.get("sha256", {}) if lock.get("revision") == args.revision else {}
    digests = verify(staging, {**hub_digests, **pinned})
    print("verified SHA-256: " + ", ".join(f"{k} {v}" for k, v in digests.items()))
    provenance = {"name": name, "version": version, "sha256": digests}
    (staging / CALIBRATION_FILE).write_text(json.dumps(provenance, indent=2) + "\n", encoding="utf-8")


def to_pytorch(args: argparse.Namespace, staging: Path) -> None:
    """Step 2: the weights as safetensors (converted in the isolated environment when they come as TensorFlow
    or as a pickle, which are then dropped: serving never unpickles anything); the padding index set to the
    tokenizer's (TensorFlow's CamemBERT hard-codes 1 whatever config.json says)."""
    if not (staging / "model.safetensors").is_file():
        convert(staging)
    for name in ("tf_model.h5", "pytorch_model.bin"):
        (staging / name).unlink(missing_ok=True)
    fix_config(staging)


def install(args: argparse.Namespace, staging: Path) -> None:
    """Step 3: accelerate, calibrate, evaluate; install at ``--out`` only if accuracy holds."""
    data = hub_validation_sample(staging.with_name("validation-sample.jsonl")) if args.data_from_hub else args.data
    result = prepare(staging, data, args.min_agreement)
    floor = args.documented_accuracy - MAX_DROP
    if result["accuracy"] < floor:
        raise FetchError(
            f"validation accuracy {result['accuracy']:.4f} is more than {MAX_DROP:.0%} below the "
            f"documented {args.documented_accuracy:.4f}: not installing it (left in {staging})"
        )
    shutil.rmtree(args.out, ignore_errors=True)
    staging.rename(args.out)
    print(
        f"installed {args.out} (validation accuracy {result['accuracy']:.4f}); serve it with: "
        f"MODEL_DIR={args.out} npm start"
    )


STEPS = {"download": (fetch,), "convert": (to_pytorch,), "install": (install,), "all": (fetch, to_pytorch, install)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="model:fetch-camembert", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source",
        choices=("pt", "tf"),
        default="pt",
        help="pt: the pinned PyTorch conversion (default); tf: tblard/tf-allocine's TensorFlow weights, converted here",
    )
    parser.add_argument("--repo", help="default: the lock's repository for --source")
    parser.add_argument("--revision", help="full commit SHA; default: the lock's pin for --source")
    parser.add_argument("--from-dir", type=Path, help="a checkpoint on disk instead of the hub")
    parser.add_argument("--out", type=Path, default=MODEL_SERVER_DIR / "model" / "camembert")
    parser.add_argument("--data", type=Path, default=shared_data_dir() / "allocine" / "validation.jsonl")
    parser.add_argument(
        "--tokenizer",
        type=Path,
        default=shared_data_dir() / "tokenizers" / "camembert-base" / "tokenizer.json",
        help="camembert-base tokenizer.json for checkpoints without one (its SHA-256 is pinned in the lock)",
    )
    parser.add_argument("--data-from-hub", action="store_true", help="validate on the public split (no ../shared)")
    parser.add_argument("--documented-accuracy", type=float, default=DOCUMENTED_ACCURACY)
    parser.add_argument("--min-agreement", type=float, default=0.995)
    parser.add_argument("--step", choices=list(STEPS), default="all", help="run one step (Docker build stages)")
    args = parser.parse_args(argv)
    pins = read_lock() if args.source == "pt" else read_lock().get("tf", {})
    args.repo = args.repo or pins.get("repo") or "tblard/tf-allocine"
    args.revision = args.revision or (pins.get("revision") if args.repo == pins.get("repo") else None)
    staging = args.out.with_name(args.out.name + ".staging")
    try:
        for step in STEPS[args.step]:
            step(args, staging)
    except FetchError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except Exception as error:  # network and hub errors come in many types; all mean the same here
        print(f"error: could not fetch {args.repo}@{args.revision}: {type(error).__name__}: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
