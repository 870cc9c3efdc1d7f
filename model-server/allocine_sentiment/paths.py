"""Where things live, relative to the repository so commands work from any directory."""

from __future__ import annotations

import os
from pathlib import Path

MODEL_SERVER_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = MODEL_SERVER_DIR.parent
EMBEDDED_MODEL_DIR = MODEL_SERVER_DIR / "model" / "embedded"


def shared_data_dir() -> Path:
    """``$ALLOCINE_DATA_DIR`` when set, else ``../shared/data`` beside the repository."""
    return Path(os.environ.get("ALLOCINE_DATA_DIR") or REPO_ROOT.parent / "shared" / "data")
