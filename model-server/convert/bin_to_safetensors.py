"""Convert ``DIR/pytorch_model.bin`` (a pickle) to ``DIR/model.safetensors`` in place.

Runs in the conversion environment only (``convert.sh``), never in the serving one: the pickle is read with
``torch.load(weights_only=True)``, which rebuilds tensors and plain containers and refuses any other object, and
only a plain state dict of tensors is accepted. Serving then reads safetensors alone.
"""

import sys
from pathlib import Path

import torch
from safetensors.torch import save_file

model_dir = Path(sys.argv[1])
try:
    state = torch.load(model_dir / "pytorch_model.bin", map_location="cpu", weights_only=True)
except Exception as error:  # an UnpicklingError names what the file tried to build
    sys.exit(f"pytorch_model.bin refused: {type(error).__name__}: {str(error).splitlines()[0]}")
plain = isinstance(state, dict) and all(isinstance(k, str) and isinstance(v, torch.Tensor) for k, v in state.items())
if not plain:
    sys.exit("pytorch_model.bin refused: not a plain state dict of tensors")
# safetensors keeps no shared storage: each tensor its own contiguous copy.
copies = {name: tensor.contiguous().clone() for name, tensor in state.items()}
save_file(copies, model_dir / "model.safetensors", {"format": "pt"})
print(f"converted {model_dir}/pytorch_model.bin to model.safetensors ({len(state)} tensors, weights only)")
