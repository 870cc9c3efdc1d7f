"""Check a converted checkpoint in the serving environment (transformers 5): ``model.safetensors`` is there, the
TensorFlow file is not needed, and its logits on ``expected.json``'s inputs equal TensorFlow's.

    python check_converted.py DIR        (DIR as written by make_tiny_tf.py, then converted)
"""

import json
import sys
from pathlib import Path

import torch
from transformers import AutoModelForSequenceClassification

model_dir = Path(sys.argv[1])
assert (model_dir / "model.safetensors").is_file(), f"no model.safetensors in {model_dir}"
expected = json.loads((model_dir / "expected.json").read_text())
model = AutoModelForSequenceClassification.from_pretrained(model_dir, local_files_only=True).eval()
ids = torch.tensor(expected["input_ids"])
with torch.inference_mode():
    logits = model(input_ids=ids, attention_mask=(ids != 1).long()).logits
error = (logits - torch.tensor(expected["logits"])).abs().max().item()
assert error < 1e-4, f"converted logits differ from TensorFlow's by {error}"
print(f"conversion checked: PyTorch logits equal TensorFlow's (max error {error:.2e})")
