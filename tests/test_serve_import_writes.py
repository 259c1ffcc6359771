"""What ``dateline serve`` says after each build, and how ``import`` and ``annotate --write``
meet a file the system refuses to write."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

import dateline.annotate
import dateline.serve
from dateline import cli
from dateline.build import BuildResult, Generated
from dateline.errors import Problem, Severity, ValidationFailed
from dateline.gazetteer import Gazetteer
from dateline.importer import Imported, write_new
from dateline.serve import BuildState
from dateline.writer import SyncReport
from tests.projects import PUBLISHED_URL, Project, article
from tests.test_serve import fetch

# --- serve: the loop, its builds played by a script ----------------------------------------

Step = Callable[[], BuildResult]
"""One build: its result, or the exception that ends it."""


def good(*warnings: Problem) -> Step:
    def build() -> BuildResult:
        archive: Any = SimpleNamespace(articles=[1], cities=[1], days=[1])
        return BuildResult(archive, Generated(3, 0), SyncReport(1, 2, 0), list(warnings), 0.1, rendered=1)
    return build


def failed(*problems: Problem) -> Step:
    def build() -> BuildResult:
        raise ValidationFailed(list(problems))
    return build


class Scripted:
    """``dateline serve`` run in this process on ``project``, its builds ``steps`` and,
    between them, ``between[i]`` run after build i (the server up), then Ctrl+C."""

    def __init__(self, project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
        self.project = project
        self.monkeypatch = monkeypatch
        self.state: BuildState | None = None
        self.base = ""

    def run(self, steps: list[Step], between: dict[int, Callable[[Scripted], None]] | None = None) -> None:
        script = iter(steps)
        done = 0
        after: dict[int, Callable[[Scripted], None]] = between or {}
        scripted = self

        def build(_settings: object, _checked: object = None) -> BuildResult:
            return next(script)()

        class Watcher:
            def __init__(self, _settings: object) -> None:
                self.changes = self

            def follow(self, _settings: object) -> None:
                pass

            def wait(self) -> None:
                nonlocal done
                done += 1
                if done in after:
                    after[done](scripted)
                if done == len(steps):
                    raise KeyboardInterrupt

            def close(self) -> None:
                pass

        real_start = dateline.serve.start_server

        def start_server(state: BuildState, host: str, port: int) -> Any:
            running = real_start(state, host, port)
            self.state, self.base = state, f"http://127.0.0.1:{running.server_address[1]}"
            return running

        self.monkeypatch.setattr(cli, "_build", build)
        self.monkeypatch.setattr(dateline.serve, "Watcher", Watcher)
        self.monkeypatch.setattr(dateline.serve, "start_server", start_server)
        self.monkeypatch.chdir(self.project.root)
        cli.serve(config=Path("mkdocs.yml"), host="127.0.0.1", port=0)


@pytest.fixture
def scripted(project: Project, monkeypatch: pytest.MonkeyPatch) -> Iterator[Scripted]:
    kept = signal.getsignal(signal.SIGTERM)  # serve makes `kill` stop it as Ctrl+C does
    project.publish_at()
    project.site.mkdir()  # as the good builds would have left it
    try:
        yield Scripted(project, monkeypatch)
    finally:
        signal.signal(signal.SIGTERM, kept)


def _warning(path: str, message: str) -> Problem:
    return Problem(path, 4, "cities", message, Severity.WARNING)


def test_warnings_are_printed_once_also_across_failed_builds_and_pages_show_errors_first(
        scripted: Scripted, capsys: pytest.CaptureFixture[str]) -> None:
    early = _warning("articles/a.md", "early warning")
    later = _warning("articles/c.md", "later warning")
    wrong = Problem("articles/b.md", 3, "date", "wrong date")
    shown: list[list[str]] = []

    def page(scripted: Scripted) -> None:
        assert scripted.state is not None
        shown.append(scripted.state.problems)

    scripted.run([good(early), failed(wrong, early), failed(wrong, early, later), good(early, later)],
                 between={2: page})
    err = capsys.readouterr().err.splitlines()
    assert err == [
        str(early),
        str(wrong), "1 warning, as before.", "1 error and 1 warning; nothing was written.",
        "Serving the last good build; waiting for a change.",
        str(wrong), str(later), "1 other warning, as before.", "1 error and 2 warnings; nothing was written.",
        "Serving the last good build; waiting for a change.",
        "2 warnings, as before."]
    # The page has seen no warning: it gets them all, after the errors.
    assert shown == [[str(wrong), str(early), "1 error and 1 warning; nothing was written."]]


def test_a_warning_mended_and_back_again_is_printed_again(
        scripted: Scripted, capsys: pytest.CaptureFixture[str]) -> None:
    early = _warning("articles/a.md", "early warning")
    scripted.run([good(early), good(), good(early)])
    assert capsys.readouterr().err.splitlines() == [str(early), str(early)]


def test_a_new_site_path_is_printed_served_and_followed_by_open_pages(
        scripted: Scripted, capsys: pytest.CaptureFixture[str]) -> None:
    site = scripted.project.site
    (site / "articles/a").mkdir(parents=True)
    (site / "articles/a/index.html").write_text("<html><body><h1>A</h1></body></html>")
    (site / "404.html").write_text("<html><body><h1>Not here</h1></body></html>")
    answers: list[tuple[int, str, str | None]] = []

    def move(_scripted: Scripted) -> None:
        config = scripted.project.root / "mkdocs.yml"
        config.write_text(config.read_text().replace(PUBLISHED_URL, "https://example.org/other/"))

    def ask(scripted: Scripted) -> None:
        for path in ("/other/articles/a/?q=1", "/archive/articles/a/?q=1", "/archive", "/elsewhere/"):
            status, text, headers = fetch(scripted.base + path)
            said = next((h1 for h1 in ("<h1>A</h1>", "<h1>Not here</h1>") if h1 in text), text)
            answers.append((status, said, headers.get("Location")))

    scripted.run([good(), good(), good()], between={1: move, 2: ask})
    out = capsys.readouterr().out.splitlines()
    serving = [line for line in out if line.startswith("Serving")]
    assert serving[0].endswith("/archive/ (Ctrl+C stops); pages reload after each build.")
    assert serving[1:] == [f"Serving {scripted.base}/other/ now: the path of site_url changed."]
    assert answers == [
        (200, "<h1>A</h1>", None),
        (302, "", "/other/articles/a/?q=1"),  # a page open under the old path follows the site
        (302, "", "/other/"),
        (404, "<h1>Not here</h1>", None)]
    assert scripted.state is not None and scripted.state.site == 3  # each build reloads the pages


# --- refused writes, as a user meets them ------------------------------------------------


def _without_root_powers() -> list[str]:
    """A prefix that makes a command meet file permissions even as root (which ignores them)."""
    if os.geteuid() != 0:
        return []
    if shutil.which("setpriv") is None:
        pytest.skip("root, and no setpriv to give up overriding permissions")
    return ["setpriv", "--inh-caps=-dac_override,-dac_read_search",
            "--bounding-set=-dac_override,-dac_read_search", "--"]


def _run(project: Project, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*_without_root_powers(), sys.executable, "-m", "dateline", *args],
                          cwd=project.root, capture_output=True, text=True, check=False)


def _post(folder: Path, day: str, title: str) -> None:
    (folder / f"{day}-{title.lower()}.md").write_text(f"---\ntitle: {title}\ndate: {day}\n---\n\nIn Kabul.\n",
                                                      encoding="utf-8")


def test_import_writes_every_article_or_none_and_names_the_file_refused(project: Project) -> None:
    posts = project.root / "_posts"
    posts.mkdir()
    for day, title in (("2021-08-13", "Alpha"), ("2021-09-13", "Bravo"), ("2021-10-13", "Charlie")):
        _post(posts, day, title)
    _post(posts, "2021-07-13", "Delta")
    project.write("2021/07/delta.md", "mine")
    refused = project.root / "articles/2021/09"
    refused.mkdir(parents=True)
    refused.chmod(0o555)
    try:
        result = _run(project, "import", "_posts")
    finally:
        refused.chmod(0o755)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        "_posts/2021-07-13-delta.md: path: articles/2021/07/delta.md already exists; not overwritten",
        "articles/2021/09/bravo.md: Permission denied; check the permissions of the file and its folder, "
        "then run it again"]
    assert result.stdout.splitlines() == ["No article imported: nothing was written."]
    # Nothing written, no temporary file and no folder made left behind.
    assert sorted(p.relative_to(project.root).as_posix() for p in (project.root / "articles").rglob("*")) == [
        "articles/2021", "articles/2021/07", "articles/2021/07/delta.md", "articles/2021/09"]

    result = _run(project, "import", "_posts")
    assert result.returncode == 1  # the one already there
    assert sorted(p.name for p in (project.root / "articles").rglob("*.md")) == [
        "alpha.md", "bravo.md", "charlie.md", "delta.md"]
    assert (project.root / "articles/2021/07/delta.md").read_text() == "mine"


def test_write_new_leaves_nothing_when_a_write_fails_part_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    image = tmp_path / "in.gif"
    image.write_bytes(b"GIF89a")
    items = [Imported("articles/2021/08/a/index.md", "one", "a.txt", files=(("articles/2021/08/a/in.gif", image),)),
             Imported("articles/2021/09/b.md", "two", "b.txt"),
             Imported("articles/2021/10/c.md", "three", "c.txt")]
    real_fdopen = os.fdopen

    def full_disk(handle: int, *args: Any, **kwargs: Any) -> Any:
        stream = real_fdopen(handle, *args, **kwargs)
        last = tmp_path / "articles/2021/10"
        if last.is_dir() and any(name.startswith(".c.md.") for name in os.listdir(last)):
            stream.close()
            raise OSError(errno.ENOSPC, "No space left on device")
        return stream

    monkeypatch.setattr(os, "fdopen", full_disk)
    with pytest.raises(OSError, match="No space left") as raised:
        write_new(tmp_path, items)
    assert raised.value.filename == str(tmp_path / "articles/2021/10/c.md")  # not its temporary name
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["in.gif"]
    monkeypatch.undo()

    written, problems = write_new(tmp_path, items)
    assert (written, problems) == (items, [])
    assert (tmp_path / "articles/2021/08/a/in.gif").read_bytes() == b"GIF89a"
    assert not [p for p in tmp_path.rglob(".*")]  # no temporary file left
    assert oct((tmp_path / "articles/2021/09/b.md").stat().st_mode & 0o777) == oct(0o666 & ~_umask())


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_write_new_leaves_out_an_article_whose_linked_file_exists(tmp_path: Path) -> None:
    image = tmp_path / "in.gif"
    image.write_bytes(b"GIF89a")
    (tmp_path / "articles/2021/08/a").mkdir(parents=True)
    (tmp_path / "articles/2021/08/a/in.gif").write_bytes(b"another picture")
    bundle = Imported("articles/2021/08/a/index.md", "one", "a.txt", files=(("articles/2021/08/a/in.gif", image),))
    plain = Imported("articles/2021/08/b.md", "two", "b.txt")
    written, problems = write_new(tmp_path, [bundle, plain])
    assert written == [plain]
    assert [str(p) for p in problems] == ["a.txt: path: articles/2021/08/a/in.gif already exists; not overwritten"]
    assert not (tmp_path / "articles/2021/08/a/index.md").exists()
    assert (tmp_path / "articles/2021/08/a/in.gif").read_bytes() == b"another picture"


def test_annotate_write_names_each_file_it_cannot_write_and_does_the_others(project: Project) -> None:
    body = "Fighting in Kandahar.\n"
    for name in ("a", "b", "c"):
        project.write(f"{name}/x.md", article(f"Story {name}", cities="[Herat]", body=body))
    for name in ("a", "c"):
        (project.root / "articles" / name).chmod(0o555)
    try:
        result = _run(project, "annotate", "--write", "articles")
    finally:
        for name in ("a", "c"):
            (project.root / "articles" / name).chmod(0o755)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines() == [
        f"articles/{name}/x.md: file: cannot be written (permission denied); its cities were not added"
        for name in ("a", "c")]
    assert result.stdout.splitlines() == [
        "articles/a/x.md: could not add Kandahar (1)", "articles/b/x.md: added Kandahar (1)",
        "articles/c/x.md: could not add Kandahar (1)", "1 file changed."]
    assert [(project.root / f"articles/{name}/x.md").read_text(encoding="utf-8").count("Kandahar")
            for name in ("a", "b", "c")] == [1, 2, 1]


def test_annotate_file_reports_a_refused_write(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    story = tmp_path / "x.md"
    story.write_text(article(cities="[Herat]", body="Fighting in Kandahar.\n"), encoding="utf-8")

    def refused(path: Path, _data: bytes) -> None:
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(dateline.annotate, "atomic_write", refused)
    result = dateline.annotate.annotate_file(story, "x.md", Gazetteer.load(), write=True)
    assert not result.changed
    assert [str(p) for p in result.problems] == [
        "x.md: file: cannot be written (permission denied); its cities were not added"]
