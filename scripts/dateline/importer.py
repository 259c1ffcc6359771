"""``dateline import``: plain-text articles become article files with their cities found.

A plain-text article is the seed's format: the headline on the first line, a blank
line, then paragraphs. The result is an :class:`Imported` (path and text) built by pure
functions; :func:`write_new` is the only writer and it never replaces a file. Jekyll
and Hugo posts go through :mod:`dateline.import_posts`, which ends in the same shape.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

from dateline.annotate import yaml_text
from dateline.detect import Mention, find_cities
from dateline.errors import Problem, Severity
from dateline.frontmatter_yaml import parse
from dateline.gazetteer import Gazetteer
from dateline.load import validate
from dateline.text import SLUG_RE, slugify
from dateline.writer import told_of

SLUG_LIMIT = 60
"""Longest file-name slug made from a headline; longer ones are cut at a hyphen."""


@dataclass(frozen=True)
class Imported:
    """One article file to create."""

    path: str
    """Relative to the project folder: ``articles/2021/08/taliban-take-kandahar.md``."""
    text: str
    origin: str
    """The file it came from, for messages."""
    mentions: tuple[Mention, ...] = ()
    """The cities found, with counts, for the command's report."""
    files: tuple[tuple[str, Path], ...] = ()
    """Files its body links to, to copy beside it: (path relative to the project, source)."""


def file_slug(title: str) -> str:
    """A file name for a headline: its slug, cut at a word to :data:`SLUG_LIMIT`."""
    slug = slugify(title)
    if len(slug) > SLUG_LIMIT:
        slug = slug[:SLUG_LIMIT + 1].rsplit("-", 1)[0]
    return slug if SLUG_RE.match(slug) else "article"


def article_path(articles_dir: str, day: dt.date, slug: str) -> str:
    return f"{articles_dir.rstrip('/')}/{day:%Y}/{day:%m}/{slug}.md"


FieldValue = str | list[str] | bool | dt.date | None


