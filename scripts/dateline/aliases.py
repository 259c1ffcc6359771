"""Former addresses of articles (``aliases:``), each a small page sending readers on.

An article whose date or slug changes moves to a new address; its old one would answer
404 to every citation of it. Its front matter lists the old addresses, as paths of the
site relative to its root (``/articles/2021/08/12/kandahar-falls/``; the site may be
published under a path, which they leave out), and each gets a page that sends browsers
(``<meta http-equiv="refresh">``) and search engines (``<link rel="canonical">``,
``noindex``) to the article, with a link for readers whose browser does not follow.

The pages are not Markdown for MkDocs: rendered in the theme, each would weigh what an
article's page does (tens of KB, the header and navigation), for a page read for an
instant; this one is about 600 bytes. ``dateline build`` writes them into the new site
after MkDocs (:func:`place`), as it writes the sitemap, so no builder knows of them: not
the sitemap (made from ``docs/``'s pages), not the search index and feeds (made from the
articles), not any list. A build after a change writes only the pages whose bytes
changed, links the others again from the live site (MkDocs, which removes what it did not
write, removed them), and removes those no article claims any more: what the last build
wrote is kept with the rest of its state (:func:`digests`).

Where an alias may lie is checked with the articles (:func:`alias_problems`): not at an
article's own address or another's, nor among the pages Dateline, the theme or ``docs/``
make, nor claimed by two articles.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import quote, unquote

from dateline.errors import Problem, Severity
from dateline.model import Alias, Article
from dateline.pagekit import GENERATED_ROOTS, language_attributes, page_url, published_address, relative
from dateline.writer import atomic_write, remove_emptied_folders

PAGE_SUFFIXES = (".html", ".htm")
"""What an alias naming a page rather than a folder ends in: what GitHub Pages serves as HTML."""
INDEX_FILES = ("index.html", "index.htm")
"""A folder's own page: an alias naming it names the folder (``a/index.html`` is ``a/``)."""
RESERVED = ("assets/", "pagefind/", "cities/", "countries/", "dates/", "articles/files/")
"""Folders of the site whose every address is Dateline's or the theme's, now or once the
archive grows (a city's month pages, a new day): no alias may lie in them."""
RESERVED_FILES = ("index.html", "404.html")
"""The home page and the theme's page for a missing address."""
NAME_BYTES = 255
"""The longest file or folder name most file systems take."""
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_FORBIDDEN = re.compile(r"[\s\x00-\x1f\x7f-\x9f\"<>\\^`{|}]")
"""What no address holds unescaped, nor a file name of the site should: space and
control characters, quotes, angle brackets, backslashes and the like."""


def web_address(written: str) -> bool:
    """Whether ``written`` names a scheme (``https:``) or a host (``//``): no path of the site."""
    return _SCHEME.match(written) is not None or written.startswith("//")


def reserved_place(file: str) -> str | None:
    """Where ``file`` of the site (compared in any case) would lie among the pages and
    files Dateline and the theme make: its folder of :data:`RESERVED`, ``""`` for the home
    and 404 pages (:data:`RESERVED_FILES`), or None when it lies elsewhere."""
    key = file.casefold()
    if key in RESERVED_FILES:
        return ""
    return next((folder for folder in RESERVED if key.startswith(folder)), None)


