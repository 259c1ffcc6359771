"""The hostile corpus (tests/data/hostile): every case refused with its exact message, or
built with every value escaped and every body sanitised."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import markdown
import pytest
from bs4 import BeautifulSoup

from dateline.build import build, check, generate
from dateline.errors import ValidationFailed
from dateline.sanitize import sanitize_html
from tests.projects import REPO, Project, article

CORPUS = Path(__file__).resolve().parent / "data" / "hostile"
REFUSED = sorted(p.with_suffix("").name for p in (CORPUS / "refused").glob("*.expected"))
PUBLISHED = sorted(p.stem for p in (CORPUS / "published").glob("*.md"))
PLACES = CORPUS / "published" / "places.yml"
"""Places the published cases name beyond GeoNames (one of them named in markup)."""
REFUSED_SETTINGS = {"max_article_bytes": 50_000, "render_timeout": 1}
SCRIPT_URL = re.compile(r"^\s*(java|vb)script:", re.IGNORECASE)


def configure(project: Project, **settings: object) -> None:
    """Set ``extra.dateline`` keys in the project's mkdocs.yml, replacing any already there."""
    config = project.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "  dateline:\n" in text
    for key, value in settings.items():
        text = re.sub(rf"(?m)^    {key}: .*\n", "", text)
        text = text.replace("  dateline:\n", f"  dateline:\n    {key}: {value}\n")
    config.write_text(text, encoding="utf-8")


def copy_case(source: Path, project: Project) -> None:
    if source.is_dir():
        shutil.copytree(source, project.root / "articles", dirs_exist_ok=True)
    else:
        shutil.copy(source, project.root / "articles" / source.name)


def refused_problems(project: Project) -> list[str]:
    with pytest.raises(ValidationFailed) as failure:
        check(project.settings)
    return [str(p) for p in failure.value.problems]


@pytest.mark.parametrize("case", REFUSED)
def test_refused_case_gets_its_exact_message(project: Project, case: str) -> None:
    configure(project, **REFUSED_SETTINGS)
    folder = CORPUS / "refused"
    copy_case(folder / case if (folder / case).is_dir() else folder / f"{case}.md", project)
    expected = (folder / f"{case}.expected").read_text(encoding="utf-8").splitlines()
    assert refused_problems(project) == expected


def test_link_leading_outside_articles_is_refused(project: Project, tmp_path_factory: pytest.TempPathFactory) -> None:
    outside = tmp_path_factory.mktemp("outside") / "secret.md"
    outside.write_text(article(title="Not part of the archive"), encoding="utf-8")
    (project.root / "articles" / "leak.md").symlink_to(outside)
    project.write("fine.md", article())
    assert refused_problems(project) == ["articles/leak.md: link: leads outside articles/; refused"]


def test_a_link_leading_nowhere_is_refused_without_a_traceback(project: Project) -> None:
    (project.root / "articles" / "x.md").symlink_to("gone.md")
    project.write("fine.md", article())
    project.write("typo.md", article(title="Typo", cities="[Kandahr]"))
    for command in ("check", "build"):
        result = project.run(command)
        assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
        lines = result.stderr.splitlines()
        assert 'articles/x.md: link: leads nowhere ("gone.md" does not exist); refused' in lines
        assert any(line.startswith('articles/typo.md:4: cities: "Kandahr"') for line in lines)
        assert lines[-1] == "2 errors; nothing was written."
    assert not (project.root / "site").exists()


def test_the_default_size_limit_is_two_megabytes(project: Project) -> None:
    project.write("big.md", article(body="Synthetic filler.\n" * 120_000))
    assert refused_problems(project) == [
        "articles/big.md: size: 2,160,057 bytes is over the limit of 2,000,000 (extra.dateline.max_article_bytes)"]


# Built once: every published case in one site.

@pytest.fixture(scope="module")
def hostile_site(module_project: Callable[[], Project]) -> Project:
    project = module_project()
    for name in PUBLISHED:
        copy_case(CORPUS / "published" / f"{name}.md", project)
    shutil.copy(PLACES, project.root / "places.yml")
    build(project.settings)
    return project


def pages(project: Project) -> dict[str, BeautifulSoup]:
    return {p.relative_to(project.site).as_posix(): BeautifulSoup(p.read_text(encoding="utf-8"), "html.parser")
            for p in sorted(project.site.rglob("*.html"))}


def article_page(project: Project, case: str) -> BeautifulSoup:
    """The built page of a published case, found by its exact headline."""
    expected = (CORPUS / "published" / f"{case}.expected").read_text(encoding="utf-8").rstrip("\n")
    found = [soup for path, soup in pages(project).items() if path.startswith("articles/")
             and (h1 := soup.select_one("article h1")) is not None
             and h1.get_text().replace("¶", "").strip() == expected]
    assert len(found) == 1, f"no single article page has the headline {expected!r}"
    return found[0]



