"""Choose how a Hugging Face checkpoint runs on the CPU, by measurement, and record it in its serving profile.

    npm run model:accelerate -- --model DIR [--data FILE] [--sample 64] [--min-agreement 0.995] [--speed-only]

Exports the model to ONNX (fp32, then dynamic int8), then runs the same reviews through every variant
(PyTorch fp32, PyTorch dynamic int8 on the Linear layers, ONNX Runtime fp32 and int8) with the bulk lane's
threads, each variant in a process of its own. The fastest variant whose labels agree with fp32's on at least
``--min-agreement`` of the reviews, and whose worker peaks within ``--max-rss-mb``, is served; fp32 otherwise.
``--speed-only`` skips the agreement rule, for cost stand-ins whose random weights make agreement
meaningless (the report still gives it). The report goes to ``acceleration.json`` beside the weights.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import resource
import sys
import time
from dataclasses import replace
from pathlib import Path

import torch

from allocine_sentiment.models.hf_model import HuggingFacePredictor
from allocine_sentiment.models.pad_index import fix_config, record_export
from allocine_sentiment.models.runtimes import load_runtime
from allocine_sentiment.paths import shared_data_dir
from allocine_sentiment.serving_profile import ACCELERATIONS, ONNX_FILES, load_profile, save_profile
from allocine_sentiment.training.labelled_files import DataError, load_labelled

REPORT_FILE = "acceleration.json"
REFERENCE = "torch-fp32"
# Two workers (bulk and interactive) and TorchServe's JVM (~0.2 GB) must stay within 1.5 GB together.
MAX_WORKER_RSS_MB = 650


def export_onnx(model_dir: Path) -> None:
    """``onnx/model.fp32.onnx`` (dynamic batch and length) and its dynamic-int8 quantisation."""
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModelForSequenceClassification

    fp32, int8 = (model_dir / ONNX_FILES[name] for name in ("onnx-fp32", "onnx-int8"))
    fp32.parent.mkdir(exist_ok=True)
    # The graph numbers positions from the padding index: config.json must hold the tokenizer's first.
    fix_config(model_dir)
    model = AutoModelForSequenceClassification.from_pretrained(model_dir, local_files_only=True).eval()
    example = (torch.full((2, 16), 5, dtype=torch.long), torch.ones(2, 16, dtype=torch.long))
    axes = {0: "batch", 1: "tokens"}
    torch.onnx.export(
        model,
        example,
        str(fp32),
        input_names=["input_ids", "attention_mask"],
        output_names=["logits"],
        dynamic_axes={"input_ids": axes, "attention_mask": axes, "logits": {0: "batch"}},
        opset_version=17,
        dynamo=False,  # the TorchScript exporter handles HF models without onnxscript rewrites
    )
    quantize_dynamic(str(fp32), str(int8), weight_type=QuantType.QInt8)
    record_export(fp32.parent, model.config.pad_token_id)


def measure_variant(model_dir: Path, acceleration: str, texts: list[str], speed_texts: list[str], threads: int):
    """One variant, in a process of its own so its peak memory is its own: speed, logits, peak RSS."""
    runtime = load_runtime(model_dir, acceleration, threads)
    predictor = HuggingFacePredictor(model_dir, acceleration=acceleration, threads=threads, runtime=runtime)
    predictor.logits(speed_texts[:4])  # warm-up: first-call allocations are not the steady state
    started = time.perf_counter()
    predictor.logits(speed_texts)
    seconds = time.perf_counter() - started
    logits = predictor.logits(texts)
    return runtime.description, len(speed_texts) / seconds, logits, peak_rss_mb()


def peak_rss_mb() -> float:
    """This process's high-water RSS (VmHWM starts afresh at exec, unlike ru_maxrss, which a child inherits)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(model_dir: Path, texts: list[str], speed_texts: list[str], threads: int) -> list[dict]:
    """Per variant: reviews/s on ``speed_texts``, peak RSS, and on ``texts`` label agreement and logit error
    against fp32."""
    results, reference = [], None
    spawn = multiprocessing.get_context("spawn")
    for acceleration in ACCELERATIONS:
        with spawn.Pool(1) as pool:
            description, speed, logits, peak_mb = pool.apply(
                measure_variant, (model_dir, acceleration, texts, speed_texts, threads)
            )
        reference = logits if reference is None else reference
        error = (logits - reference).abs()
        agreement = (logits.argmax(-1) == reference.argmax(-1)).float().mean().item()
        results.append(
            {
                "acceleration": acceleration,
                "runtime": description,
                "reviews_per_s": round(speed, 2),
                "peak_rss_mb": round(peak_mb),
                "label_agreement": round(agreement, 4),
                "max_abs_logit_error": round(error.max().item(), 5),
                "mean_abs_logit_error": round(error.mean().item(), 5),
            }
        )
        print(json.dumps(results[-1]))
    return results


def choose(results: list[dict], min_agreement: float | None, max_rss_mb: int) -> str:
    """Fastest variant that fits one worker's memory and whose labels agree with fp32's enough (any agreement
    when ``min_agreement`` is None)."""
    eligible = [
        r
        for r in results
        if (min_agreement is None or r["label_agreement"] >= min_agreement) and r["peak_rss_mb"] <= max_rss_mb
    ]
    return max(eligible, key=lambda r: r["reviews_per_s"])["acceleration"] if eligible else REFERENCE


def accelerate(
    model_dir: Path, texts: list[str], sample: int, min_agreement: float | None, max_rss_mb: int = MAX_WORKER_RSS_MB
) -> dict:
    profile = load_profile(model_dir)
    export_onnx(model_dir)
    results = measure(model_dir, texts, texts[:sample], profile.bulk.threads)
    chosen = choose(results, min_agreement, max_rss_mb)
    save_profile(model_dir, replace(profile, acceleration=chosen))
    report = {
        "chosen": chosen,
        "rule": f"fastest with peak RSS <= {max_rss_mb} MB"
        + ("" if min_agreement is None else f" and label agreement >= {min_agreement}"),
        "agreement_on": f"{len(texts)} reviews",
        "speed_on": f"{min(sample, len(texts))} reviews, {profile.bulk.threads} threads",
        "variants": results,
    }
    (model_dir / REPORT_FILE).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="model:accelerate", description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True, help="Hugging Face checkpoint directory")
    parser.add_argument("--data", type=Path, default=shared_data_dir() / "allocine" / "validation.jsonl")
    parser.add_argument("--sample", type=int, default=64, help="reviews timed per variant")
    parser.add_argument("--limit", type=int, default=None, help="compare labels on the first N reviews only")
    parser.add_argument("--min-agreement", type=float, default=0.995)
    parser.add_argument("--max-rss-mb", type=int, default=MAX_WORKER_RSS_MB, help="peak memory of one worker")
    parser.add_argument("--speed-only", action="store_true", help="ignore agreement (random-weight cost stand-ins)")
    args = parser.parse_args(argv)
    if not (args.model / "config.json").is_file():
        print(f"error: {args.model} is not a Hugging Face checkpoint (no config.json)", file=sys.stderr)
        return 2
    try:
        texts = load_labelled(args.data).texts[: args.limit]
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    min_agreement = None if args.speed_only else args.min_agreement
    report = accelerate(args.model, texts, args.sample, min_agreement, args.max_rss_mb)
    print(f"serving {report['chosen']} ({report['rule']}); report in {args.model / REPORT_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
