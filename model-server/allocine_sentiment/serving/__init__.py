"""Serving: the TorchServe handler and the FastAPI server, both answering the model-server contract
(allocine_sentiment.contract), and what they share. The TorchServe archive packs this package whole."""
