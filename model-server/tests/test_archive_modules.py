"""The TorchServe archive holds every module the handler imports (a missing one kills each worker at load), the
contract file beside contract.py, and nothing of training, tools or spark."""

import ast
import zipfile
from pathlib import Path

from conftest import MODEL_SERVER

PACKAGE = MODEL_SERVER / "allocine_sentiment"


def module_file(module: str) -> Path | None:
    """The source of a module of the package (a dotted name), or None when it is not one of ours."""
    if not module.startswith("allocine_sentiment"):
        return None
    parts = module.split(".")[1:]
    for candidate in (PACKAGE.joinpath(*parts).with_suffix(".py"), PACKAGE.joinpath(*parts, "__init__.py")):
        if candidate.is_file():
            return candidate
    return None


def imported_by(source: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(source.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("allocine_sentiment"):
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)  # `from package import module`
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("allocine_sentiment"))
    return found


def needed_by_handler() -> set[Path]:
    needed, todo = set(), [PACKAGE / "serving" / "handler.py"]
    while todo:
        source = todo.pop()
        if source in needed:
            continue
        needed.add(source)
        todo.extend(found for module in imported_by(source) if (found := module_file(module)) is not None)
        # A package's __init__ runs before any of its modules.
        for parent in source.relative_to(PACKAGE).parents:
            if (init := PACKAGE / parent / "__init__.py").is_file():
                todo.append(init)
    return needed


def test_the_archive_holds_what_the_handler_imports_and_nothing_of_training(torchserve):
    archive = Path(torchserve["MODEL_STORE"]) / "allocine-sentiment.mar"
    packed = set(zipfile.ZipFile(archive).namelist())
    needed = {f"allocine_sentiment/{path.relative_to(PACKAGE).as_posix()}" for path in needed_by_handler()}
    assert "allocine_sentiment/serving/answers.py" in needed and "allocine_sentiment/models/hf_model.py" in needed
    assert needed <= packed, f"missing from the archive: {sorted(needed - packed)}"
    assert "allocine_sentiment/model-server-contract.json" in packed
    not_served = tuple(f"allocine_sentiment/{package}/" for package in ("training", "tools", "spark"))
    assert not [name for name in packed if name.startswith(not_served)]