def front_matter(fields: dict[str, FieldValue], comment: str = "") -> str:
    """YAML front matter in the order given, every value quoted only where YAML needs it.

    None leaves a key out; an empty list is written ``[]`` so the gap shows.
    """
    lines = ["---"]
    if comment:
        lines.append(f"# {comment}")
    for key, value in fields.items():
        if value is None:
            continue
        if value == []:
            lines.append(f"{key}: []")
        elif isinstance(value, bool):
            lines.append(f"{key}: {'true' if value else 'false'}")
        elif isinstance(value, dt.date):  # datetimes included: YAML reads ISO 8601 back as is
            lines.append(f"{key}: {value.isoformat()}")
        elif isinstance(value, list):
            lines.append(f"{key}:")
            lines.extend(f"  - {yaml_text(item)}" for item in value)
        else:
            lines.append(f"{key}: {yaml_text(value)}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def url_problem(url: str) -> str | None:
    """What ``dateline check`` will say of ``url`` once written into an article's front
    matter, or None: check's own reading of front matter that holds only this ``url:``
    (its complaints about the other keys, missing here, are not the option's)."""
    parsed, problems = parse(front_matter({"url": url}), "--url")
    if parsed is not None:
        problems += validate("--url", parsed.fields, "", "url")[1]
    return next((p.message for p in problems if p.is_error and p.field == "url"), None)


_BLOCK_MARKER = re.compile(r"^(\s{0,3})([#>+*-]|\d+[.)])(?=\s|$)|^(\s{0,3})(=+|-+)\s*$")
_INLINE = re.compile(r"([\\`*_\[\]])")


def _escape_marker(match: re.Match[str]) -> str:
    indent = match.group(1) or match.group(3) or ""
    marker = match.group(2) or match.group(4)
    if marker[0].isdigit():  # "1." → "1\." (a backslash before a digit would show)
        return f"{indent}{marker[:-1]}\\{marker[-1]}"
    return f"{indent}\\{marker}"


def escape_paragraph(paragraph: str) -> str:
    """Plain text that Markdown renders as itself: no heading, list, emphasis or tag starts."""
    lines = []
    for line in paragraph.split("\n"):
        # Python-Markdown cannot backslash-escape "<", so it becomes an entity.
        line = _INLINE.sub(r"\\\1", line).replace("<", "&lt;")
        line = _BLOCK_MARKER.sub(_escape_marker, line, count=1)
        lines.append(line)
    return "\n".join(lines)


def plain_text_article(text: str, origin: str, gazetteer: Gazetteer, *, day: dt.date,
                       source: str | None = None, url: str | None = None,
                       articles_dir: str = "articles") -> tuple[Imported | None, list[Problem]]:
    """The article file for one plain-text article (headline, blank line, paragraphs)."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    blocks = [b.strip("\n") for b in re.split(r"\n[ \t]*\n", text.strip()) if b.strip()]
    if not blocks:
        return None, [Problem(origin, 0, "text", "is empty")]
    headline, *paragraphs = blocks
    if "\n" in headline:
        return None, [Problem(origin, 1, "headline",
                              "must be the first line alone, followed by a blank line")]
    title = " ".join(headline.split())
    problems: list[Problem] = []
    if not paragraphs:
        problems.append(Problem(origin, 1, "text", "has a headline but no paragraphs", Severity.WARNING))
    if title == title.lower():
        problems.append(Problem(origin, 1, "headline", f'"{title}" is all lowercase; '
                                "is it a section label rather than a headline?", Severity.WARNING))
    body = "\n\n".join(paragraphs)
    mentions = find_cities(body, gazetteer)
    if not mentions:
        problems.append(Problem(origin, 0, "cities", "no city found in the text; "
                                "add cities: to the new file by hand", Severity.WARNING))
    fields: dict[str, FieldValue] = {
        "title": title, "date": day, "cities": [m.place.name for m in mentions],
        "source": source, "url": url,
    }
    markdown = "\n\n".join(escape_paragraph(p) for p in paragraphs)
    head = front_matter(fields, "imported by dateline import; cities were found in the text: check them")
    path = article_path(articles_dir, day, file_slug(title))
    return Imported(path, f"{head}\n{markdown}\n" if markdown else head, origin, tuple(mentions)), problems


def new_items(root: Path, items: list[Imported]) -> tuple[list[Imported], list[Problem]]:
    """The items whose files can be made under ``root`` without replacing one; an item
    whose file exists already (or whose path an earlier item takes) is a problem, and is
    left out with the files its body links to."""
    chosen: list[Imported] = []
    problems: list[Problem] = []
    claimed: dict[str, str] = {}
    for item in items:
        if item.path in claimed:
            problems.append(Problem(item.origin, 0, "path", f"{item.path} would also be made from "
                                    f"{claimed[item.path]}; rename one headline or import it separately"))
            continue
        claimed[item.path] = item.origin
        there = [path for path in (item.path, *(path for path, _ in item.files))
                 if os.path.lexists(root / path)]
        problems += [Problem(item.origin, 0, "path", f"{path} already exists; not overwritten")
                     for path in there]
        if not there:
            chosen.append(item)
    return chosen, problems


def write_new(root: Path, items: list[Imported]) -> tuple[list[Imported], list[Problem]]:
    """Create the files of the :func:`new_items` among ``items`` under ``root``: all of
    them, or none.

    They are written under temporary names beside their places, then put in place, never
    over a file, once all are written. A failure on the way (a folder it may not write
    in, a full disk, Ctrl+C) removes whatever it wrote, folders too, and is raised: an
    OSError naming the file. Returns the items written: by item, not path, since a
    refused item may share its path with one that was written."""
    chosen, problems = new_items(root, items)
    written, more = write_chosen(root, chosen)
    return written, problems + more


def write_chosen(root: Path, chosen: list[Imported]) -> tuple[list[Imported], list[Problem]]:
    """:func:`write_new` of items :func:`new_items` chose already."""
    appeared = _write_all(root, chosen)
    if appeared is not None:
        origin = next((item.origin for item in chosen if item.path == appeared), appeared)
        return [], [Problem(origin, 0, "path", f"{appeared} was made by another program "
                            "while importing; nothing was imported")]
    return chosen, []


def _write_all(root: Path, items: list[Imported]) -> str | None:
    """Write every item's files, or none (see :func:`write_new`); the path of a file made
    by another program meanwhile, if one was, and then nothing is written either."""
    folders: list[Path] = []  # made here, parents first
    staged: list[tuple[Path, Path]] = []  # (temporary file, its place)
    placed: list[Path] = []
    try:
        for item in items:
            _stage(root / item.path, item.text.encode("utf-8"), folders, staged)
            for path, source in item.files:
                _stage(root / path, source.read_bytes(), folders, staged)
        for temporary, target in staged:
            if not _place(temporary, target):
                _undo(placed, staged, folders)
                return target.relative_to(root).as_posix()
            placed.append(target)
    except BaseException:
        _undo(placed, staged, folders)
        raise
    _undo([], staged, [])  # the temporary names only
    return None


def _stage(target: Path, data: bytes, folders: list[Path], staged: list[tuple[Path, Path]]) -> None:
    """Write ``data`` under a hidden temporary name beside ``target``, making the folders
    it needs: both noted, to be undone."""
    missing: list[Path] = []
    folder = target.parent
    while not folder.is_dir() and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    for folder in reversed(missing):
        try:
            folder.mkdir()
        except FileExistsError:
            if folder.is_dir():
                continue  # made by another program meanwhile: not ours to remove
            raise  # a file is in the way
        folders.append(folder)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        # A new file's permissions, as the umask gives them (mkstemp would give 0600).
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as error:
        raise told_of(error, target) from None
    staged.append((temporary, target))
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
    except OSError as error:
        raise told_of(error, target) from None


_NO_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK}
"""What a file system without hard links (FAT, some network shares) says to a link."""


def _place(temporary: Path, target: Path) -> bool:
    """Give ``target`` the temporary file's contents unless a file is there; whether it did."""
    try:
        os.link(temporary, target)  # refuses to replace a file, with no window before it
    except FileExistsError:
        return False
    except OSError as error:
        if error.errno not in _NO_LINKS:
            raise told_of(error, target) from None
        if os.path.lexists(target):
            return False
        try:
            os.rename(temporary, target)
        except OSError as error:
            raise told_of(error, target) from None
    return True


def _undo(placed: list[Path], staged: list[tuple[Path, Path]], folders: list[Path]) -> None:
    """Remove the files put in place, the temporary files and the folders made, as far as
    the system lets it: what it refuses is left, and the error first met is the one told."""
    for path in [*placed, *(temporary for temporary, _ in staged)]:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
    for folder in reversed(folders):
        with contextlib.suppress(OSError):
            folder.rmdir()

