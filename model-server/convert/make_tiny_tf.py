"""Write a tiny random TensorFlow CamemBERT (``tf_model.h5``) and its logits on fixed inputs, for the conversion
test. Runs in the conversion environment (TensorFlow + transformers 4.46).

Its ``config.json`` says ``pad_token_id`` 0, as the real converted checkpoint's does, while TensorFlow's CamemBERT
numbers positions from 1 whatever it says: the test proves the padding-index correction (models/pad_index.py)
on padded batches of mixed lengths."""

import json
import sys
from pathlib import Path

import tensorflow as tf
from transformers import CamembertConfig, TFCamembertForSequenceClassification

out = Path(sys.argv[1])
tf.random.set_seed(0)
config = CamembertConfig(
    vocab_size=32005,
    hidden_size=16,
    num_hidden_layers=1,
    num_attention_heads=2,
    intermediate_size=32,
    max_position_embeddings=34,
    type_vocab_size=1,
    pad_token_id=0,  # philschmid/pt-tblard-tf-allocine's value; the tokenizer pads with 1
    bos_token_id=5,
    eos_token_id=6,
    id2label={0: "NEGATIVE", 1: "POSITIVE"},
    label2id={"NEGATIVE": 0, "POSITIVE": 1},
)
model = TFCamembertForSequenceClassification(config)
# Mixed lengths, padded with the tokenizer's <pad> (1).
ids = tf.constant([[5, 1_000, 2_000, 6, 1, 1], [5, 3_000, 4_000, 5_000, 6_000, 6], [5, 7_000, 6, 1, 1, 1]])
mask = tf.cast(ids != 1, tf.int32)
logits = model(input_ids=ids, attention_mask=mask).logits.numpy().tolist()
model.save_pretrained(out)
(out / "expected.json").write_text(json.dumps({"input_ids": ids.numpy().tolist(), "logits": logits}))
print(f"wrote a tiny TensorFlow CamemBERT to {out}")
