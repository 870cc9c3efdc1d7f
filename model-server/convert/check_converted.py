"""Check a converted checkpoint in the serving environment (transformers 5): ``model.safetensors`` is there, the
TensorFlow file is not needed, and its logits on ``expected.json``'s padded inputs equal TensorFlow's within 1e-4,
in PyTorch and in the ONNX export, once the padding index is corrected (models/pad_index.py); and differ before,
when ``config.json``'s ``pad_token_id`` (0) disagrees with the tokenizer's (1): the trap is real.

    python check_converted.py DIR        (DIR as written by make_tiny_tf.py, then converted, with tokenizer.json)
"""

import json
import sys
import tempfile
from pathlib import Path

import onnxruntime
import torch
from transformers import AutoModelForSequenceClassification

from allocine_sentiment.models.pad_index import check_export, fix_config, mismatch
from allocine_sentiment.models.runtimes import TorchRuntime
from allocine_sentiment.tools.accelerate import export_onnx

TOLERANCE = 1e-4
model_dir = Path(sys.argv[1])
assert (model_dir / "model.safetensors").is_file(), f"no model.safetensors in {model_dir}"
expected = json.loads((model_dir / "expected.json").read_text())
ids = torch.tensor(expected["input_ids"])
mask = (ids != 1).long()
tf_logits = torch.tensor(expected["logits"])


def error(logits: torch.Tensor) -> float:
    return (logits - tf_logits).abs().max().item()


def onnx_error(path: Path) -> float:
    session = onnxruntime.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (out,) = session.run(["logits"], {"input_ids": ids.numpy(), "attention_mask": mask.numpy()})
    return error(torch.from_numpy(out))


# Before: config.json as converted (pad_token_id 0), loaded as transformers does by default.
assert mismatch(model_dir) == (0, 1), mismatch(model_dir)
with torch.inference_mode():
    raw = AutoModelForSequenceClassification.from_pretrained(model_dir, local_files_only=True).eval()
    before = error(raw(input_ids=ids, attention_mask=mask).logits)
with tempfile.TemporaryDirectory() as work:
    unfixed_onnx = Path(work) / "unfixed.onnx"
    axes = {0: "batch", 1: "tokens"}
    torch.onnx.export(
        raw,
        (ids, mask),
        str(unfixed_onnx),
        input_names=["input_ids", "attention_mask"],
        output_names=["logits"],
        dynamic_axes={"input_ids": axes, "attention_mask": axes},
        opset_version=17,
        dynamo=False,
    )
    onnx_before = onnx_error(unfixed_onnx)
assert before > TOLERANCE, f"the wrong padding index should shift the logits (max error {before:.2e})"
assert onnx_before > TOLERANCE, f"the ONNX export from the wrong index should differ too ({onnx_before:.2e})"

# At load: the PyTorch runtime takes the tokenizer's index without touching the file.
with torch.inference_mode():
    at_load = error(torch.from_numpy(TorchRuntime(model_dir).logits(ids.numpy(), mask.numpy())))
assert at_load < TOLERANCE, f"PyTorch with the corrected index differs from TensorFlow by {at_load:.2e}"

# At install: config.json corrected, then the ONNX export (model:accelerate) made from it, and recorded.
assert fix_config(model_dir) == 1 and mismatch(model_dir) is None
export_onnx(model_dir)
check_export(model_dir, model_dir / "onnx" / "model.fp32.onnx")
onnx_after = onnx_error(model_dir / "onnx" / "model.fp32.onnx")
assert onnx_after < TOLERANCE, f"the ONNX export differs from TensorFlow by {onnx_after:.2e}"
print(
    f"padding index checked: before the fix PyTorch differs from TensorFlow by {before:.2e} and ONNX by "
    f"{onnx_before:.2e}; after it, PyTorch {at_load:.2e} and ONNX {onnx_after:.2e} (tolerance {TOLERANCE:g})"
)
