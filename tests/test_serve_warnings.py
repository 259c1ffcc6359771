"""What ``dateline build`` and ``dateline serve`` tell of warnings: mkdocs.yml's printed
once per serve session, a build failing after the check still showing the check's, and
a configuration file ``INHERIT``-ed from outside the project followed."""

from __future__ import annotations

import json
import re
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from dateline.serve import EVENTS
from tests.projects import Project, article
from tests.served import Served

pytestmark = pytest.mark.slow

TWICE = r"^mkdocs\.yml:\d+: {key}: warning: appears twice"
UNKNOWN_KEY = r"^articles/2021/b\.md:\d+: titel: warning: unknown key"


def append(path: Path, text: str) -> str:
    """Add ``text`` to the end of ``path``; its text before."""
    before = path.read_text(encoding="utf-8")
    path.write_text(before + text, encoding="utf-8")
    return before


def events_now(served: Served) -> dict[str, object]:
    """The build state a page open in the browser is told first (its problem box's lines)."""
    parts = urlsplit(served.url)
    with urllib.request.urlopen(f"{parts.scheme}://{parts.netloc}{EVENTS}", timeout=30) as stream:
        line = stream.readline().decode()
    assert line.startswith("data: "), line
    return json.loads(line[len("data: "):])  # type: ignore[no-any-return]


def test_serve_prints_each_mkdocs_yml_warning_once_unless_it_went_away_and_came_back(
        project: Project) -> None:
    config = project.root / "mkdocs.yml"
    append(config, "\nsite_description: Coverage, said twice.\n")
    project.write("2021/a.md", article("Alpha"))
    with Served(project.root) as served:
        served.wait_for(r"^Built 1 article")
        served.wait_for(TWICE.format(key="site_description"), stream="err")

        # An article's warning appears: mkdocs.yml's is counted, not printed again.
        project.write("2021/b.md", article("Bravo", date="2021-08-14", titel="Bravo"))
        served.wait_for(r"^Built 2 articles")
        served.wait_for(UNKNOWN_KEY, stream="err")

        # mkdocs.yml gets a second warning: only the new one is printed.
        before = append(config, "copyright: One\ncopyright: Two\n")
        served.wait_for(r"^Built 2 articles", times=2)
        served.wait_for(TWICE.format(key="copyright"), stream="err")
        assert served.count(TWICE.format(key="site_description"), "err") == 1, "\n".join(served.err)
        served.wait_for(r"^1 other warning, as before\.$", stream="err")
        served.wait_for(r"^2 other warnings, as before\.$", stream="err")

        # It goes away, then comes back: printed again, as an article's would be.
        config.write_text(before, encoding="utf-8")
        served.wait_for(r"^Built 2 articles", times=3)
        served.wait_for(r"^2 warnings, as before\.$", stream="err")
        append(config, "copyright: One\ncopyright: Two\n")
        served.wait_for(r"^Built 2 articles", times=4)
        served.wait_for(TWICE.format(key="copyright"), times=2, stream="err")
        assert served.stop() == 0
    assert served.count(TWICE.format(key="site_description"), "err") == 1, "\n".join(served.err)
    assert served.count(UNKNOWN_KEY, "err") == 1, "\n".join(served.err)
    assert served.count(TWICE.format(key="copyright"), "err") == 2, "\n".join(served.err)


def broken_search_page(project: Project) -> tuple[Path, str]:
    """Make MkDocs fail after the articles pass the check: a hand-written page's link
    leads nowhere (strict mode). The page and its good text."""
    search = project.docs / "search.md"
    good = search.read_text(encoding="utf-8")
    search.write_text(good + "\n[broken](nowhere.md)\n", encoding="utf-8")
    return search, good


def warned_project(project: Project) -> None:
    """A project with a warning in mkdocs.yml and one in an article."""
    append(project.root / "mkdocs.yml", "\nsite_description: Coverage, said twice.\n")
    project.write("2021/a.md", article("Alpha"))
    project.write("2021/b.md", article("Bravo", date="2021-08-14", titel="Bravo"))


def test_a_build_failing_in_mkdocs_prints_the_checks_warnings_then_the_error(project: Project) -> None:
    warned_project(project)
    broken_search_page(project)
    done = project.run("build")
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    said = [next((n for n, line in enumerate(lines) if re.search(pattern, line)), None)
            for pattern in (TWICE.format(key="site_description"), UNKNOWN_KEY, r"^MkDocs failed")]
    assert None not in said, done.stderr
    assert said == sorted(said), done.stderr  # the warnings, then the error, as check orders them
    assert "nowhere.md" in done.stderr and "Traceback" not in done.stderr


def test_serve_shows_the_checks_warnings_with_a_failure_in_mkdocs(project: Project) -> None:
    warned_project(project)
    search, good = broken_search_page(project)
    with Served(project.root) as served:
        # The first build fails: the terminal, and the page standing in for the site.
        served.wait_for(r"^No site yet; waiting for a change\.$", stream="err")
        for pattern in (TWICE.format(key="site_description"), UNKNOWN_KEY, r"^MkDocs failed"):
            assert served.count(pattern, "err") == 1, "\n".join(served.err)
        status, page = served.get("")
        assert status == 200 and "The first build failed" in page
        assert "appears twice" in page and "titel: warning: unknown key" in page and "nowhere.md" in page

        search.write_text(good, encoding="utf-8")
        served.wait_for(r"^Built 2 articles")
        served.wait_for(r"^2 warnings, as before\.$", stream="err")

        # It fails again once a site is served: the page's problem box, errors first.
        search.write_text(good + "\n[broken](nowhere.md)\n", encoding="utf-8")
        served.wait_for(r"^Serving the last good build", stream="err")
        state = events_now(served)
        assert state["ok"] is False
        problems = state["problems"]
        assert isinstance(problems, list) and problems[0].startswith("MkDocs failed"), problems
        assert any(re.search(TWICE.format(key="site_description"), line) for line in problems), problems
        assert any(re.search(UNKNOWN_KEY, line) for line in problems), problems
        # The terminal counts them: printed already.
        served.wait_for(r"^2 warnings, as before\.$", times=2, stream="err")
        assert served.stop() == 0
    assert served.count(UNKNOWN_KEY, "err") == 1, "\n".join(served.err)


def test_serve_follows_a_configuration_file_inherited_from_outside_the_project(tmp_path: Path) -> None:
    (tmp_path / "project").mkdir()
    project = Project(tmp_path / "project")
    base = tmp_path / "base.yml"
    base.write_text("site_name: Kabul Desk Archive\n", encoding="utf-8")
    config = project.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text("INHERIT: ../base.yml\n" + re.sub(r"(?m)^site_name:.*\n", "", text), encoding="utf-8")
    project.write("2021/a.md", article("Alpha"))
    with Served(project.root) as served:
        served.wait_for(r"^Built 1 article")
        assert "Kabul Desk Archive" in served.get("")[1]

        base.write_text("site_name: Herat Desk Archive\n", encoding="utf-8")
        served.wait_for(r"^Built 1 article", times=2)
        page = served.get("")[1]
        assert "Herat Desk Archive" in page and "Kabul Desk Archive" not in page

        # Only that file of its folder is watched.
        (tmp_path / "notes.txt").write_text("not the site's\n", encoding="utf-8")
        time.sleep(2)
        assert served.count(r"^Built ") == 2
        assert served.stop() == 0
