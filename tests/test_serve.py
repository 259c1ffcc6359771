"""``dateline serve``: the site on this machine, built again after each change."""

from __future__ import annotations

import errno
import json
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from dateline.errors import DatelineError
from dateline.serve import (
    EVENTS,
    BuildState,
    Watcher,
    is_source,
    start_server,
    stop_server,
    watched_folders,
    with_reload,
)
from tests.projects import Project, article
from tests.served import Served

# --- which changes count ---------------------------------------------------------------


def test_sources_are_the_articles_the_hand_written_pages_and_the_configuration(project: Project) -> None:
    settings = project.settings
    root = project.root
    assert is_source(root / "articles/2021/a.md", settings)
    assert is_source(root / "articles/2021/photo.jpg", settings)
    assert is_source(root / "docs/search.md", settings)
    assert is_source(root / "docs/stylesheets/dateline.css", settings)
    assert is_source(root / "overrides/main.html", settings)
    assert is_source(root / "mkdocs.yml", settings)
    assert is_source(root / "places.yml", settings)
    # What the build writes itself, and what editors leave beside a file.
    assert not is_source(root / "docs/articles/2021/08/13/a.md", settings)
    assert not is_source(root / "docs/index.md", settings)
    assert not is_source(root / "README.md", settings)
    assert not is_source(root / "articles/2021/.a.md.swp", settings)
    assert not is_source(root / "articles/2021/a.md~", settings)
    assert not is_source(root / "articles/2021/4913", settings)
    assert not is_source(root / "articles/2021/#a.md#", settings)  # Emacs
    assert not is_source(root / "articles/2021/a.md___jb_tmp___", settings)  # JetBrains
    assert not is_source(root / "articles/.obsidian/workspace.json", settings)
    assert not is_source(root / "articles/.git/index", settings)
    # A source folder made, moved or removed is a change.
    assert is_source(root / "articles", settings) and is_source(root / "docs", settings)


def test_generated_folders_are_not_watched(project: Project) -> None:
    (project.docs / "articles").mkdir()
    folders = {folder: recursive for folder, (recursive, _which) in watched_folders(project.settings).items()}
    assert folders[project.root] is False  # for mkdocs.yml, places.yml and the source folders
    assert folders[project.root / "articles"] is True
    assert folders[project.docs] is False
    assert folders[project.docs / "stylesheets"] is True
    assert folders[project.root / "overrides"] is True
    assert project.docs / "articles" not in folders
    assert project.site not in folders
    (project.root / "articles").rmdir()
    assert project.root / "articles" not in watched_folders(project.settings)  # not yet made


def test_a_source_folder_removed_and_made_again_is_heard_however_the_watches_are_set(
        project: Project) -> None:
    """Setting the watches again (before each build) can meet a folder's removal: the
    removal, the folder made again and an edit in it are each still heard."""
    watcher = Watcher(project.settings)
    heard = watcher.changes.pending
    try:
        for turn in range(20):
            source = project.write("2021/a.md", article(f"Alpha {turn}"))
            watcher.follow(project.settings)
            heard.clear()
            shutil.rmtree(project.root / "articles")
            watcher.follow(project.settings)  # at once, as a build started then would
            assert heard.wait(5), f"turn {turn}: the removal was not heard"
            heard.clear()
            source = project.write("2021/a.md", article("Alpha"))
            watcher.follow(project.settings)
            assert heard.wait(5), f"turn {turn}: the folder made again was not heard"
            heard.clear()
            source.write_text(article("Alpha, edited"), encoding="utf-8")
            assert heard.wait(5), f"turn {turn}: an edit in the folder made again was not heard"
    finally:
        watcher.close()


