"""Allociné Sentiment: French movie-review sentiment models and their TorchServe handler."""

LABELS = ("negative", "positive")