def normalise(written: str) -> tuple[str, str | None]:
    """The alias ``written`` as a path of the site (:attr:`Alias.path`), and why it is
    none, if it is not (the message then follows the alias as written).

    A leading ``/`` is optional; a folder may be written with or without its final ``/``
    (``a/b`` is ``a/b/``), or as its ``index.html``; a name ending in ``.html`` (or
    ``.htm``) is that page; %-escapes are decoded to the file name they stand for."""
    if web_address(written):
        return "", ("is a web address, not a path of this site; write the path alone, from the site's "
                    "root (/articles/2021/08/12/kandahar-falls/)")
    for mark, what in (("?", "a query (?…)"), ("#", "a fragment (#…)")):
        if mark in written:
            return "", f"has {what}, which no page's address has; leave it out"
    if "\\" in written:
        return "", "holds a backslash; separate folders with /"
    found = _FORBIDDEN.search(written)
    if found:
        char = found.group()
        shown = "a space" if char.isspace() else f'"{char}"' if char.isprintable() else f"U+{ord(char):04X}"
        return "", f"holds {shown}, which no address holds; write the address as the browser showed it"
    steps = written.removeprefix("/").split("/")
    folder = steps[-1] == ""
    if folder:
        steps.pop()
    if not steps:
        return "", "is the home page's address; an alias names the page an article had"
    names = []
    for step in steps:
        if not step:
            return "", "has an empty folder name (//)"
        try:
            name = unquote(step, errors="strict")
        except UnicodeDecodeError:
            return "", f'has %-escapes in "{step}" that are not UTF-8'
        if name in (".", ".."):
            return "", f'has a "{name}" segment, which leads elsewhere; write the address it leads to'
        if "/" in name or _FORBIDDEN.search(name):
            return "", f'has "{step}", whose %-escapes stand for a character no file name of the site holds'
        if name.startswith("."):
            return "", f'has "{name}", a hidden name that GitHub Pages does not publish'
        if len(name.encode()) > NAME_BYTES:
            return "", f"has a name of {len(name.encode())} bytes; a file system takes {NAME_BYTES}"
        names.append(name)
    last = names[-1].lower()
    if not folder and last in INDEX_FILES:
        names.pop()
        if not names:
            return "", "is the home page's address; an alias names the page an article had"
        folder = True
    elif not folder and "." in last and not last.endswith(PAGE_SUFFIXES):
        suffix = last[last.rfind("."):]
        return "", (f'ends in "{suffix}": GitHub Pages would not serve a page there as HTML; an alias is '
                    "a folder (…/) or an .html page")
    elif not folder and not last.endswith(PAGE_SUFFIXES):
        folder = True
    path = "/".join(names)
    return (f"{path}/" if folder else path), None


def _shown(path: str) -> str:
    return f'"/{path}"'


def _folders(file: str) -> Iterable[str]:
    """The folders ``file`` lies in, each with its final ``/`` (``a/``, ``a/b/``)."""
    at = file.find("/")
    while at >= 0:
        yield file[:at + 1]
        at = file.find("/", at + 1)


def own_outputs(docs_dir: Path, display: str) -> dict[str, str]:
    """The files of the built site made from ``docs/``'s own files (not Dateline's), by
    the file they are made from (``search/index.html`` → ``docs/search.md``), its folder
    shown as ``display``. Hidden files and folders are left out, as MkDocs leaves them."""
    outputs = {}
    for folder, folders, files in os.walk(docs_dir):
        inside = os.path.relpath(folder, docs_dir).replace(os.sep, "/")
        inside = "" if inside == "." else f"{inside}/"
        folders[:] = [name for name in folders if not name.startswith(".")
                      and not (not inside and name in GENERATED_ROOTS)]
        for name in files:
            path = f"{inside}{name}"
            if name.startswith(".") or path in GENERATED_ROOTS:
                continue
            output = f"{page_url(path)}index.html" if name.endswith(".md") else path
            outputs[output] = f"{display}/{path}"
    return outputs


def alias_problems(articles: Iterable[Article], own: Mapping[str, str],
                   site_path: str = "/") -> list[Problem]:
    """Where the published ``articles``' aliases would lie wrong: at an article's address,
    among Dateline's and the theme's folders, at a page made from ``docs/`` (``own``, from
    :func:`own_outputs`), claimed by two articles, or where another page needs a folder of
    that name. Also a warning for an alias starting with ``site_path``, the path the site
    is published under, which aliases leave out. Names compare in any case, as on the
    disks that do not tell them apart."""
    published = sorted(articles, key=lambda a: a.path)
    pages = {f"{a.url_path}index.html".casefold(): a for a in published}
    files = set(pages) | {output.casefold() for output in own}
    own_by_key = {output.casefold(): source for output, source in own.items()}
    claimed: dict[str, tuple[Article, Alias]] = {}
    for article in published:
        for alias in article.aliases:
            key = alias.file.casefold()
            claimed.setdefault(key, (article, alias))
    files |= claimed.keys()
    # An article's page lies in folders named by digits and its slug, never by a page's
    # name (x.html): only docs/'s files and the aliases can hold an alias's page name.
    folders = {folder for file in (*claimed, *own_by_key) for folder in _folders(file)}
    top = site_path.strip("/").split("/")[0].casefold()
    problems = []
    for article in published:
        for alias in article.aliases:
            key = alias.file.casefold()
            why = None
            owner = pages.get(key)
            first, first_alias = claimed[key]
            if owner is article:
                why = "is this article's own address; remove it"
            elif owner is not None:
                why = f"is the address of {owner.path}; an alias may not take another article's page"
            elif key in own_by_key:
                why = f"is the address of {own_by_key[key]}; an alias may not take a page of the site"
            elif (where := reserved_place(key)) is not None:
                why = (f"lies in /{where}, where Dateline and the theme make their own pages and files; "
                       "choose an address outside it" if where else
                       "is the address of a page the site makes itself")
            elif first is not article:
                why = (f"is also an alias of {first.path} (line {first_alias.line}); "
                       "an old address can lead to one article only")
            elif f"{key}/" in folders:
                why = "is the name of a folder the site's other pages lie in"
            elif any(folder.removesuffix("/") in files for folder in _folders(key)):
                why = "lies in a folder whose name is a page of the site's"
            if why is not None:
                problems.append(Problem(article.path, alias.line, "aliases", f"{_shown(alias.path)} {why}"))
            elif top and alias.path.split("/")[0].casefold() == top and "/" in alias.path:
                problems.append(Problem(
                    article.path, alias.line, "aliases",
                    f"{_shown(alias.path)} starts with /{top}/, the path site_url publishes the site under; "
                    f"an alias is a path from the site's root: /{alias.path.split('/', 1)[1]}",
                    Severity.WARNING))
    return problems