def test_a_folder_made_inside_one_just_made_raises_no_warning(
        project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    """``mkdir -p 2024/08/photos`` while serving: a folder made inside a new one while
    watchdog sets the new one's watch is watched twice, which watchdog warns about on the
    terminal (a long line), though nothing is lost. Watchdog is held there, as a busy
    machine holds it, for the test to make the folder at that moment."""
    inotify = pytest.importorskip("watchdog.observers.inotify")
    if not hasattr(inotify, "InotifyWatchGroup"):
        pytest.skip("this watchdog sets its watches otherwise")
    watched = threading.Event()
    set_watch = inotify.InotifyWatchGroup._add_callback

    def held(group: object, path: bytes) -> None:
        set_watch(group, path)
        if path.endswith(b"/2024"):
            watched.set()
            time.sleep(0.5)  # before it lists the new folder's subfolders

    monkeypatch.setattr(inotify.InotifyWatchGroup, "_add_callback", held)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        watcher = Watcher(project.settings)
        try:
            (project.root / "articles/2024").mkdir()
            assert watched.wait(5)
            project.write("2024/08/photos/x.jpg", b"x")
            source = project.write("2024/08/a.md", article("Alpha"))
            time.sleep(1)  # watchdog reads the new folders' events
            watcher.changes.pending.clear()
            source.write_text(article("Alpha, edited"), encoding="utf-8")
            assert watcher.changes.pending.wait(5), "an edit in the new folder was not heard"
        finally:
            watcher.close()
    assert [str(warning.message) for warning in caught] == []


def test_the_site_removed_by_hand_is_built_again_but_not_the_builds_own_swap(project: Project) -> None:
    """``rm -rf site`` while serving: every page would say "Building the site…" with no
    build to come. The build's own swap of the site (renames) is no change."""
    project.site.mkdir()
    watcher = Watcher(project.settings)
    heard = watcher.changes.pending
    try:
        staging, old = project.root / ".site.new", project.root / ".site.old-1"
        staging.mkdir()
        (staging / "index.html").write_text("<p>new</p>")
        project.site.rename(old)
        staging.rename(project.site)
        shutil.rmtree(old)
        assert not heard.wait(1), "the build's swap of the site would start another build"
        shutil.rmtree(project.site)
        assert heard.wait(5), "the site's removal was not heard"
    finally:
        watcher.close()


def test_running_out_of_watches_is_said_not_ignored(project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    """Out of inotify watches (simulated: a shared machine's limit cannot be reached
    safely), the folder would go unwatched and edits unheard: it is an error instead."""
    from watchdog.observers.api import BaseObserver

    def exhausted(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(BaseObserver, "schedule", exhausted)
    with pytest.raises(DatelineError, match=r"^cannot watch \S+ for changes: No space left on device "
                                            r"\(raise fs.inotify.max_user_watches\)$"):
        Watcher(project.settings)


def test_the_reload_script_goes_before_the_end_of_the_body() -> None:
    page = with_reload(b"<html><body><p>x</p></BODY></html>", 7)
    assert page.startswith(b"<html><body><p>x</p><script>")
    assert page.endswith(b"</script></BODY></html>")
    assert b"const built = 7;" in page
    assert with_reload(b"<p>no body tag", 1).startswith(b"<p>no body tag<script>")


# --- the server, on a made-up site -------------------------------------------------------


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, BuildState]]:
    site = tmp_path / "site"
    (site / "articles/a").mkdir(parents=True)
    (site / "index.html").write_text("<html><body><h1>Home</h1></body></html>")
    (site / "articles/a/index.html").write_text("<html><body><h1>A</h1></body></html>")
    (site / "404.html").write_text("<html><body><h1>Not here</h1></body></html>")
    (site / "style.css").write_text("body{}")
    state = BuildState(site_dir=site, site_path="/archive/")
    state.publish(True)
    running = start_server(state, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{running.server_address[1]}", state
    finally:
        stop_server(state, running)


def _has_ipv6() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _has_ipv6(), reason="this machine has no IPv6 loopback")
def test_the_site_can_be_served_on_ipv6_and_on_both_at_once(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<html><body><h1>Home</h1></body></html>")
    state = BuildState(site_dir=tmp_path, site_path="/")
    state.publish(True)
    for host, bases in (("::1", ["http://[::1]:{}"]), ("::", ["http://[::1]:{}", "http://127.0.0.1:{}"])):
        running = start_server(state, host, 0)
        try:
            for base in bases:
                assert "<h1>Home</h1>" in fetch(base.format(running.server_address[1]) + "/")[1], (host, base)
        finally:
            stop_server(state, running)


def fetch(url: str) -> tuple[int, str, dict[str, str]]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *_args: object, **_kwargs: object) -> None:
            return None
    try:
        with urllib.request.build_opener(NoRedirect).open(url, timeout=10) as answer:
            return answer.status, answer.read().decode(), dict(answer.headers)
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), dict(error.headers)


def test_pages_are_served_under_the_published_path_with_the_reload_script(server: tuple[str, BuildState]) -> None:
    base, _state = server
    status, text, headers = fetch(base + "/archive/articles/a/")
    assert status == 200 and "<h1>A</h1><script>" in text and "const built = 1;" in text
    assert headers["Cache-Control"] == "no-store"
    assert fetch(base + "/archive/style.css")[1] == "body{}"  # other files as they are
    status, _text, headers = fetch(base + "/")
    assert status == 302 and headers["Location"] == "/archive/"
    # As GitHub Pages: a folder without a page, or a missing one, gets the 404 page.
    for missing in ("/archive/articles/", "/archive/nowhere/", "/elsewhere/"):
        status, text, _headers = fetch(base + missing)
        assert status == 404 and "Not here" in text, missing


