"""Command lines that make model directories: CamemBERT fetched and converted, random CamemBERTs for tests,
ONNX acceleration."""