@pytest.mark.slow
@pytest.mark.parametrize("case", PUBLISHED)
def test_published_case_headline_is_text(hostile_site: Project, case: str) -> None:
    page = article_page(hostile_site, case)
    headline = (CORPUS / "published" / f"{case}.expected").read_text(encoding="utf-8").rstrip("\n")
    assert page.title is not None and page.title.get_text().startswith(headline + " - ")


@pytest.mark.slow
def test_no_page_carries_a_script_handler_or_script_address_from_an_article(hostile_site: Project) -> None:
    found = []
    for path, soup in pages(hostile_site).items():
        for tag in soup.find_all(True):
            for name, value in tag.attrs.items():
                values = value if isinstance(value, list) else [value]
                if name.startswith("on") or any(SCRIPT_URL.match(v) or v.startswith("data:") for v in values
                                                 if isinstance(v, str) and name != "content"):
                    found.append(f"{path}: <{tag.name} {name}={value!r}>")
        # Only the theme's scripts, and none inside the content.
        content = soup.select_one("article.md-content__inner")
        # The search page is hand-written and trusted (its form is the search box).
        if content is not None and path != "search/index.html":
            found += [f"{path}: <{t.name}> in content" for t in
                      content.find_all(["script", "iframe", "object", "embed", "form", "input", "style",
                                        "base", "meta", "svg", "math", "noscript"])]
        found += [f"{path}: inline script {s.get_text()[:40]!r}" for s in soup.find_all("script")
                  if "alert" in s.get_text()]
    assert found == []


@pytest.mark.slow
def test_title_is_text_in_the_page_title_description_and_lists(hostile_site: Project) -> None:
    page = article_page(hostile_site, "title-script")
    assert page.title.get_text() == "</title><script>alert(1)</script> - Afghanistan 2021 — News Archive"
    description = page.find("meta", attrs={"name": "description"})
    assert description["content"] == '"><script>alert(2)</script>'
    home = pages(hostile_site)["index.html"]
    assert "</title><script>alert(1)</script>" in [a.get_text() for a in home.select("article li a")]


@pytest.mark.slow
def test_address_with_quotes_and_brackets_stays_one_link(hostile_site: Project) -> None:
    page = article_page(hostile_site, "attribute-breakout")
    meta = page.select_one("p.dateline-meta")
    [source] = [a for a in meta.find_all("a") if a.get_text() == "<script>alert(1)</script>"]
    assert source["href"] == "https://example.org/a%3Eb%22%20onmouseover=%22alert(1)%20x"
    assert sorted(source.attrs) == ["href"]
    description = page.find("meta", attrs={"name": "description"})
    assert description["content"] == '" onmouseover="alert(1)" data-x="'


@pytest.mark.slow
def test_markdown_in_front_matter_values_is_shown_literally(hostile_site: Project) -> None:
    page = article_page(hostile_site, "markdown-in-values")
    meta = page.select_one("p.dateline-meta").get_text()
    assert "Source: [Wire](javascript:alert(1))" in meta
    assert "By: **Someone** <b>x</b>, [a](javascript:alert(1))" in meta
    assert "Tags: <svg onload=alert(1)>, {: onclick=alert(1) }" in meta
    cities = [a.get_text() for a in page.select("p.dateline-meta a")]
    assert "<img src=x onerror=alert(1)>" in cities


@pytest.mark.slow
def test_body_keeps_its_text_links_and_heading_ids(hostile_site: Project) -> None:
    content = article_page(hostile_site, "body-html").select_one("article.md-content__inner")
    heading = content.find(id="heading-keeps-its-id")
    assert heading.name in ("h2", "h3") and heading.get_text() == "Heading keeps its id¶"
    assert heading.select_one("a.headerlink")["href"] == "#heading-keeps-its-id"
    assert content.find("a", string="fine link")["href"] == "https://example.org/"
    assert content.find("em").get_text() == "emphasis"
    # Text of removed elements stays readable; the elements do not.
    assert "overlay" in content.get_text() and content.find("div", string="overlay").attrs == {}
    assert [a.get("href") for a in content.find_all("a", string=re.compile("^link"))] == [None, None, None]


