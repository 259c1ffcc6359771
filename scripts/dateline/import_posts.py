"""Import a Jekyll ``_posts/`` or Hugo ``content/`` folder of Markdown posts.

Each post keeps its body byte for byte; its front matter is translated: ``title``,
``date`` (from the file name ``2021-08-13-slug.md`` when the post has none), Hugo's
``lastmod`` and Jekyll's ``last_modified_at`` → ``updated`` (when later than the date),
``categories`` and ``tags`` → ``tags``, ``author(s)``, ``draft`` (and Jekyll's
``published: false``), ``description`` →
``summary``, ``slug``. The post's old addresses become ``aliases`` (see
:func:`former_addresses`). Cities are found in the body's text. Files beside the post that its
body links to (a Hugo page bundle's images) come along: the article is then written as
``articles/YYYY/MM/<slug>/index.md``, the files at their paths beside it. Hugo's TOML (``+++``)
front matter is read with the standard library's ``tomllib``.
"""

from __future__ import annotations

import datetime as dt
import json
import posixpath
import re
import tomllib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from dateline.aliases import normalise, reserved_place, web_address
from dateline.bodylinks import ASSET_SUFFIXES, meant, relative_links, split_target
from dateline.detect import find_cities, prose_of_markdown
from dateline.errors import Problem, Severity
from dateline.frontmatter_yaml import decode
from dateline.gazetteer import Gazetteer
from dateline.importer import FieldValue, Imported, article_path, file_slug, front_matter
from dateline.model import Alias
from dateline.text import SLUG_RE, plural

POST_SUFFIXES = (".md", ".markdown")
_DATED_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-(.+)$")
_COMPACT_OFFSET = re.compile(r"([+-]\d{2})(\d{2})$")


def _visible_files(folder: Path) -> Iterator[Path]:
    """The files under ``folder``, sorted, except hidden ones and those in hidden folders."""
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(folder).parts):
            yield path


def post_files(folder: Path) -> Iterator[Path]:
    """Posts under ``folder``, sorted; Hugo's section pages (``_index.md``) and hidden
    files are not posts."""
    for path in _visible_files(folder):
        if path.suffix.lower() in POST_SUFFIXES and not path.name.startswith("_"):
            yield path


def _no_posts(folder: Path, shown: str) -> list[Problem]:
    """Why a folder without posts gave nothing, when it holds other files: most likely
    plain-text articles, which are imported by naming them. (Hugo's ``_index.md`` pages
    alone are a site's sections without posts, not something else to import.)"""
    others = [path for path in _visible_files(folder) if path.suffix.lower() not in POST_SUFFIXES]
    if not others:
        return []
    kinds = Counter(path.suffix.lower() for path in others)
    *more, last = [plural(count, f"{suffix} file" if suffix else "file without a suffix",
                          f"{suffix} files" if suffix else "files without a suffix")
                   for suffix, count in kinds.most_common()]
    held = f"{', '.join(more)} and {last}" if more else last
    top = Counter(path.suffix.lower() for path in others if path.parent == folder and path.suffix)
    files = f"{shown.rstrip('/')}/*{top.most_common(1)[0][0]}" if top else "FILE…"
    return [Problem(shown, 0, "posts", f"none here: a folder is read as a Jekyll _posts/ or Hugo "
                    f"content/ folder, for its {' and '.join(POST_SUFFIXES)} files, and this one holds "
                    f"{held}; to import plain-text articles, name them: "
                    f"dateline import {files} --date YYYY-MM-DD")]


def split_post(text: str) -> tuple[dict[str, Any] | None, str, str | None]:
    """(metadata, body exactly as written, error). A post without front matter is all body."""
    lines = text.splitlines(keepends=True)
    fence = lines[0].rstrip("\r\n") if lines else ""
    if fence not in ("---", "+++"):
        return {}, text, None
    closing = next((i for i in range(1, len(lines)) if lines[i].rstrip("\r\n").rstrip() == fence), None)
    if closing is None:
        return None, text, f"front matter opened with {fence} is not closed"
    head = "".join(lines[1:closing])
    try:
        meta = tomllib.loads(head) if fence == "+++" else yaml.safe_load(head)
    except (yaml.YAMLError, tomllib.TOMLDecodeError) as error:
        return None, text, f"invalid front matter: {error}"
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        return None, text, "front matter is not 'key: value' lines"
    return meta, "".join(lines[closing + 1:]), None


