"""Links in an article's body to other articles and to files beside it.

An article is written in ``articles/`` and published elsewhere (``docs/articles/<date>/
<slug>.md``, a page at ``/articles/2021/08/13/<slug>/``), so a relative link written
from its file, ``[the day before](kabul-braces.md)`` or ``![The airport](airport.jpg)``,
would lead nowhere from its page. Dateline reads such links as the writer meant them,
from the article's file:

- to another article's file: the link leads to that article's page (its ``#anchor``
  kept);
- to any other file under ``articles/`` of a kind that is safe to serve (images, PDF,
  data files, audio, video): the file is published under ``docs/articles/files/`` (at
  its path under ``articles/``) and the link leads there. Formats that can carry scripts
  (SVG, HTML, XML) are refused: served from the archive's own address, a script in them
  would run as the archive's.

Every other relative link (a file that is not there, a draft, a path out of
``articles/``) is an error naming the file and line, found by ``dateline check``
before anything is written, instead of MkDocs failing half-way through a build.

A link from the root, ``[Kabul](/cities/kabul/)``, means the archive's root: it is made
relative to the page, so it holds wherever the archive is published (GitHub Pages
serves a project's site under ``/<repository>/``, where ``/cities/kabul/`` would lead
out of it). :mod:`dateline.rootlinks` checks one into the generated pages.

Links are found in the Markdown as written (inline links and images, link reference
definitions, and ``<a href>`` and ``<img src>`` written in HTML), outside code;
Python-Markdown's own rendering of the body then confirms which of them are links, so
that text that only looks like one (in an indented code block, say) is left alone. This
runs when an article file is read, and is kept in the read cache with the rest of the
article.
"""

from __future__ import annotations

import html
import os
import posixpath
import re
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import quote, unquote

from dateline.errors import Problem
from dateline.mdcode import without_code
from dateline.model import ARTICLE_SUFFIXES, BodyLink, Links
from dateline.pagekit import page_url, relative
from dateline.text import link_targets

ASSETS = "articles/files"
"""Where under ``docs/`` the files articles link to are published."""

IMAGE_SUFFIXES = frozenset({".avif", ".gif", ".jpeg", ".jpg", ".png", ".webp"})
"""The images among :data:`ASSET_SUFFIXES`."""

ASSET_SUFFIXES = IMAGE_SUFFIXES | frozenset({
    ".pdf", ".csv", ".json",  # documents and data (not .txt: plain-text articles to import)
    ".mp3", ".m4a", ".oga", ".ogg", ".opus", ".wav",  # audio
    ".mp4", ".m4v", ".ogv", ".webm",  # video
    ".vtt",  # captions
})
"""Kinds of file an article may link to. Not SVG or HTML (scripts), nor anything a
browser might run or a server execute."""

_SCRIPTABLE = frozenset({".svg", ".svgz", ".html", ".htm", ".xhtml", ".xml", ".xsl"})

_WORD = r"(?:[^\s()<>]|\([^\s()<>]*\))+"
"""A run of a link target without spaces, balanced parentheses included."""
_INLINE = re.compile(rf"\]\([ \t]*(?:<([^<>\n]*)>|((?:{_WORD})?(?:[ \t]+(?![\"']){_WORD})*))")
"""An inline link's target: in brackets, or as Python-Markdown reads it without: up to
the title or the closing parenthesis, spaces and all (``![x](photo one.jpg)``)."""
_REFERENCE = re.compile(r"^ {0,3}\[(?!\^)[^\]\n]+\]:[ \t]*(?:<([^<>\n]*)>|(\S+))", re.MULTILINE)
"""A link reference definition; not ``[^1]: Ibid.``, a footnote's (the footnotes extension)."""
_HTML_LINK = re.compile(r"<(?:a\s[^<>]*?\bhref|img\s[^<>]*?\bsrc)\s*=\s*"
                        r"(?:\"([^\"<>]*)\"|'([^'<>]*)'|([^\s\"'=<>`]+))", re.IGNORECASE)
"""``<a href>`` and ``<img src>``, their value quoted or not (``<img src=photo.jpg>``)."""
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


_C0_AND_SPACE = "".join(map(chr, range(0x21)))


def is_relative(target: str) -> bool:
    """A path from the article's file (or from the archive's root, ``/…``): not empty, no
    scheme, not ``//``, ``#`` or ``?``; read as browsers read an address, without tabs,
    line breaks and the controls and spaces around it (``" java&#x09;script:"`` is a
    scheme, left to the sanitiser)."""
    target = target.replace("\t", "").replace("\n", "").replace("\r", "").strip(_C0_AND_SPACE)
    return bool(target) and target[0] not in "#?" and not target.startswith("//") \
        and not _SCHEME.match(target)


