"""Serving profile: everything that depends on a model's cost, kept in ``serving.json`` beside its weights.

The n-gram model classifies a review in under a millisecond; CamemBERT needs a tenth of a second or more.
Batch sizes, the token budget of one forward pass, job chunk sizes, workers, threads and timeouts follow
from that cost, so they travel with the model instead of living in hand-tuned environment variables:

- ``build-mar.sh`` writes TorchServe's model configuration from it (``torchserve_models``);
- the handler reads its threads, token budget, acceleration and device from it;
- the backend asks the model server for it (a describe request) and sizes chunks, concurrency and timeouts.

Timeouts are ordered so that each caller waits longer than what it calls: the handler's worst batch fits in
TorchServe's ``responseTimeout``, which is shorter than the backend's HTTP timeout (``modelCallMs``).
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from allocine_sentiment.base import EMBEDDED_CONFIG_FILE
from allocine_sentiment.contract import INTERACTIVE_SUFFIX, MODEL_NAME, contract

PROFILE_FILE = "serving.json"
ACCELERATIONS = ("torch-fp32", "torch-int8", "onnx-fp32", "onnx-int8", "onnx-static-int8", "openvino-int8")
# Where an acceleration's export lives in a model directory (models/runtimes.py loads it from there). OpenVINO's
# model is the .xml file with its weights beside it in the .bin of the same name.
EXPORT_FILES = {
    "onnx-fp32": "onnx/model.fp32.onnx",
    "onnx-int8": "onnx/model.int8.onnx",
    "onnx-static-int8": "onnx/model.static-int8.onnx",
    "openvino-int8": "openvino/model.int8.xml",
}


def export_file(acceleration: str) -> str | None:
    """Path, relative to the model directory, of the export an acceleration serves (None for PyTorch)."""
    return EXPORT_FILES.get(acceleration)


class ProfileError(ValueError):
    """A serving profile that cannot be used; the message names the field."""


@dataclass(frozen=True)
class Lane:
    """One TorchServe registration: how many worker processes, their threads, and dynamic batching."""

    workers: int
    threads: int
    # camelCase: the JSON keys are TorchServe's own names and the backend's contract.
    batchSize: int
    maxBatchDelayMs: int


@dataclass(frozen=True)
class Timeouts:
    responseTimeoutS: int  # TorchServe gives up on a batch after this
    modelCallMs: int  # the backend's HTTP timeout for one call; longer than the above


@dataclass(frozen=True)
class ServingProfile:
    bulk: Lane
    interactive: Lane
    timeouts: Timeouts
    chunkSize: int  # reviews per job chunk (one HTTP call)
    chunkConcurrency: int  # chunks in flight at the model server, all backend workers together
    tokenBudget: int | None = None  # padded tokens per forward pass (transformers only)
    acceleration: str = "torch-fp32"
    device: str = "auto"  # "auto": the GPU TorchServe assigns, if any; "cpu" forces the CPU
    gpuDtype: str = "bfloat16"

    def to_dict(self) -> dict:
        return asdict(self)

    def check(self) -> ServingProfile:
        """Refuse values that cannot work together; returns itself so loading reads as one expression."""
        for lane_name in ("bulk", "interactive"):
            lane = getattr(self, lane_name)
            for key, value in asdict(lane).items():
                if not isinstance(value, int) or value < (0 if key == "maxBatchDelayMs" else 1):
                    raise ProfileError(f"{lane_name}.{key} must be a positive integer, got {value!r}")
        if self.chunkSize < 1 or self.chunkConcurrency < 1:
            raise ProfileError("chunkSize and chunkConcurrency must be at least 1")
        if self.tokenBudget is not None and self.tokenBudget < 512:
            raise ProfileError(f"tokenBudget must hold one full window (512 tokens), got {self.tokenBudget}")
        if self.acceleration not in ACCELERATIONS:
            raise ProfileError(f"acceleration must be one of {', '.join(ACCELERATIONS)}, got {self.acceleration!r}")
        if self.device not in ("auto", "cpu"):
            raise ProfileError(f"device must be 'auto' or 'cpu', got {self.device!r}")
        if self.gpuDtype not in ("bfloat16", "float16", "float32"):
            raise ProfileError(f"gpuDtype must be bfloat16, float16 or float32, got {self.gpuDtype!r}")
        slowest_lane_delay = max(self.bulk.maxBatchDelayMs, self.interactive.maxBatchDelayMs)
        if self.timeouts.modelCallMs <= self.timeouts.responseTimeoutS * 1000 + slowest_lane_delay:
            raise ProfileError(
                "timeouts.modelCallMs must exceed timeouts.responseTimeoutS (+ batch delay): the backend must wait "
                "longer than TorchServe, or it gives up and retries work that is still being computed"
            )
        return self


def profile_of(data: dict) -> ServingProfile:
    """A whole profile from its JSON form (every field given)."""
    rest = {key: value for key, value in data.items() if key not in ("bulk", "interactive", "timeouts")}
    lanes = {"bulk": Lane(**data["bulk"]), "interactive": Lane(**data["interactive"])}
    return ServingProfile(**lanes, timeouts=Timeouts(**data["timeouts"]), **rest).check()


# The embedded model's profile is part of the contract: the backend starts with it until the model server has
# described its model. Sub-millisecond reviews: two single-threaded workers in parallel beat one with two
# threads on 2 cores.
EMBEDDED = profile_of(contract()["embeddedProfile"])

TRANSFORMER = ServingProfile(
    # ~0.1 s per review on one core (int8). Worst batch: 2 requests × 16 reviews × 3 windows of 510 tokens
    # (5,000 characters) ≈ 50k tokens ≈ 40 s in fp32 on 2 threads: well inside responseTimeout.
    # Forward passes of ≤ 1,024 padded tokens were the fastest measured on 2 cores (ONNX int8, one-off runs
    # with ONNX Runtime's arena off: 15.9 reviews/s at 1,024 tokens, 11.5 at 2,048, 8.7 at 4,096): small passes
    # stay in cache, and they bound each worker's activation memory.
    # One bulk worker with both cores' threads leaves memory for the interactive worker (peak RSS ≤ 1.5 GB).
    bulk=Lane(workers=1, threads=2, batchSize=2, maxBatchDelayMs=20),
    interactive=Lane(workers=1, threads=1, batchSize=4, maxBatchDelayMs=5),
    timeouts=Timeouts(responseTimeoutS=120, modelCallMs=150_000),
    chunkSize=16,
    # Two batches of two chunks: one computing, one waiting, so the worker never idles and nothing times out.
    chunkConcurrency=4,
    tokenBudget=1024,
)


def default_profile(model_dir: Path) -> ServingProfile:
    """The family's defaults: the embedded model's, or a base-size transformer's."""
    return EMBEDDED if (model_dir / EMBEDDED_CONFIG_FILE).is_file() else TRANSFORMER