def test_a_browser_leaving_an_answer_halfway_prints_no_traceback(
        server: tuple[str, BuildState], capsys: pytest.CaptureFixture[str]) -> None:
    """A page reloads after each build, often while its photos or a video still load:
    the connection it drops is no error to print."""
    base, state = server
    (state.site_dir / "clip.mp4").write_bytes(bytes(16_000_000))  # more than the sockets hold
    host, port = urlsplit(base).hostname, urlsplit(base).port
    before = set(threading.enumerate())
    for _turn in range(3):
        with socket.create_connection((host, port)) as browser:
            browser.sendall(b"GET /archive/clip.mp4 HTTP/1.1\r\nHost: localhost\r\n\r\n")
            assert browser.recv(100).startswith(b"HTTP/1.0 200")
            browser.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # reset
    deadline = time.monotonic() + 10
    while any(thread.name.endswith("(process_request_thread)")
              for thread in set(threading.enumerate()) - before):
        assert time.monotonic() < deadline, "the server still answers the dropped requests"
        time.sleep(0.05)
    assert fetch(base + "/archive/style.css")[1] == "body{}"  # it serves on
    assert capsys.readouterr().err == ""


def test_a_file_is_served_in_parts_as_audio_and_video_ask_for_it(server: tuple[str, BuildState]) -> None:
    """Safari plays audio and video only from a server that answers ``Range``, and no
    browser can seek in them without."""
    base, _state = server

    def part(asked: str, path: str = "/archive/style.css", **more: str) -> tuple[int, bytes, str | None]:
        request = urllib.request.Request(base + path, headers={"Range": asked, **more})
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return answer.status, answer.read(), answer.headers["Content-Range"]
        except urllib.error.HTTPError as error:
            return error.code, error.read(), error.headers["Content-Range"]

    # style.css is "body{}".
    assert part("bytes=0-1") == (206, b"bo", "bytes 0-1/6")
    assert part("bytes=1-3") == (206, b"ody", "bytes 1-3/6")
    assert part("bytes=4-") == (206, b"{}", "bytes 4-5/6")
    assert part("bytes=-2") == (206, b"{}", "bytes 4-5/6")
    assert part("bytes=0-100") == (206, b"body{}", "bytes 0-5/6")
    assert part("bytes=6-") == (416, b"", "bytes */6")
    # What it need not answer in parts, it answers whole.
    assert part("bytes=0-1,3-4") == (200, b"body{}", None)
    assert part("bytes=3-1") == (200, b"body{}", None)
    assert part("bytes=-") == (200, b"body{}", None)
    assert part("bytes=0-1", **{"If-Range": "Wed, 21 Oct 2015 07:28:00 GMT"}) == (200, b"body{}", None)
    status, page, _range = part("bytes=0-1", "/archive/articles/a/")
    assert status == 200 and b"<h1>A</h1><script>" in page
    assert part("bytes=0-1", "/archive/nowhere.mp4")[0] == 404


def test_a_page_hears_of_each_build_and_of_its_problems(server: tuple[str, BuildState]) -> None:
    base, state = server
    with urllib.request.urlopen(base + EVENTS, timeout=10) as stream:
        assert stream.headers["Content-Type"].startswith("text/event-stream")

        def event() -> dict[str, object]:
            line = stream.readline().decode()
            assert stream.readline() == b"\n"
            assert line.startswith("data: ")
            return json.loads(line[len("data: "):])  # type: ignore[no-any-return]

        assert event() == {"site": 1, "ok": True, "problems": []}
        state.publish(False, ['articles/a.md:3: date: "<b>x</b>" is not a date'])
        assert event() == {"site": 1, "ok": False, "problems": ['articles/a.md:3: date: "<b>x</b>" is not a date']}
        # A good build that changed nothing clears the problems; the pages need no reload.
        state.publish(True, site_changed=False)
        assert event() == {"site": 1, "ok": True, "problems": []}
        state.publish(True)
        assert event() == {"site": 2, "ok": True, "problems": []}


def test_before_the_first_good_build_a_page_says_why(tmp_path: Path) -> None:
    state = BuildState(site_dir=tmp_path / "site")
    state.publish(False, ['articles/a.md:2: title: "<script>alert(1)</script>"'])
    running = start_server(state, "127.0.0.1", 0)
    try:
        status, text, _headers = fetch(f"http://127.0.0.1:{running.server_address[1]}/anything/")
    finally:
        stop_server(state, running)
    assert status == 200 and "The first build failed" in text
    assert "const built = 0;" in text  # it reloads once a build has made a site
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script>alert" not in text


# --- the command, building a real site ----------------------------------------------------


