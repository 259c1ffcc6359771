"""Small Dateline projects in temporary folders, for tests at every level."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

from dateline.config import Settings, load_settings
from dateline.pages import GENERATED_ROOTS

REPO = Path(__file__).resolve().parent.parent
PUBLISHED_URL = "https://example.org/archive/"
"""A project's address on GitHub Pages, under a path, as the tests publish a site."""


def article(title: str = "A title", date: str = "2021-08-13", cities: str = "[Kabul]",
            body: str = "First paragraph.\n", **extra: str) -> str:
    """Text of an article file; extra keys are written as given (already YAML)."""
    lines = ["---", f"title: {title}", f"date: {date}", f"cities: {cities}"]
    lines += [f"{key}: {value}" for key, value in extra.items()]
    return "\n".join(lines) + "\n---\n\n" + textwrap.dedent(body)


class Project:
    """A copy of the repository's site configuration with its own articles."""

    def __init__(self, root: Path) -> None:
        self.root = root
        shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
        for folder in ("overrides",):
            if (REPO / folder).is_dir():
                shutil.copytree(REPO / folder, root / folder)
        generated = {REPO / "docs" / name for name in GENERATED_ROOTS}
        shutil.copytree(REPO / "docs", root / "docs",
                        ignore=lambda folder, names: [n for n in names if Path(folder, n) in generated])
        (root / "articles").mkdir()

    def write(self, relative: str, text: str | bytes) -> Path:
        path = self.root / "articles" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    def publish_at(self, site_url: str = PUBLISHED_URL) -> None:
        """Give mkdocs.yml a ``site_url``: the site as published (canonical links, the
        sitemap's addresses, and a 404 page whose links start with the address's path)."""
        config = self.root / "mkdocs.yml"
        config.write_text(f"site_url: {site_url}\n" + config.read_text(encoding="utf-8"), encoding="utf-8")

    @property
    def settings(self) -> Settings:
        return load_settings(self.root / "mkdocs.yml")

    @property
    def site(self) -> Path:
        return self.root / "site"

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """The ``dateline`` command, run in the project folder as a user would."""
        return subprocess.run([sys.executable, "-m", "dateline", *args], cwd=self.root,
                              capture_output=True, text=True, check=False)
