"""The ways a Hugging Face classifier's forward pass can run: PyTorch fp32 or dynamic int8, ONNX Runtime fp32 or
int8, and PyTorch on a GPU in bf16/fp16. Each turns padded token ids into logits; nothing else differs.

Which one a model serves is chosen by measurement (``allocine_sentiment.tools.accelerate``) and written into its
serving profile. ONNX files live in the model directory under ``onnx/``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol

import torch

from allocine_sentiment.models.pad_index import check_onnx, pad_for_torch
from allocine_sentiment.serving_profile import onnx_file

logger = logging.getLogger(__name__)

GPU_DTYPES = {"bfloat16": torch.bfloat16, "float16": torch.float16, "float32": torch.float32}


class Runtime(Protocol):
    description: str

    def logits(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """Float32 logits on the CPU, one row per window."""
        ...


class TorchRuntime:
    def __init__(self, model_dir: Path, int8: bool = False, device: str = "cpu", gpu_dtype: str = "bfloat16") -> None:
        from transformers import AutoModelForSequenceClassification

        # The tokenizer's padding index where config.json says another (a warning names the file to correct).
        fixed = pad_for_torch(model_dir)
        model = AutoModelForSequenceClassification.from_pretrained(model_dir, local_files_only=True, **fixed).eval()
        if int8:
            # Dynamic int8 on the Linear layers: weights quantised once, activations per batch.
            model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        dtype = GPU_DTYPES[gpu_dtype] if device.startswith("cuda") else torch.float32
        if dtype is torch.bfloat16 and device.startswith("cuda") and not torch.cuda.is_bf16_supported():
            dtype = torch.float16  # pre-Ampere GPUs
        self.model = model.to(device=device, dtype=dtype)
        self.device = device
        self.description = f"torch-{'int8' if int8 else str(dtype).removeprefix('torch.')} on {device}"

    def logits(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        out = self.model(input_ids=ids.to(self.device), attention_mask=mask.to(self.device)).logits
        return out.float().cpu()


class OnnxRuntime:
    def __init__(self, path: Path, threads: int) -> None:
        import onnxruntime

        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # No busy-waiting between passes: the interactive worker shares the cores and must get them at once.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        # Memory patterns are cached per input shape, and every batch has a new shape: they only grow memory.
        # The arena stays on: with passes bounded by the token budget it stays small (0.35 GB measured for int8
        # at 1,024 tokens), while without it glibc fragments to 1.4 GB and runs half as fast.
        options.enable_mem_pattern = False
        self.session = onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.description = f"onnxruntime {path.stem.split('.')[-1]} on cpu"

    def logits(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        (out,) = self.session.run(["logits"], {"input_ids": ids.numpy(), "attention_mask": mask.numpy()})
        return torch.from_numpy(out).float()


def pick_device(requested: str, gpu_id: int | None) -> str:
    """The GPU TorchServe assigned this worker when there is one and the profile allows it, else the CPU."""
    if requested == "cpu" or gpu_id is None or not torch.cuda.is_available():
        return "cpu"
    return f"cuda:{gpu_id}"


def load_runtime(
    model_dir: Path, acceleration: str, threads: int, device: str = "cpu", gpu_dtype: str = "bfloat16"
) -> Runtime:
    """The runtime for ``acceleration``; on a GPU always PyTorch (the int8 and ONNX variants are CPU-only)."""
    if device != "cpu":
        return TorchRuntime(model_dir, device=device, gpu_dtype=gpu_dtype)
    torch.set_num_threads(threads)
    path = onnx_file(acceleration)
    if path is not None:
        if (model_dir / path).is_file():
            check_onnx(model_dir, model_dir / path)  # refused when exported with another padding index
            return OnnxRuntime(model_dir / path, threads)
        # A profile naming a missing export must still serve: fp32 PyTorch gives the reference predictions.
        logger.warning("%s not found in the model directory; serving torch-fp32 instead", path)
        return TorchRuntime(model_dir)
    return TorchRuntime(model_dir, int8=acceleration == "torch-int8")