def relative_links(body: str, body_line: int = 1) -> tuple[BodyLink, ...]:
    """The relative link targets in ``body``, whose first line is line ``body_line``:
    Markdown's, and those of ``<a href>`` and ``<img src>`` written as HTML."""
    return body_links(body, body_line)[0]


def in_page_links(body: str, body_line: int = 1) -> tuple[BodyLink, ...]:
    """What look like links within the page in ``body`` (``[below](#casualties)``), found
    as :func:`relative_links` finds the others but not confirmed by a rendering: the
    render guard's, which every body has, tells which are links (see
    :mod:`dateline.anchors`)."""
    return body_links(body, body_line)[1]


def body_links(body: str, body_line: int = 1) -> tuple[tuple[BodyLink, ...], tuple[BodyLink, ...]]:
    """:func:`relative_links` and :func:`in_page_links` of ``body``, found at once."""
    if "](" not in body and "]:" not in body and "<" not in body:
        return (), ()
    masked = without_code(body)
    relative: list[BodyLink] = []
    within: list[BodyLink] = []
    for pattern, in_html in ((_INLINE, False), (_REFERENCE, False), (_HTML_LINK, True)):
        line, counted = body_line, 0  # lines counted up to each link from the one before, not from the top
        for match in pattern.finditer(masked):
            group = next(at for at, found in enumerate(match.groups(), 1) if found is not None)
            start, end = match.span(group)
            line += body.count("\n", counted, start)
            counted = start
            link = BodyLink(start, end, body[start:end], line, in_html)
            target = meant(link)
            if is_relative(target):
                relative.append(link)
            elif target.startswith("#") and len(target) > 1:
                within.append(link)
    by_start = sorted(within, key=lambda link: link.start)
    if not relative:
        return (), tuple(by_start)
    rendered = {target.strip(_C0_AND_SPACE) for target in link_targets(body)}
    confirmed = sorted((link for link in relative if meant(link) in rendered), key=lambda link: link.start)
    return tuple(confirmed), tuple(by_start)


_BARE_IMAGE = re.compile(r"(?<!\\)(?:\\\\)*(!\[[ \t]*\][(\[])|<img\b([^<>]*)>", re.IGNORECASE)
"""An image that may have no words for those who cannot see it: ``![](map.png)`` (not
``\\![](map.png)``, an escaped "!" and a link), or an ``<img>`` whose attributes
(:data:`HTML_ATTRIBUTE`) tell."""
HTML_ATTRIBUTE = re.compile(r"""([^\s"'>/=]+)(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?""")
"""An HTML attribute, its name first: a value in quotes may hold "alt=" (``title="alt=x"``),
and ``data-alt`` is another attribute than ``alt``."""


def images_without_alt(body: str) -> list[int]:
    """The lines (within ``body``) of its images that have no alternative text, outside code.

    An ``alt`` with no value (``<img src=map.png alt>``) is an empty one, as ``alt=""``:
    the image is decoration, and is left alone."""
    if "![" not in body and "<" not in body:
        return []
    masked = without_code(body)
    lines = []
    line, counted = 1, 0  # lines counted from the image before, not from the top each time
    for found in _BARE_IMAGE.finditer(masked):
        if found.group(1) or all(name.lower() != "alt" for name in HTML_ATTRIBUTE.findall(found.group(2))):
            line += masked.count("\n", counted, found.start())
            counted = found.start()
            lines.append(line)
    return lines


def meant(link: BodyLink) -> str:
    """The target as Markdown or HTML reads it: backslash escapes undone, or entities
    and the spaces around (which browsers drop)."""
    return html.unescape(link.target).strip(_C0_AND_SPACE) if link.html else _ESCAPED.sub(r"\1", link.target)


def split_target(target: str) -> tuple[str, str]:
    """A link target's path (decoded), and its ``#anchor`` or ``?query``; the target as
    read (:func:`meant`)."""
    cut = min((at for at in (target.find("#"), target.find("?")) if at >= 0), default=len(target))
    return unquote(target[:cut]), target[cut:]


def resolve(article_path: str, target: str) -> tuple[str, str]:
    """The project path a link (its target as read, :func:`meant`) of the article at
    ``article_path`` names, and what follows the path (``#anchor``, ``?query``)."""
    path, rest = split_target(target)
    return posixpath.normpath(posixpath.join(posixpath.dirname(article_path), path)), rest


def from_root(target: str) -> tuple[str, str]:
    """A link from the archive's root (``/cities/kabul/``) as a path under ``docs/``
    (``cities/kabul/``; the home page is ``""``), and its anchor or query."""
    path, rest = split_target(target)
    inside = posixpath.normpath(path.lstrip("/")) if path.strip("/") else ""
    return f"{inside}/" if inside and path.endswith("/") else inside, rest


