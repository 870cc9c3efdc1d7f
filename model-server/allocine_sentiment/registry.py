"""The model registry: one folder per registered version, each a servable model directory plus its card.

``$MODEL_REGISTRY_DIR`` (default ``model-server/registry``, gitignored) holds ``<version>/``; the backend lists
it for ``GET /api/v1/models`` and registers a version's archive with TorchServe when it is shadowed or promoted.
The card (``card.json``) says where the version came from (base model, data fingerprint, corrections), how it
scored on every evaluation set beside its base, the gate's verdict, its calibration and its serving profile.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from allocine_sentiment.contract import LIFECYCLE
from allocine_sentiment.paths import MODEL_SERVER_DIR

CARD_FILE: str = LIFECYCLE["registryCard"]
# TorchServe takes a version as a path segment: letters, digits, dots, dashes and underscores only.
VERSION_PATTERN = re.compile(LIFECYCLE["versionPattern"])


def registry_dir() -> Path:
    return Path(os.environ.get("MODEL_REGISTRY_DIR") or MODEL_SERVER_DIR / "registry")


def registered_versions(registry: Path) -> list[str]:
    if not registry.is_dir():
        return []
    return sorted(p.name for p in registry.iterdir() if (p / CARD_FILE).is_file())


def next_version(base: str, taken: set[str]) -> str:
    """The first free successor of ``base``: 1.0 → 1.1, 1.2, …; any other form gets ``-r1``, ``-r2``, …"""
    match = re.fullmatch(r"(\d+)\.(\d+)", base)
    for step in range(1, 10_000):
        candidate = f"{match[1]}.{int(match[2]) + step}" if match else f"{base}-r{step}"
        if candidate not in taken and candidate != base:
            return candidate
    raise ValueError(f"no free version after {base}")


def write_card(model_dir: Path, card: dict) -> None:
    (model_dir / CARD_FILE).write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
