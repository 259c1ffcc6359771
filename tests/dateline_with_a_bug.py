"""``dateline`` with a bug put in its build: the build fails as a bug would (not with a
user's mistake) while an article's text says BUG. For tests of what a bug leaves."""

import sys
from pathlib import Path
from typing import Any

import dateline.cli

_build = dateline.cli.build_site


def build_with_a_bug(settings: Any, *args: Any, **kwargs: Any) -> Any:
    if any("BUG" in path.read_text(encoding="utf-8") for path in Path(settings.articles_dir).rglob("*.md")):
        raise RuntimeError("a bug put in for a test")
    return _build(settings, *args, **kwargs)


if __name__ == "__main__":
    dateline.cli.build_site = build_with_a_bug
    sys.exit(dateline.cli.app(prog_name="dateline"))
