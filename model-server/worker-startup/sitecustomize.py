"""Run by every Python that TorchServe starts: scripts/start.sh and the image put this folder on TorchServe's
PYTHONPATH, and nothing else's.

TorchServe's wire protocol (``ts/protocol/otf_message_handler.py``) imports PyTorch when a worker starts, only to
recognise a tensor reply, which our handler never gives. With PyTorch's default build that import holds about
450 MB resident per worker, for the embedded model that is served by NumPy alone: three workers were most of
``npm start``'s memory (bench/results/footprint-*.json). Here ``torch`` is registered as a
placeholder module: importing it costs nothing, and the first attribute read (a Hugging Face model's code, a
tensor reply) imports PyTorch whole, as an ordinary import would. (``importlib.util.LazyLoader`` cannot do this on
Python 3.11: the import statement itself reads the module's ``__spec__``, which loads it.)
"""

import importlib
import importlib.util
import sys
import types


class _Deferred(types.ModuleType):
    """Stands in ``sys.modules`` for a module until something reads one of its attributes."""

    def __getattr__(self, attribute: str):  # only for attributes it lacks: all but those set below
        name = self.__name__
        if sys.modules.get(name) is self:
            del sys.modules[name]
            real = importlib.import_module(name)
            # Whoever holds the placeholder (``import torch`` done early) now reads the real module's attributes.
            self.__dict__.update(real.__dict__)
        return getattr(sys.modules[name], attribute)


def _import_lazily(name: str) -> None:
    if name in sys.modules:
        return
    spec = importlib.util.find_spec(name)
    if spec is None:
        return
    placeholder = _Deferred(name)
    placeholder.__spec__ = spec
    sys.modules[name] = placeholder


_import_lazily("torch")
