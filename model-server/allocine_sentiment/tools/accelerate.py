"""Choose how a Hugging Face checkpoint runs on the CPU, by measurement, and record it in its serving profile.

    npm run model:accelerate -- --model DIR [--data FILE] [--sample 64] [--calibration 64] [--min-agreement 0.995]
        [--speed-only]

Exports the model to ONNX (fp32, then dynamic int8 and static int8 with QDQ nodes) and to OpenVINO int8 (NNCF
post-training quantisation); both static quantisations are calibrated on the last ``--calibration`` reviews of
``--data``, which agreement is not measured on. Then runs the same reviews through every variant (PyTorch fp32,
PyTorch dynamic int8 on the Linear layers, ONNX Runtime fp32, dynamic int8 and static int8, OpenVINO int8) with
the bulk lane's threads, each variant in a process of its own. The fastest variant whose labels agree with
fp32's on at least ``--min-agreement`` of the reviews, and whose worker peaks within ``--max-rss-mb``, is
served; fp32 otherwise. ``--speed-only`` skips the agreement rule, for cost stand-ins whose random weights make
agreement meaningless (the report still gives it). The report goes to ``acceleration.json`` beside the weights.
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

import numpy as np

from allocine_sentiment.models.hf_model import HuggingFacePredictor, max_tokens, read_config
from allocine_sentiment.models.pad_index import EXPORT_RECORD, fix_config, record_export
from allocine_sentiment.models.runtimes import load_runtime
from allocine_sentiment.paths import shared_data_dir
from allocine_sentiment.serving_profile import ACCELERATIONS, EXPORT_FILES, load_profile, save_profile
from allocine_sentiment.training.labelled_files import DataError, load_labelled

REPORT_FILE = "acceleration.json"
REFERENCE = "torch-fp32"
# Two workers (bulk and interactive) and TorchServe's JVM (~0.15 GB) must stay within 1 GB together.
MAX_WORKER_RSS_MB = 425


def export_onnx(model_dir: Path) -> None:
    """``onnx/model.fp32.onnx`` (dynamic batch and length) and its dynamic-int8 quantisation."""
    # Imported here: a variant measured in its own process imports this module, and an ONNX or OpenVINO worker
    # never loads PyTorch, so neither may its measurement.
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModelForSequenceClassification

    fp32, int8 = (model_dir / EXPORT_FILES[name] for name in ("onnx-fp32", "onnx-int8"))
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


def calibration_inputs(model_dir: Path, texts: list[str]) -> list[dict]:
    """One review per pass, tokenised as served (special tokens, the model's longest window): static quantisation's
    data."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.enable_truncation(max_length=max_tokens(read_config(model_dir)))
    inputs = []
    for encoding in tokenizer.encode_batch(texts):
        ids = np.asarray([encoding.ids], dtype=np.int64)
        inputs.append({"input_ids": ids, "attention_mask": np.ones_like(ids)})
    return inputs


def export_static_onnx(model_dir: Path, calibration: list[dict]) -> None:
    """``onnx/model.static-int8.onnx``: int8 weights (per channel) and activations (scales from ``calibration``),
    as QDQ pairs around each MatMul, which ONNX Runtime fuses into integer kernels."""
    from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    class Reader(CalibrationDataReader):
        def __init__(self) -> None:
            self.pending = iter(calibration)

        def get_next(self) -> dict | None:
            return next(self.pending, None)

    fp32, static = (model_dir / EXPORT_FILES[name] for name in ("onnx-fp32", "onnx-static-int8"))
    prepared = static.with_name("model.prepared.onnx")
    quant_pre_process(str(fp32), str(prepared))  # shapes inferred and graph simplified, as quantisation expects
    try:
        quantize_static(
            str(prepared),
            str(static),
            Reader(),
            quant_format=QuantFormat.QDQ,
            op_types_to_quantize=["MatMul"],
            per_channel=True,
            activation_type=QuantType.QUInt8,
            weight_type=QuantType.QInt8,
            # All calibration passes' activations are kept until the end (about 60 MB per review of ~130 tokens
            # for CamemBERT-base): onnxruntime 1.32's CalibMaxIntermediateOutputs drops them instead of reducing.
        )
    finally:
        prepared.unlink(missing_ok=True)


def export_openvino(model_dir: Path, calibration: list[dict]) -> None:
    """``openvino/model.int8.xml`` (+ ``.bin``): the fp32 ONNX graph quantised by NNCF (mixed preset: symmetric
    int8 weights, asymmetric activations), calibrated on ``calibration``.

    Not NNCF's ``ModelType.TRANSFORMER``: with openvino 2026.4.1 and nncf 3.4.0, its model fails to compile on the
    CPU ("Check 'convert->constant_fold(...)' failed", as in openvinotoolkit/openvino#33446), for the tiny
    CamemBERT of the tests and for camembert-base alike."""
    import nncf
    import openvino

    model = openvino.convert_model(str(model_dir / EXPORT_FILES["onnx-fp32"]))
    quantised = nncf.quantize(
        model, nncf.Dataset(calibration), preset=nncf.QuantizationPreset.MIXED, subset_size=len(calibration)
    )
    target = model_dir / EXPORT_FILES["openvino-int8"]
    target.parent.mkdir(exist_ok=True)
    openvino.save_model(quantised, str(target))
    # Converted from the ONNX export: the same padding index, recorded beside it too.
    onnx_record = (model_dir / EXPORT_FILES["onnx-fp32"]).parent / EXPORT_RECORD
    record_export(target.parent, json.loads(onnx_record.read_text(encoding="utf-8"))["pad_token_id"])


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
        error = np.abs(logits - reference)
        agreement = float(np.mean(logits.argmax(-1) == reference.argmax(-1)))
        results.append(
            {
                "acceleration": acceleration,
                "runtime": description,
                "reviews_per_s": round(speed, 2),
                "peak_rss_mb": round(peak_mb),
                "label_agreement": round(agreement, 4),
                "max_abs_logit_error": round(float(error.max()), 5),
                "mean_abs_logit_error": round(float(error.mean()), 5),
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
    model_dir: Path,
    texts: list[str],
    sample: int,
    min_agreement: float | None,
    max_rss_mb: int = MAX_WORKER_RSS_MB,
    calibration: int = 64,
    limit: int | None = None,
    export: bool = True,
) -> dict:
    """Export, measure and choose. The last ``calibration`` of ``texts`` calibrate the static quantisations and the
    others (the first ``limit``) measure agreement; a file too short for both lends all its reviews to each."""
    disjoint = len(texts) > calibration
    held_out, texts = (texts[-calibration:], texts[:-calibration]) if disjoint else (texts, texts)
    texts = texts[:limit]
    profile = load_profile(model_dir)
    if export:
        export_onnx(model_dir)
        calibration_data = calibration_inputs(model_dir, held_out)
        export_static_onnx(model_dir, calibration_data)
        export_openvino(model_dir, calibration_data)
    results = measure(model_dir, texts, texts[:sample], profile.bulk.threads)
    chosen = choose(results, min_agreement, max_rss_mb)
    save_profile(model_dir, replace(profile, acceleration=chosen))
    report = {
        "chosen": chosen,
        "rule": f"fastest with peak RSS <= {max_rss_mb} MB"
        + ("" if min_agreement is None else f" and label agreement >= {min_agreement}"),
        "agreement_on": f"{len(texts)} reviews",
        "calibrated_on": f"{len(held_out)} reviews"
        + (", none of those agreement is measured on" if disjoint else ", the same (too few reviews to split)"),
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
    parser.add_argument(
        "--calibration", type=int, default=64, help="reviews for static quantisation: the last N of --data"
    )
    parser.add_argument("--limit", type=int, default=None, help="compare labels on the first N reviews only")
    parser.add_argument("--min-agreement", type=float, default=0.995)
    parser.add_argument("--max-rss-mb", type=int, default=MAX_WORKER_RSS_MB, help="peak memory of one worker")
    parser.add_argument("--speed-only", action="store_true", help="ignore agreement (random-weight cost stand-ins)")
    parser.add_argument(
        "--measure-only", action="store_true", help="measure and choose among the exports already made (no export)"
    )
    args = parser.parse_args(argv)
    if not (args.model / "config.json").is_file():
        print(f"error: {args.model} is not a Hugging Face checkpoint (no config.json)", file=sys.stderr)
        return 2
    try:
        texts = load_labelled(args.data).texts
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    min_agreement = None if args.speed_only else args.min_agreement
    report = accelerate(
        args.model,
        texts,
        args.sample,
        min_agreement,
        args.max_rss_mb,
        args.calibration,
        args.limit,
        export=not args.measure_only,
    )
    print(f"serving {report['chosen']} ({report['rule']}); report in {args.model / REPORT_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
