"""The backend-to-model-server seam, read from the one file TypeScript reads too.

``libs/contracts/src/model-server-contract.json`` holds the model name, the interactive lane's suffix, the
headers, the embedded model's serving profile and the JSON Schema of every body. Inside an image or a
TorchServe archive the file travels beside this module (``build-mar.sh`` and the Dockerfile put it there);
in a checkout it is read where it lives.
"""

from __future__ import annotations

import json
import pkgutil
from functools import lru_cache
from pathlib import Path

CONTRACT_FILE = "model-server-contract.json"


def contract_path() -> Path:
    """Where the contract is on this machine: beside the package when packaged, else in the checkout."""
    packaged = Path(__file__).with_name(CONTRACT_FILE)
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "libs" / "contracts" / "src" / CONTRACT_FILE


@lru_cache(maxsize=1)
def contract() -> dict:
    try:
        # Beside the package: in the TorchServe archive, the image, or the zip Spark executors import it from.
        packaged = pkgutil.get_data("allocine_sentiment", CONTRACT_FILE)
    except FileNotFoundError:
        packaged = None
    return json.loads(packaged if packaged is not None else contract_path().read_bytes())


MODEL_NAME: str = contract()["modelName"]
# Interactive requests get a TorchServe model of their own (same archive) so they never queue behind chunks.
INTERACTIVE_SUFFIX: str = contract()["interactiveSuffix"]
DEADLINE_HEADER: str = contract()["headers"]["deadline"]
REQUEST_ID_HEADER: str = contract()["headers"]["requestId"]
BATCH_HEADER: str = contract()["headers"]["batchRequests"]
# Model versions: the registry's card file, the archives' name prefix, the sets a card is evaluated on, the gate.
LIFECYCLE: dict = contract()["lifecycle"]