@pytest.mark.slow
def test_attribute_lists_cannot_add_handlers(hostile_site: Project) -> None:
    content = article_page(hostile_site, "attr-list-and-md-in-html").select_one("article.md-content__inner")
    # An attribute list may set href, but a javascript: one is then dropped.
    assert content.find("a", string="a link").attrs == {}
    assert content.find("img", alt="an image").attrs == {"alt": "an image", "src": "https://example.org/pic.png"}
    assert content.find(id="custom-id").get_text() == "Heading¶"
    assert content.find("p", string="A paragraph with a handler.").attrs == {}
    assert content.find("div").find("strong").get_text() == "Markdown"
    assert content.find("span", string="a span").attrs == {}


@pytest.mark.slow
def test_byte_order_mark_and_crlf_build(hostile_site: Project) -> None:
    content = article_page(hostile_site, "bom-crlf").select_one("article.md-content__inner")
    paragraphs = [p.get_text() for p in content.find_all("p", class_=False)]
    assert paragraphs == ["Synthetic text saved by a Windows editor.", "Second paragraph."]


@pytest.mark.slow
@pytest.mark.parametrize("name", ["News & Views <Archive> \"Kabul\" O'Neil",
                                  "Archive</title><script>alert(1)</script>"])
def test_site_name_is_text_wherever_the_theme_prints_it(project: Project, name: str) -> None:
    # Material prints the site's name raw in the title, the logo's aria-label, the
    # header's topic and the drawer's title; Dateline's overrides escape it.
    config = project.root / "mkdocs.yml"
    config.write_text(re.sub(r"(?m)^site_name: .*$", f"site_name: {json.dumps(name)}",
                             config.read_text(encoding="utf-8")), encoding="utf-8")
    project.write("a.md", article())
    build(project.settings)
    built = pages(project)
    assert {"index.html", "404.html", "cities/index.html", "search/index.html"} <= set(built)
    for path, soup in built.items():
        title = soup.title.get_text()
        assert title == name if path == "index.html" else title.endswith(f" - {name}"), path
        assert [a["aria-label"] for a in soup.select("a.md-logo")] == [name, name], path
        assert soup.select_one(".md-header__topic .md-ellipsis").get_text().strip() == name, path
        assert soup.select_one("label.md-nav__title").get_text().strip() == name, path
        assert soup.find_all("archive") == soup.find_all("script", string=re.compile("alert")) == [], path


