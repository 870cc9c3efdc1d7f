"""The forge's CI workflow runs the same scripts as the local entry point, and the README's test command."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def workflow() -> dict:
    return yaml.safe_load((ROOT / ".github/workflows/ci.yml").read_text())


def runs(job: str) -> str:
    return "\n".join(step.get("run", "") for step in workflow()["jobs"][job]["steps"])


def test_the_workflow_tests_with_ci_run_which_runs_the_readmes_test_command():
    assert "bash .ci/run" in runs("test")
    readme = (ROOT / "README.md").read_text()
    assert "npm test" in readme
    assert (ROOT / ".ci/run").read_text().rstrip().endswith("npm test")


def test_images_are_built_with_the_base_image_arguments_then_smoke_tested_and_pushed_on_a_tag():
    assert "scripts/docker/build-images.sh" in runs("images")
    assert "scripts/compose-smoke.sh" in runs("images")
    build = (ROOT / "scripts/docker/build-images.sh").read_text()
    for argument in ("NODE_IMAGE", "PYTHON_IMAGE", "NGINX_IMAGE"):
        assert f"--build-arg {argument}=" in build
    release = workflow()["jobs"]["release"]
    assert release["if"] == "startsWith(github.ref, 'refs/tags/v')" and release["needs"] == "images"
    assert "scripts/docker/push-images.sh" in runs("release")
    tags = workflow()[True]["push"]["tags"]  # YAML 1.1 reads the key `on` as true
    assert tags == ["v*"]


def test_every_script_the_workflow_names_exists():
    for job in workflow()["jobs"]:
        for script in re.findall(r"(?:bash|sh) ([\w./-]+)", runs(job)):
            assert (ROOT / script).is_file(), script