def from_dict(data: dict, base: ServingProfile) -> ServingProfile:
    """Overlay a (possibly partial) profile on ``base``; unknown keys are refused so typos do not pass silently."""
    known = {f for f in ServingProfile.__dataclass_fields__}
    unknown = sorted(set(data) - known)
    if unknown:
        raise ProfileError(f"unknown serving profile field(s): {', '.join(unknown)}")
    values = {}
    for key, value in data.items():
        current = getattr(base, key)
        if isinstance(current, (Lane, Timeouts)):
            if not isinstance(value, dict):
                raise ProfileError(f"{key} must be an object")
            try:
                value = replace(current, **value)
            except TypeError as error:
                raise ProfileError(f"{key}: {error}") from None
        values[key] = value
    return replace(base, **values).check()


def load_profile(model_dir: str | Path) -> ServingProfile:
    """``serving.json`` of the model directory over its family's defaults."""
    model_dir = Path(model_dir)
    path = model_dir / PROFILE_FILE
    base = default_profile(model_dir)
    if not path.is_file():
        return base
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise ProfileError(f"{path}: not valid JSON ({error.msg})") from None
    if not isinstance(data, dict):
        raise ProfileError(f"{path}: expected a JSON object")
    return from_dict(data, base)


def save_profile(model_dir: Path, profile: ServingProfile) -> None:
    (model_dir / PROFILE_FILE).write_text(json.dumps(profile.check().to_dict(), indent=2) + "\n", encoding="utf-8")