def _when(value: Any) -> dt.date | None:
    """A post's date as Dateline keeps it: a date, or a datetime only when it has an offset."""
    if isinstance(value, str):
        written = _COMPACT_OFFSET.sub(r"\1:\2", value.strip())  # Jekyll's "+0430"
        try:
            value = dt.datetime.fromisoformat(written)
        except ValueError:
            return None
    if isinstance(value, dt.datetime):
        return value if value.utcoffset() is not None else value.date()
    return value if isinstance(value, dt.date) else None


def _later(changed: dt.date | None, published: dt.date) -> bool:
    """Whether ``changed`` is after ``published``: by the clock when both have a time,
    else by the calendar day."""
    if changed is None:
        return False
    if isinstance(changed, dt.datetime) and isinstance(published, dt.datetime):
        return changed > published

    def day(value: dt.date) -> dt.date:
        return value.date() if isinstance(value, dt.datetime) else value

    return day(changed) > day(published)


def _words(value: Any) -> list[str]:
    """Jekyll accepts ``tags: a b`` as well as a list."""
    if isinstance(value, str):
        return value.split()
    if isinstance(value, list):
        return [" ".join(str(v).split()) for v in value if str(v).strip()]
    return []


def _names(value: Any) -> list[str]:
    """Authors as Jekyll and Hugo write them: one name, a list of names, or a mapping
    (jekyll-seo-tag's ``{name: …, twitter: …}``) whose ``name`` is the author's, alone
    or in a list. A name may hold spaces: ``Jane Doe`` is one author."""
    if isinstance(value, list):
        return [name for item in value for name in _names(item)]
    if isinstance(value, dict):
        value = value.get("name")
    if value is None or isinstance(value, list | dict):
        return []
    name = " ".join(str(value).split())
    return [name] if name else []


def _resources(body: str, post: Path) -> list[tuple[str, Path]]:
    """The files beside the post (or in folders below it) that its body links to, and
    that an article may publish (:data:`~dateline.bodylinks.ASSET_SUFFIXES`): a Hugo
    page bundle's images, say. By their path from the post's folder."""
    found: dict[str, Path] = {}
    for link in relative_links(body):
        target = meant(link)
        path = posixpath.normpath(split_target(target)[0])
        source = post.parent / path
        if (not target.startswith("/") and not path.startswith("../") and path != ".."
                and posixpath.splitext(path)[1].lower() in ASSET_SUFFIXES and source.is_file()):
            found.setdefault(path, source)
    return sorted(found.items())


_PLACEHOLDER = re.compile(r":[A-Za-z_]")
"""A Jekyll permalink's ``:year``, ``:title``…: filled in from the site's configuration."""


def _written_addresses(meta: dict[str, Any], origin: str) -> tuple[list[tuple[str, str]], list[Problem]]:
    """(key, address as written) of every old address the post gives: its own, then those
    it redirects from; a value that is not text is a warning."""
    found: list[tuple[str, str]] = []
    problems: list[Problem] = []
    for key in ("permalink", "url", "redirect_from", "aliases"):
        value = meta.get(key)
        for item in value if isinstance(value, list) and key not in ("permalink", "url") else [value]:
            if isinstance(item, str) and item.strip():
                found.append((key, item.strip()))
            elif item is not None and item != "":
                shown = json.dumps(item, default=str, ensure_ascii=False)
                problems.append(Problem(origin, 0, key, f"{shown} is not an address; not kept as an alias",
                                        Severity.WARNING))
    return found, problems