@pytest.mark.slow
def test_serve_builds_again_after_each_change_and_keeps_the_last_good_site(project: Project) -> None:
    project.publish_at()
    source = project.write("2021/a.md", article("Alpha from Kabul"))
    project.write("2021/b.md", article("Bravo from Geneva", cities="[Geneva]", date="2021-08-14"))
    with Served(project.root) as served:
        assert served.url.startswith("http://127.0.0.1:") and served.url.endswith("/archive/")
        served.wait_for(r"^Built 2 articles")
        status, text = served.get("articles/2021/08/13/a/")
        assert status == 200 and "Alpha from Kabul" in text
        warning = r'^articles/2021/b\.md:4: cities: warning: "Geneva" could be several places'
        served.wait_for(warning, stream="err")

        source.write_text(article("Alpha, corrected"), encoding="utf-8")
        served.wait_for(r"^Built 2 articles", times=2)
        assert "Alpha, corrected" in served.get("articles/2021/08/13/a/")[1]
        # The same warnings again are not printed again.
        served.wait_for(r"^1 warning, as before\.$", stream="err")
        assert served.count(warning, "err") == 1

        source.write_text(article("Alpha, corrected", date="2021-13-13"), encoding="utf-8")
        served.wait_for(r'^articles/2021/a\.md:3: date: "2021-13-13" is not a valid date', stream="err")
        served.wait_for(r"^Serving the last good build", stream="err")
        assert "Alpha, corrected" in served.get("articles/2021/08/13/a/")[1]

        source.write_text(article("Alpha, fixed"), encoding="utf-8")
        served.wait_for(r"^Built 2 articles", times=3)
        assert "Alpha, fixed" in served.get("articles/2021/08/13/a/")[1]
        # The build's own writes (docs/, site/, .dateline/) start no other build.
        time.sleep(2)
        assert served.count(r"^Built ") == 3
        assert served.stop() == 0
    assert served.out[-1] == "Stopped."
    assert not any("Traceback" in line for line in served.err), "\n".join(served.err)


@pytest.mark.slow
def test_serve_follows_a_source_folder_made_or_made_again_after_it_started(project: Project) -> None:
    (project.root / "articles").rmdir()
    with Served(project.root) as served:
        served.wait_for(r"^No site yet; waiting for a change\.$", stream="err")
        project.write("2021/a.md", article("Alpha from Kabul"))  # articles/ made now
        served.wait_for(r"^Built 1 article")
        # Removed and made again (the same inode, often): still heard.
        shutil.rmtree(project.root / "articles")
        served.wait_for(r"^Serving the last good build", stream="err")
        source = project.write("2021/a.md", article("Alpha again"))
        served.wait_for(r"^Built 1 article", times=2)
        source.write_text(article("Alpha, edited in the new folder"), encoding="utf-8")
        served.wait_for(r"^Built 1 article", times=3)
        assert "Alpha, edited in the new folder" in served.get("articles/2021/08/13/a/")[1]
        assert served.stop() == 0
    assert not any("Inotify" in line or "Traceback" in line for line in served.err), "\n".join(served.err)


@pytest.mark.slow
def test_a_bug_in_a_build_is_shown_and_the_last_good_site_stays_served(project: Project) -> None:
    project.write("2021/a.md", article("Alpha"))
    with Served(project.root, program=(str(Path(__file__).with_name("dateline_with_a_bug.py")),)) as served:
        served.wait_for(r"^Built 1 article")
        source = project.write("2021/a.md", article("Alpha BUG"))
        served.wait_for(r"^RuntimeError: a bug put in for a test$", stream="err")  # the traceback's end
        served.wait_for(r"^Serving the last good build; waiting for a change\.$", stream="err")
        status, page = served.get("articles/2021/08/13/a/")
        assert status == 200 and "Alpha" in page and "Alpha BUG" not in page
        source.write_text(article("Alpha, mended"), encoding="utf-8")
        served.wait_for(r"^Built 1 article", times=2)
        assert "Alpha, mended" in served.get("articles/2021/08/13/a/")[1]
        assert served.stop() == 0
    assert any(line.startswith("Traceback") for line in served.err)


def test_a_taken_port_is_a_plain_error(project: Project) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "dateline", "serve", "--port", str(port)],
                              cwd=project.root, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1
    assert f"cannot serve on 127.0.0.1 port {port}: Address already in use" in done.stderr
    assert "Traceback" not in done.stderr


def test_an_unknown_host_is_a_plain_error(project: Project) -> None:
    done = subprocess.run([sys.executable, "-m", "dateline", "serve", "--host", "nosuchhost.invalid"],
                          cwd=project.root, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1
    assert "cannot serve on nosuchhost.invalid: " in done.stderr and "--host" in done.stderr
    assert "Traceback" not in done.stderr
