"""The ways a Hugging Face classifier's forward pass can run: PyTorch fp32 or dynamic int8, ONNX Runtime fp32,
dynamic int8 or static int8 (QDQ), OpenVINO int8, and PyTorch on a GPU in bf16/fp16. Each turns padded token
ids into logits; nothing else differs.

Which one a model serves is chosen by measurement (``allocine_sentiment.tools.accelerate``) and written into its
serving profile. Exports live in the model directory under ``onnx/`` and ``openvino/``. Runtimes take and give
NumPy arrays, and only the PyTorch ones import PyTorch: an ONNX Runtime or OpenVINO worker stays ~450 MB lighter.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol

import numpy as np

from allocine_sentiment.models.pad_index import check_export, pad_for_torch
from allocine_sentiment.serving_profile import export_file

logger = logging.getLogger(__name__)


class Runtime(Protocol):
    description: str

    def logits(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Float32 logits, one row per window, from int64 token ids and attention mask."""
        ...


class TorchRuntime:
    def __init__(self, model_dir: Path, int8: bool = False, device: str = "cpu", gpu_dtype: str = "bfloat16") -> None:
        import torch
        from transformers import AutoModelForSequenceClassification

        gpu_dtypes = {"bfloat16": torch.bfloat16, "float16": torch.float16, "float32": torch.float32}
        # The tokenizer's padding index where config.json says another (a warning names the file to correct).
        fixed = pad_for_torch(model_dir)
        model = AutoModelForSequenceClassification.from_pretrained(model_dir, local_files_only=True, **fixed).eval()
        if int8:
            # Dynamic int8 on the Linear layers: weights quantised once, activations per batch.
            model = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        dtype = gpu_dtypes[gpu_dtype] if device.startswith("cuda") else torch.float32
        if dtype is torch.bfloat16 and device.startswith("cuda") and not torch.cuda.is_bf16_supported():
            dtype = torch.float16  # pre-Ampere GPUs
        self.model = model.to(device=device, dtype=dtype)
        self.device = device
        self.description = f"torch-{'int8' if int8 else str(dtype).removeprefix('torch.')} on {device}"

    def logits(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        import torch

        with torch.inference_mode():
            ids_t, mask_t = torch.from_numpy(ids).to(self.device), torch.from_numpy(mask).to(self.device)
            return self.model(input_ids=ids_t, attention_mask=mask_t).logits.float().cpu().numpy()


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

    def logits(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        (out,) = self.session.run(["logits"], {"input_ids": ids, "attention_mask": mask})
        return out.astype(np.float32, copy=False)


class OpenVinoRuntime:
    def __init__(self, path: Path, threads: int) -> None:
        import openvino

        # One stream of the lane's threads: TorchServe's workers already give the parallelism, and a worker
        # runs one pass at a time. Shapes stay dynamic (each pass has its own length); the plugin's cache of
        # kernels per shape is off, since with a new shape almost every pass it grew a worker past 2 GB
        # (bench:transformer-tuning) for no gain in speed. No pinning of threads to cores: every worker process
        # would pin its first thread to the same core, and two workers of one thread ran at half speed.
        config = {
            "INFERENCE_NUM_THREADS": threads,
            "NUM_STREAMS": 1,
            "PERFORMANCE_HINT": "LATENCY",
            "CPU_RUNTIME_CACHE_CAPACITY": 0,
            "ENABLE_CPU_PINNING": False,
        }
        self.model = openvino.Core().compile_model(str(path), "CPU", config)
        self.request = self.model.create_infer_request()
        self.description = "openvino int8 on cpu"

    def logits(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        out = self.request.infer({"input_ids": ids, "attention_mask": mask})
        return np.array(out[self.model.output(0)], dtype=np.float32)  # a copy: the request reuses its buffer


def pick_device(requested: str, gpu_id: int | None) -> str:
    """The GPU TorchServe assigned this worker when there is one and the profile allows it, else the CPU."""
    if requested == "cpu" or gpu_id is None:
        return "cpu"
    import torch

    if not torch.cuda.is_available():
        return "cpu"
    return f"cuda:{gpu_id}"


def load_runtime(
    model_dir: Path, acceleration: str, threads: int, device: str = "cpu", gpu_dtype: str = "bfloat16"
) -> Runtime:
    """The runtime for ``acceleration``; on a GPU always PyTorch (the int8 and ONNX variants are CPU-only)."""
    if device != "cpu":
        return TorchRuntime(model_dir, device=device, gpu_dtype=gpu_dtype)
    path = export_file(acceleration)
    if path is not None:
        if (model_dir / path).is_file():
            check_export(model_dir, model_dir / path)  # refused when exported with another padding index
            if acceleration.startswith("openvino"):
                return OpenVinoRuntime(model_dir / path, threads)
            return OnnxRuntime(model_dir / path, threads)
        # A profile naming a missing export must still serve: fp32 PyTorch gives the reference predictions.
        logger.warning("%s not found in the model directory; serving torch-fp32 instead", path)
        acceleration = "torch-fp32"
    import torch

    torch.set_num_threads(threads)
    return TorchRuntime(model_dir, int8=acceleration == "torch-int8")