def _resolved(key: str, written: str, page: str | None) -> tuple[str | None, str | None]:
    """The address ``written`` from the old site's root, or why it cannot be known. Hugo
    reads an alias without a leading ``/`` from the page's own folder; Jekyll reads
    ``redirect_from`` and ``permalink`` from the site's root, as Dateline reads aliases."""
    if key == "permalink" and _PLACEHOLDER.search(written):
        return None, ("holds placeholders, which the old site's configuration fills in; "
                      "write the address it gave in aliases: by hand")
    if key != "aliases" or written.startswith("/") or web_address(written):
        return written, None
    if page is None or web_address(page):
        return None, ("is read by Hugo from the post's own address, which its site's "
                      "configuration gives; write the address it makes in aliases: by hand")
    folder = posixpath.dirname("/" + page.strip("/"))
    return posixpath.normpath(posixpath.join(folder, written)), None


def _alias_path(key: str, written: str, page: str | None) -> tuple[str, str | None]:
    """The alias (:attr:`~dateline.model.Alias.path`) an old address makes, or why it
    makes none, said as a warning of the import."""
    resolved, why = _resolved(key, written, page)
    if resolved is None:
        return "", f"{why}; not kept as an alias"
    path, wrong = normalise(resolved)
    if wrong is not None:
        # normalise's advice is for an alias being written; here it is left out.
        why = f"{wrong.split(';')[0]}; not kept as an alias"
        if web_address(written):
            why += " (write its path in aliases: by hand if the archive replaces that site)"
        return "", why
    if reserved_place(Alias(path, 0).file) is not None:
        return "", f"lies where Dateline makes pages of its own (/{path}); not kept as an alias"
    return path, None


def former_addresses(meta: dict[str, Any], origin: str, own: str,
                     claimed: dict[str, str] | None = None) -> tuple[list[str], list[Problem]]:
    """The aliases a post's old addresses make: its own address when its file gives it
    (Jekyll's ``permalink``, Hugo's ``url``) and those it redirects from
    (jekyll-redirect-from's ``redirect_from``, Hugo's ``aliases``), each written as a path
    from the site's root; ``own`` is its new one (``articles/2021/08/13/slug/``), left out.

    An address that is no path of the site (a web address, a query…), or that lies where
    Dateline makes its own pages, is a warning naming the post and is left out, so that
    the article passes ``dateline check``. The address a post had by the old site's
    configuration alone (Jekyll's and Hugo's ``permalinks``) is not in its file, and is
    not guessed. ``claimed`` (alias → post), shared by the posts of one import, gives an
    address two posts redirect from to the first alone."""
    written, problems = _written_addresses(meta, origin)
    page = meta.get("url") if isinstance(meta.get("url"), str) else None
    seen = {own.casefold()}
    aliases: list[str] = []
    for key, address in written:
        path, why = _alias_path(key, address, page)
        if why is not None:
            problems.append(Problem(origin, 0, key, f'"{address}" {why}', Severity.WARNING))
        elif (first := (claimed or {}).get(path.casefold(), origin)) != origin:
            problems.append(Problem(origin, 0, key, f'"{address}" is also an old address of {first}, '
                                    "whose article keeps it; not kept as an alias", Severity.WARNING))
        elif path.casefold() not in seen:
            seen.add(path.casefold())
            if claimed is not None:
                claimed[path.casefold()] = origin
            # %-escapes are read back as characters: a "%" of the name is written escaped.
            aliases.append("/" + path.replace("%", "%25"))
    return aliases, problems


