"""The GitHub Pages workflow's own step, run here as the workflow runs it."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import yaml

from dateline.config import load_settings
from tests.projects import REPO


def run_step(step: dict[str, str], folder: Path, base_url: str) -> None:
    environment = {**os.environ, "BASE_URL": base_url}
    subprocess.run(["bash", "-e", "-c", step["run"]], cwd=folder, env=environment, check=True)


def test_the_pages_workflow_gives_mkdocs_yml_the_published_address_unless_it_has_one(tmp_path: Path) -> None:
    workflow = yaml.safe_load((REPO / ".github" / "workflows" / "pages.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build"]["steps"]
    names = [step.get("run", step.get("uses", "")).strip() for step in steps]
    address = next(index for index, step in enumerate(steps) if "site_url" in step.get("run", ""))
    # Pages' address comes from configure-pages, before the build.
    assert steps[address]["env"]["BASE_URL"] == "${{ steps.pages.outputs.base_url }}"
    pages = next(index for index, step in enumerate(steps) if step.get("id") == "pages")
    assert names[pages].startswith("actions/configure-pages@") and pages < address < names.index("make site")

    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    run_step(steps[address], tmp_path, "https://user.github.io/archive")
    settings = load_settings(tmp_path / "mkdocs.yml")
    assert (settings.site_url, settings.site_path) == ("https://user.github.io/archive/", "/archive/")
    # A site_url already there (a custom domain, say) is kept as it is.
    run_step(steps[address], tmp_path, "https://elsewhere.example/")
    assert load_settings(tmp_path / "mkdocs.yml").site_url == "https://user.github.io/archive/"