def redirect_page(alias: Alias, article: Article, site_url: str = "") -> bytes:
    """The page at ``alias`` sending readers to ``article``: at once in a browser (a
    refresh to its address, relative, so that it works wherever the site is published and
    in ``dateline serve``), by a link for those whose browser does not follow, and for
    search engines by a canonical link (absolute with ``site_url``) and ``noindex``."""
    target = quote(relative(article.url_path, alias.file), safe="/")
    canonical = published_address(site_url, article.url_path) if site_url else target
    title = html.escape(article.title)
    language = language_attributes(article)
    return (
        "<!doctype html>\n"
        '<html lang="en">\n'
        "<head>\n"
        '<meta charset="utf-8">\n'
        f"<title>Moved: {title}</title>\n"
        '<meta name="viewport" content="width=device-width,initial-scale=1">\n'
        '<meta name="robots" content="noindex">\n'
        f'<link rel="canonical" href="{html.escape(canonical)}">\n'
        f'<meta http-equiv="refresh" content="0; url={html.escape(target)}">\n'
        "</head>\n"
        "<body>\n"
        "<h1>This article has moved</h1>\n"
        f'<p><a href="{html.escape(target)}"{" " + language if language else ""}>{title}</a></p>\n'
        "</body>\n"
        "</html>\n"
    ).encode()


def redirect_files(articles: Iterable[Article], site_url: str = "") -> dict[str, bytes]:
    """Every alias's page (:func:`redirect_page`), by its file in the site."""
    return {alias.file: redirect_page(alias, article, site_url)
            for article in articles for alias in article.aliases}


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digests(wanted: Mapping[str, bytes]) -> dict[str, str]:
    """The hash of each redirect page's bytes, by its file: what a build keeps of them
    (:attr:`dateline.incremental.BuildState.redirects`), for :func:`place` to keep or
    remove next time."""
    return {path: _digest(data) for path, data in sorted(wanted.items())}


def place(site: Path, live: Path, wanted: Mapping[str, bytes],
          before: Mapping[str, str] | None) -> tuple[list[Path], list[str]]:
    """Put the redirect pages ``wanted`` (file → bytes) into ``site``, the new site, and
    take out those of the last build (``before``, :func:`digests`) no longer wanted;
    return the files written and those removed (relative to ``site``).

    ``site`` is a copy of ``live`` whose files are hard links (a build after a change) or
    a site built from nothing (``before`` is then None: every page is written). A page
    whose bytes the last build wrote is linked again from ``live`` if MkDocs removed it,
    never written; a page no longer wanted is removed only while it is still the live
    one's, never where MkDocs has just written an article's page."""
    written: list[Path] = []
    removed: list[str] = []
    known = before or {}
    for path, data in wanted.items():
        target, old = site / path, live / path
        if known.get(path) == _digest(data) and old.is_file():
            if target.exists() and os.path.samefile(target, old):
                continue
            if not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                os.link(old, target)
                continue
        atomic_write(target, data)  # a new file: never written through a link to the live one
        written.append(target)
    emptied = set()
    for path in known.keys() - wanted.keys():
        target, old = site / path, live / path
        with contextlib.suppress(FileNotFoundError):
            if os.path.samefile(target, old):
                target.unlink()
                removed.append(path)
                emptied.add(os.path.dirname(target))
    remove_emptied_folders(emptied, os.fspath(site))
    return sorted(written), sorted(removed)
