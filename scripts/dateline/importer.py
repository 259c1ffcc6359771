"""``dateline import``: plain-text articles become article files with their cities found.

A plain-text article is the seed's format: the headline on the first line, a blank
line, then paragraphs. The result is an :class:`Imported` (path and text) built by pure
functions; :func:`write_new` is the only writer and it never replaces a file. Jekyll
and Hugo posts go through :mod:`dateline.import_posts`, which ends in the same shape.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from dateline.annotate import yaml_text
from dateline.detect import Mention, find_cities
from dateline.errors import Problem, Severity
from dateline.frontmatter_yaml import parse
from dateline.gazetteer import Gazetteer
from dateline.load import validate
from dateline.text import SLUG_RE, slugify

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


def write_new(root: Path, items: list[Imported]) -> tuple[list[Imported], list[Problem]]:
    """Create each file under ``root``; an existing file (or a second item on one path) is
    a problem and is left alone. Returns the items written: by item, not path, since a
    refused item may share its path with one that was written."""
    written: list[Imported] = []
    problems: list[Problem] = []
    claimed: dict[str, str] = {}
    for item in items:
        if item.path in claimed:
            problems.append(Problem(item.origin, 0, "path", f"{item.path} would also be made from "
                                    f"{claimed[item.path]}; rename one headline or import it separately"))
            continue
        claimed[item.path] = item.origin
        target = root / item.path
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            # Mode "x" fails if the file exists, with no window between a check and the write.
            with open(target, "x", encoding="utf-8", newline="\n") as stream:
                stream.write(item.text)
        except FileExistsError:
            problems.append(Problem(item.origin, 0, "path", f"{item.path} already exists; not overwritten"))
            continue
        written.append(item)
        for path, source in item.files:
            copy = root / path
            copy.parent.mkdir(parents=True, exist_ok=True)
            try:
                with open(copy, "xb") as stream:
                    stream.write(source.read_bytes())
            except FileExistsError:
                problems.append(Problem(item.origin, 0, "path", f"{path} already exists; not overwritten"))
    return written, problems
