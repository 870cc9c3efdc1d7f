"""Convert a TensorFlow sequence-classification checkpoint (``tf_model.h5``) to ``model.safetensors`` in place.

Runs in the conversion environment only (``convert.sh``): transformers 4.46 + TensorFlow.
"""

import sys

from transformers import AutoModelForSequenceClassification

model_dir = sys.argv[1]
model = AutoModelForSequenceClassification.from_pretrained(model_dir, from_tf=True)
model.save_pretrained(model_dir, safe_serialization=True)
print(f"converted {model_dir}/tf_model.h5 to model.safetensors")