def card_version(model_dir: Path) -> str:
    """The version the model's card gives (embedded_model.json, or a checkpoint's calibration.json), as TorchServe
    registers it: the backend's model lifecycle compares the two."""
    for name in ("embedded_model.json", "calibration.json"):
        path = model_dir / name
        if path.is_file():
            version = str(json.loads(path.read_text(encoding="utf-8")).get("version") or "")
            if version:
                return version
    return "1.0"


def torchserve_models(profile: ServingProfile, version: str = "1.0", mar: str = f"{MODEL_NAME}.mar") -> dict:
    """TorchServe's ``models`` setting: the bulk lane and the interactive lane, both from one archive."""

    def registration(lane: Lane) -> dict:
        return {
            version: {
                "defaultVersion": True,
                "marName": mar,
                "minWorkers": lane.workers,
                "maxWorkers": lane.workers,
                "batchSize": lane.batchSize,
                "maxBatchDelay": lane.maxBatchDelayMs,
                "responseTimeout": profile.timeouts.responseTimeoutS,
            }
        }

    return {MODEL_NAME: registration(profile.bulk), MODEL_NAME + INTERACTIVE_SUFFIX: registration(profile.interactive)}


def torchserve_properties(profile: ServingProfile, base_properties: str, version: str = "1.0") -> str:
    """The base ``config.properties`` plus the two model registrations this profile asks for."""
    models = torchserve_models(profile, version)
    return "\n".join(
        [
            base_properties.rstrip("\n"),
            "# Written by build-mar.sh from the model's serving.json (bulk and interactive lanes).",
            # name=archive: both lanes are registered from the same .mar, each under its own name.
            "load_models=" + ",".join(f"{name}={MODEL_NAME}.mar" for name in models),
            f"models={json.dumps(models, separators=(',', ':'))}",
            "",
        ]
    )


def served_files(model_dir: Path, profile: ServingProfile) -> list[str]:
    """The files of ``model_dir`` that serving needs: everything but the exports it does not use."""
    chosen = export_file(profile.acceleration)
    served = {chosen, chosen.removesuffix(".xml") + ".bin"} if chosen else set()
    files = []
    for path in sorted(p for p in model_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(model_dir).as_posix()
        exported = relative.endswith(".onnx") or (
            relative.startswith("openvino/") and relative.endswith((".xml", ".bin"))
        )
        if exported and relative not in served:
            continue
        files.append(relative)
    return files


def main(argv: list[str] | None = None) -> int:
    """For build-mar.sh: ``config MODEL_DIR BASE_PROPERTIES`` prints TorchServe's configuration;
    ``files MODEL_DIR`` lists the files to package; ``version MODEL_DIR`` its card's version."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) < 2 or args[0] not in ("config", "files", "version") or len(args) != (3 if args[0] == "config" else 2):
        print(
            "usage: serving_profile config MODEL_DIR BASE_PROPERTIES | files MODEL_DIR | version MODEL_DIR",
            file=sys.stderr,
        )
        return 2
    if args[0] == "version":
        print(card_version(Path(args[1])))
        return 0
    try:
        profile = load_profile(args[1])
    except ProfileError as error:
        print(f"error: {args[1]}: {error}", file=sys.stderr)
        return 2
    if args[0] == "files":
        print("\n".join(served_files(Path(args[1]), profile)))
    else:
        base = Path(args[2]).read_text(encoding="utf-8")
        sys.stdout.write(torchserve_properties(profile, base, card_version(Path(args[1]))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