def post_article(text: str, origin: str, gazetteer: Gazetteer, *, articles_dir: str = "articles",
                 source: Path | None = None,
                 claimed: dict[str, str] | None = None) -> tuple[Imported | None, list[Problem]]:
    """The Dateline article for one Jekyll or Hugo post, read from ``source`` when given:
    the files its body links to beside it come along (see :func:`_resources`); its old
    addresses become aliases (:func:`former_addresses`, which ``claimed`` is for)."""
    meta, body, error = split_post(text.removeprefix("\ufeff"))
    if meta is None:
        return None, [Problem(origin, 1, "front matter", error or "unreadable")]
    stem = Path(origin).stem
    if stem == "index":  # a Hugo page bundle is named by its folder
        stem = Path(origin).parent.name
    dated = _DATED_NAME.match(stem)
    day = _when(meta.get("date") or meta.get("publishDate")) or (
        _when(dated.group(1)) if dated else None)
    if day is None:
        return None, [Problem(origin, 1, "date", "the post has no date and its file name none "
                              "(Jekyll's 2021-08-13-title.md)")]
    changed = _when(meta.get("lastmod") or meta.get("last_modified_at"))
    slug_source = str(meta.get("slug") or (dated.group(2) if dated else stem))
    title = str(meta.get("title") or slug_source.replace("-", " ").capitalize())
    slug = file_slug(slug_source)
    tags = _words(meta.get("categories") or meta.get("category")) + _words(meta.get("tags"))
    authors = _names(meta.get("authors")) or _names(meta.get("author"))
    mentions = find_cities(prose_of_markdown(body), gazetteer)
    day_only = day.date() if isinstance(day, dt.datetime) else day
    aliases, problems = former_addresses(meta, origin, f"articles/{day_only:%Y/%m/%d}/{slug}/", claimed)
    if not mentions:
        problems.append(Problem(origin, 0, "cities", "no city found in the text; "
                                "add cities: to the new file by hand", Severity.WARNING))
    fields: dict[str, FieldValue] = {
        "title": " ".join(title.split()),
        "date": day,
        "updated": changed if _later(changed, day) else None,
        "cities": [m.place.name for m in mentions],
        "author": authors or None,
        "tags": list(dict.fromkeys(tags)) or None,
        "summary": str(meta["description"]) if meta.get("description") else None,
        "slug": slug if meta.get("slug") and SLUG_RE.match(slug) else None,
        # Jekyll's published: false keeps a post off its site, as draft: true does.
        "draft": True if meta.get("draft") is True or meta.get("published") is False else None,
        "aliases": aliases or None,
    }
    path = article_path(articles_dir, day_only, slug)
    resources = _resources(body, source) if source is not None else []
    files: tuple[tuple[str, Path], ...] = ()
    if resources:
        # A folder of its own, the files at their paths in it: the body's links hold as
        # written, and two posts' cover.jpg do not meet.
        folder = path.removesuffix(".md")
        path = f"{folder}/index.md"
        fields["slug"] = slug
        files = tuple((f"{folder}/{name}", file) for name, file in resources)
    head = front_matter(fields, f"imported from {origin} by dateline import; check the cities")
    return Imported(path, head + body, origin, tuple(mentions), files), problems


def import_folder(folder: Path, gazetteer: Gazetteer, *, articles_dir: str = "articles",
                  display: str | None = None) -> tuple[list[Imported], list[Problem]]:
    """Every post in a Jekyll ``_posts/`` or Hugo ``content/`` folder."""
    items: list[Imported] = []
    problems: list[Problem] = []
    shown = display or str(folder)
    posts = list(post_files(folder))
    claimed: dict[str, str] = {}
    if not posts:
        return [], _no_posts(folder, shown)
    for path in posts:
        origin = f"{shown.rstrip('/')}/{path.relative_to(folder).as_posix()}"
        text, found = _read_post(path, origin)
        if text is None:
            problems.extend(found)
            continue
        item, found = post_article(text, origin, gazetteer, articles_dir=articles_dir, source=path,
                                    claimed=claimed)
        problems.extend(found)
        if item is not None:
            items.append(item)
    return items, problems


def _read_post(path: Path, origin: str) -> tuple[str | None, list[Problem]]:
    """A post's text with its line ends made ``\\n`` (as reading it in text mode would), or
    the problem: bytes that are not UTF-8 are named as in an article file, by line and
    position, rather than as Python's codec error."""
    try:
        data = path.read_bytes()
    except OSError as error:
        return None, [Problem(origin, 0, "file", f"cannot be read: {error.strerror or error}")]
    text, problems = decode(data, origin)
    return (None if text is None else text.replace("\r\n", "\n").replace("\r", "\n")), problems
