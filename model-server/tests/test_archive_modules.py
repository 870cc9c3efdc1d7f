"""The TorchServe archive holds every module the handler imports (a missing one kills each worker at load)."""

import ast
import re

from conftest import MODEL_SERVER

PACKAGE = MODEL_SERVER / "allocine_sentiment"


def archived() -> set[str]:
    script = (MODEL_SERVER / "scripts" / "build-mar.sh").read_text()
    return set(re.search(r"for module in ([\w ]+); do", script).group(1).split())


def imported_by(module: str) -> set[str]:
    tree = ast.parse((PACKAGE / f"{module}.py").read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.startswith("allocine_sentiment."):
                found.add(node.module.split(".")[1])
            elif node.level == 1:
                found.add(node.module.split(".")[0])
    return found


def test_every_module_the_handler_needs_is_in_the_archive():
    needed, todo = set(), ["handler"]
    while todo:
        module = todo.pop()
        if module in needed or not (PACKAGE / f"{module}.py").is_file():
            continue
        needed.add(module)
        todo.extend(imported_by(module))
    assert "serving" in needed
    assert needed <= archived(), f"missing from build-mar.sh: {sorted(needed - archived())}"