def test_check_command_reports_every_refused_case_at_once_without_a_traceback(project: Project) -> None:
    configure(project, **REFUSED_SETTINGS)
    folder = CORPUS / "refused"
    expected = set()
    for case in REFUSED:
        copy_case(folder / case if (folder / case).is_dir() else folder / f"{case}.md", project)
        expected |= set((folder / f"{case}.expected").read_text(encoding="utf-8").splitlines())
    result = subprocess.run([sys.executable, "-m", "dateline", "check"], cwd=project.root,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    *lines, summary = result.stderr.splitlines()
    assert set(lines) == expected and len(lines) == len(expected)
    assert summary == f"{len(expected)} errors; nothing was written."


# The sanitiser's rules, one by one.

@pytest.mark.parametrize(("html", "default", "trusted"), [
    ('<figure><img src="a.png" alt="A" width="5"><figcaption>Cap</figcaption></figure>',
     '<img src="a.png" alt="A" width="5">Cap', '<figure><img src="a.png" alt="A" width="5"><figcaption>Cap</figcaption></figure>'),
    ('<p title="t" lang="fa" dir="rtl">x</p>', '<p lang="fa" dir="rtl">x</p>', '<p title="t" lang="fa" dir="rtl">x</p>'),
    ('<iframe src="https://example.org/"></iframe>x', "x", "x"),
    ('<a href="mailto:a@example.org">m</a>', '<a href="mailto:a@example.org">m</a>', '<a href="mailto:a@example.org">m</a>'),
    ('<img src="data:image/png;base64,AA" alt="d">', '<img alt="d">', '<img alt="d">'),
    ('<td style="text-align: right; position: fixed">1</td>', '1', '1'),
    ('<table><tr><td style="text-align: right; position: fixed">1</td></tr></table>',
     '<table><tbody><tr><td style="text-align:right">1</td></tr></tbody></table>',
     '<table><tbody><tr><td style="text-align:right">1</td></tr></tbody></table>'),
    ('<h2 id="x" class="y" onclick="z">H</h2>', '<h2 id="x" class="y">H</h2>', '<h2 id="x" class="y">H</h2>'),
    ('<bdi dir="rtl" onclick="x">قندهار</bdi>', '<bdi dir="rtl">قندهار</bdi>', '<bdi dir="rtl">قندهار</bdi>'),
    ('<a class="headerlink" href="#x" title="Permanent link">¶</a>',
     '<a class="headerlink" href="#x" title="Permanent link">¶</a>',
     '<a class="headerlink" href="#x" title="Permanent link">¶</a>'),
])
def test_sanitiser_keeps_the_documented_subset(html: str, default: str, trusted: str) -> None:
    assert sanitize_html(html) == default
    assert sanitize_html(html, trusted_html=True) == trusted


def test_trusted_pages_keep_raw_html_but_never_articles() -> None:
    with pytest.raises(ValueError, match="trusted_pages may not match article pages"):
        markdown.Markdown(extensions=["dateline.sanitize"],
                          extension_configs={"dateline.sanitize": {"trusted_pages": ["*.md"]}})
    # Outside MkDocs the page is unknown: sanitised, whatever the list says.
    md = markdown.Markdown(extensions=["dateline.sanitize"],
                           extension_configs={"dateline.sanitize": {"trusted_pages": ["search.md"]}})
    assert md.convert("<form><input></form>\n\nText.") == "<p>Text.</p>"


def test_render_guard_renders_each_body_once_until_it_changes(project: Project,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from dateline import guard

    rendered: list[str] = []
    real = guard.render_problems
    monkeypatch.setattr(guard, "render_problems", lambda jobs, *args, **kw: (
        rendered.extend(job.path for job in jobs), real(jobs, *args, **kw))[1])
    project.write("a.md", article(title="A", body="Body of A.\n"))
    project.write("b.md", article(title="B", date="2021-08-14", body="Body of B.\n"))
    check(project.settings)
    check(project.settings)
    project.write("b.md", article(title="B", date="2021-08-14", body="Changed.\n"))
    check(project.settings)
    assert rendered == ["articles/a.md", "articles/b.md", "articles/b.md"]
    # Other Markdown settings may render differently: everything again.
    configure_extensions = project.root / "mkdocs.yml"
    configure_extensions.write_text(configure_extensions.read_text().replace(
        "permalink: true", "permalink: false"), encoding="utf-8")
    check(project.settings)
    assert rendered[3:] == ["articles/a.md", "articles/b.md"]


@pytest.mark.slow
def test_zensical_build_is_sanitised_too(project: Project) -> None:
    """Zensical runs no MkDocs plugin but loads dateline.sanitize from markdown_extensions."""
    zensical = Path(sys.executable).with_name("zensical")
    if not zensical.exists():
        pytest.skip("zensical is not installed")
    for name in PUBLISHED:
        copy_case(CORPUS / "published" / f"{name}.md", project)
    shutil.copy(PLACES, project.root / "places.yml")
    generate(project.settings)
    result = subprocess.run([str(zensical), "build", "-f", "mkdocs.yml"], cwd=project.root,
                            capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    found = []
    for path, soup in pages(project).items():
        found += [f"{path}: <{t.name} {k}>" for t in soup.find_all(True) for k in t.attrs if k.startswith("on")]
        content = soup.select_one("article")
        if content is not None and path != "search/index.html":
            found += [f"{path}: <{t.name}>" for t in content.find_all(["script", "iframe", "form", "svg"])]
    assert found == []
    # The trusted hand-written page keeps its raw HTML: the search form.
    assert pages(project)["search/index.html"].select_one("form.dateline-search__form input[name=q]")


def test_render_guard_uses_python_names_from_mkdocs_yml(project: Project) -> None:
    # Material's documented emoji setup: functions named with !!python/name: tags.
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("markdown_extensions:\n", (
        "markdown_extensions:\n  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "      emoji_generator: !!python/name:material.extensions.emoji.to_svg\n")), encoding="utf-8")
    project.write("a.md", article(body="Text :smile:\n"))
    archive, _warnings = check(project.settings)
    assert len(archive.articles) == 1


_INTERRUPTED = """
import sys, time
from pathlib import Path
from dateline import guard

ready = Path(sys.argv[1])

def slow(body):
    ready.touch()
    time.sleep(60)

guard._render = slow  # the workers are forked from here, and take it with them
try:
    guard.render_problems([guard.Job(f"a{i}.md", "x") for i in range(4)], [], {}, 30.0, workers=2)
except KeyboardInterrupt:
    print("stopped")
    sys.exit(130)
"""


def test_ctrl_c_while_bodies_render_stops_without_the_workers_tracebacks(tmp_path: Path) -> None:
    """Ctrl+C signals the terminal's whole process group, the render guard's workers too."""
    ready = tmp_path / "ready"
    process = subprocess.Popen([sys.executable, "-c", _INTERRUPTED, str(ready)], cwd=REPO,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not ready.exists() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        assert ready.exists(), process.communicate()
        os.killpg(process.pid, signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert (process.returncode, out.strip()) == (130, "stopped")
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