def check_links(published: Iterable[tuple[str, tuple[BodyLink, ...]]], pages: Mapping[str, str],
                drafts: Iterable[str], root: Path, articles: str) -> tuple[Links, list[Problem]]:
    """Where each relative link of the ``published`` articles (path, links) leads, and a
    problem for each that leads nowhere the site has. ``pages``: every published
    article's page by file; ``drafts``: the drafts' files; ``articles``: the articles
    folder, as a project path. An article with errors may be among ``published``: its
    links to its own file lead to the page it will have."""
    drafted = set(drafts)
    top = (root / articles).resolve()
    folders: dict[str, bool] = {}
    assets: dict[str, str] = {}
    problems = []
    for path, links in published:
        for link in links:
            target = meant(link)
            if target.startswith("/"):
                continue  # from the archive's root: see dateline.rootlinks
            found, _rest = resolve(path, target)
            if found in pages or found in assets or found == path:
                continue
            why = _asset_problem(found, drafted, root, top, articles, folders)
            if why is None:
                assets[found] = f"{ASSETS}/{found.removeprefix(articles + '/')}"
            else:
                problems.append(Problem(path, link.line, "body",
                                        f'links to "{link.target}" ({found}): {why}'))
    return Links(pages, dict(sorted(assets.items()))), problems


def _asset_problem(found: str, drafts: set[str], root: Path, top: Path, articles: str,
                   folders: dict[str, bool]) -> str | None:
    """Why the file ``found`` cannot be published for an article to link to, or None.
    ``folders``: whether each folder asked about so far lies inside ``top``, followed
    through links: one ``resolve`` per folder, and text paths, not a ``Path`` and its
    ``resolve`` per file (10,000 files took 0.33 s so, 0.06 s now)."""
    if found in drafts:
        return "a draft, which the site leaves out; publish it or remove the link"
    if found.startswith("../") or not found.startswith(articles + "/"):
        return (f"outside {articles}/; link to a page of the site by its address from the "
                f"archive's root (/cities/kabul/), and keep files articles link to under {articles}/")
    if any(part.startswith(".") for part in found.split("/")):
        return "a hidden file or folder, which is not published"
    file = os.path.join(root, found)
    suffix = posixpath.splitext(found)[1].lower()
    if suffix in ARTICLE_SUFFIXES:
        return "an article with errors of its own, not in the site" if os.path.exists(file) \
            else "no such article (a page of the site is linked by its address: /cities/kabul/)"
    try:
        status = os.lstat(file)
    except (OSError, ValueError):  # not there, a name too long, a NUL in it…
        return "no such file"
    if stat.S_ISLNK(status.st_mode):
        if not os.path.isfile(file):
            return "no such file"
        inside = Path(file).resolve().is_relative_to(top)
    elif stat.S_ISREG(status.st_mode):
        folder = os.path.dirname(file)
        if folder not in folders:
            folders[folder] = Path(folder).resolve().is_relative_to(top)
        inside = folders[folder]
    else:
        return "no such file"
    if not inside:
        return f"a link leading outside {articles}/; refused"
    if suffix in _SCRIPTABLE:
        return ("SVG, HTML and XML files can carry scripts, which would run as the archive's own; "
                "link to a PNG, JPEG or WebP image or a PDF instead")
    if suffix not in ASSET_SUFFIXES:
        kinds = " ".join(sorted(ASSET_SUFFIXES))
        return f"files of this kind are not published (allowed: {kinds})"
    return None


def destinations(links: tuple[BodyLink, ...], article_path: str, where: Links) -> list[tuple[str, str]]:
    """Where each of an article's links leads under ``docs/``, and its anchor or query."""
    found = []
    for link in links:
        target = meant(link)
        if target.startswith("/"):
            found.append(from_root(target))
        else:
            path, rest = resolve(article_path, target)
            found.append((where.destination(path), rest))
    return found


def from_page(path: str, here: str, in_html: bool = False) -> str:
    """The link to ``path`` (under ``docs/``) from the page made of ``here``: to a file by
    its path from ``here``, which MkDocs turns into the file's address; to a page's
    address (``cities/kabul/``) from the page's own address, which MkDocs leaves as is,
    as it leaves every link written in HTML (``in_html``: a page then by its address)."""
    if in_html:
        return relative(page_url(path) if path.endswith(".md") else path, f"{page_url(here)}index.html")
    if path and not path.endswith("/") and posixpath.splitext(path)[1]:
        return relative(path, here)
    return relative(path, f"{page_url(here)}index.html")


def with_links(body: str, links: tuple[BodyLink, ...], targets: list[tuple[str, str]]) -> str:
    """The body with each link's target replaced by the matching path of ``targets``
    (relative to the page) and its anchor or query, as written."""
    parts = []
    at = 0
    for link, (path, rest) in zip(links, targets, strict=True):
        parts += [body[at:link.start], quote(path), rest]
        at = link.end
    parts.append(body[at:])
    return "".join(parts)
