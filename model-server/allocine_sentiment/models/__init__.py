"""The model families behind the predictor interface (allocine_sentiment.base): the embedded n-gram model and
Hugging Face checkpoints, their runtimes (PyTorch, ONNX Runtime) and their explanations."""
