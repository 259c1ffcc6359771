"""Read every article file and validate its front matter into :class:`Article` objects.

Nothing here raises for a user's mistake: each function returns what it could build
plus the list of problems found, so that ``dateline check`` can show all of them at once.
"""

from __future__ import annotations

import datetime as dt
import difflib
import errno
import os
import posixpath
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import yaml

from dateline.aliases import normalise as normalise_alias
from dateline.bodylinks import body_links, images_without_alt
from dateline.cities import resolve_city
from dateline.config import Settings
from dateline.errors import Problem, Severity
from dateline.frontmatter_yaml import INVALID, Field, decode, parse
from dateline.guard import scan_problems
from dateline.htmlbalance import unbalanced
from dateline.model import ARTICLE_SUFFIXES, Alias, Article, CityRef
from dateline.readcache import Result, content_hash
from dateline.text import SLUG_MAX, SLUG_RE, first_paragraph, markdown_to_text, slugify, truncate

TITLE_LIMIT = 300
SUMMARY_LIMIT = 300
KNOWN_KEYS = (
    "title", "date", "updated", "cities", "dateline", "source", "url", "author",
    "tags", "summary", "language", "slug", "draft", "aliases",
)  # fmt: skip
_BCP47 = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
"""Control characters (tab and newlines are whitespace, fine), surrogates, non-characters."""
_URL_SAFE = "!#$%&'()*+,/:;=?@[]~"
"""Reserved and sub-delimiter characters kept as written (RFC 3986); others are %-encoded."""


class _Checker:
    """Validates one file's fields, collecting problems instead of raising."""

    def __init__(self, path: str, fields: dict[str, Field]) -> None:
        self.path = path
        # A field whose YAML could not be built is already reported: not "missing" too.
        self.broken = {key for key, field in fields.items() if field.value is INVALID}
        self.fields = {key: field for key, field in fields.items() if key not in self.broken}
        self.problems: list[Problem] = []

    def missing(self, key: str, hint: str = "") -> None:
        if key in self.fields:  # written with no value ("title:", "title: null")
            self.error(self.fields[key].line, key, f"is empty (required){hint}")
        elif key not in self.broken:
            self.error(1, key, f"missing (required){hint}")

    def error(self, line: int, field: str, message: str) -> None:
        self.problems.append(Problem(self.path, line, field, message))

    def warn(self, line: int, field: str, message: str) -> None:
        self.problems.append(Problem(self.path, line, field, message, Severity.WARNING))

    def line(self, key: str) -> int:
        return self.fields[key].line if key in self.fields else 1

    def text(self, key: str, *, required: bool = False, limit: int | None = None) -> str | None:
        field = self.fields.get(key)
        if field is None or field.value is None:
            if required:
                self.missing(key)
            return None
        value = _as_text(field, self, key, field.value, field.line)
        if value is None:
            return None
        value = " ".join(value.split())
        if not value:
            if required:
                self.error(field.line, key, "is empty")
            return None
        if limit and len(value) > limit:
            self.error(field.line, key, f"is {len(value)} characters long; the limit is {limit}")
        return value

    def text_list(self, key: str) -> list[tuple[str, int]]:
        """A list of text items (a single text counts as a list of one), with their lines."""
        field = self.fields.get(key)
        if field is None or field.value is None:
            return []
        if isinstance(field.value, list):
            items = []
            for number, (item, line) in enumerate(zip(field.value, field.item_lines(), strict=True), 1):
                node = field.node.value[number - 1]
                text = _as_text(field, self, f"{key}[{number}]", item, line, node)
                if text is not None and text.strip():
                    items.append((" ".join(text.split()), line))
                elif text is not None:
                    self.error(line, key, f"item {number} is empty")
            return items
        text = _as_text(field, self, key, field.value, field.line)
        return [(" ".join(text.split()), field.line)] if text and text.strip() else []


def _as_text(field: Field, checker: _Checker, label: str, value: Any, line: int,
             node: yaml.Node | None = None) -> str | None:
    if isinstance(value, str):
        bad = _UNPRINTABLE.search(value)
        if bad:
            # YAML's "\0" or "\ud800" escapes make characters that no page, feed or
            # index can carry (XML forbids them; a lone surrogate cannot even be written).
            checker.error(line, label, f"holds the invisible character U+{ord(bad.group()):04X}; "
                          "remove it")
            return None
        return value
    written = node.value if isinstance(node, yaml.ScalarNode) else field.source_text
    if isinstance(value, bool):
        kind = f"{written} is read by YAML as {'true' if value else 'false'}"
    elif isinstance(value, int | float):
        kind = f"{written} is read by YAML as a number"
    elif isinstance(value, dt.date):
        kind = f"{written} is read by YAML as a date"
    elif isinstance(value, list):
        checker.error(line, label, "expected text, found a list")
        return None
    elif isinstance(value, dict):
        checker.error(line, label, "expected text, found 'key: value' pairs (quote text containing ': ')")
        return None
    else:
        kind = f"{written!r} is not text"
    checker.error(line, label, f'{kind}; put it in quotes ("{written}") if it is text')
    return None


_When = tuple[dt.date, dt.datetime | None]
"""A calendar day in the article's own time zone, and the full time when one was given."""

EARLIEST = dt.date(1000, 1, 1)
LATEST = dt.date(9998, 12, 31)
"""The days an article may be dated or updated on. Every page address, search filter and
search period names a year in four digits (``strftime`` writes the year 999 as ``999``);
a time is turned into UTC to sort it, and a month's end is found from the next month's
start: both would pass the year 9999, past which Python has no dates."""


def _when(checker: _Checker, key: str) -> _When | None:
    """The ``date``-like field ``key`` (present): a day, or a date-time with an offset."""
    field = checker.fields[key]
    value = field.value
    if isinstance(value, str):
        written = value.strip()
        try:
            value = (dt.date.fromisoformat(written) if _ISO_DATE.match(written)
                     else dt.datetime.fromisoformat(written))
        except ValueError:
            checker.error(field.line, key, f'"{written}" is not a date (use YYYY-MM-DD)')
            return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            checker.error(field.line, key, f'"{field.source_text}" has a time but no offset; '
                          "add one such as +04:30 or Z, or give the date alone")
            return None
        return _in_range(checker, key, (value.date(), value))
    if isinstance(value, dt.date):
        return _in_range(checker, key, (value, None))
    if isinstance(value, list | dict):
        found = "a list" if isinstance(value, list) else "'key: value' pairs"
        checker.error(field.line, key, f"expected one date (YYYY-MM-DD), found {found}")
        return None
    checker.error(field.line, key, f'"{field.source_text}" is not a date (use YYYY-MM-DD)')
    return None


def _in_range(checker: _Checker, key: str, when: _When) -> _When | None:
    """``when``, if its day is one an article may have (:data:`EARLIEST` to :data:`LATEST`)."""
    if EARLIEST <= when[0] <= LATEST:
        return when
    field = checker.fields[key]
    checker.error(field.line, key, f'"{field.source_text}" is outside the years {EARLIEST.year} to '
                  f"{LATEST.year} that an archive can hold; check the year")
    return None


def _date(checker: _Checker) -> _When | None:
    field = checker.fields.get("date")
    if field is None or field.value is None:
        checker.missing("date")
        return None
    return _when(checker, "date")


def _updated(checker: _Checker, published: _When | None) -> _When | None:
    """When the article was last changed (a correction, an update), if the front matter
    says: never before it was published."""
    field = checker.fields.get("updated")
    if field is None or field.value is None:
        return None
    updated = _when(checker, "updated")
    if updated is None or published is None:
        return updated
    (day, moment), (published_day, published_moment) = updated, published
    if moment is not None and published_moment is not None:
        before = moment < published_moment
        shown = published_moment.isoformat()
    else:
        before = day < published_day
        shown = published_day.isoformat()
    if before:
        checker.error(field.line, "updated", f'"{field.source_text}" is before the article\'s date '
                      f"({shown}); give when it was last changed, or remove updated:")
        return None
    # A time after publication, written with an offset further west than the date's, can
    # fall on the day before the date's in its own zone (2021-08-13T21:00:00Z after
    # 2021-08-14T00:30:00+04:30): the page would show an update before publication.
    return max(day, published_day), moment


AHEAD_MARGIN = dt.timedelta(days=1)
"""How far after now an article's date may be without a warning: its day may have begun
where it was written (UTC+14 is 14 hours ahead of UTC), or it may be out within hours."""


def _future(checker: _Checker, when: _When, now: dt.datetime) -> None:
    """A warning for an article dated more than :data:`AHEAD_MARGIN` after ``now`` (at its
    time, or, for a date alone, at its day's start in UTC): nothing holds it back, so the
    next build publishes it at once. (The read cache keeps no result with a warning on
    ``date``, this one alone: it goes when the day comes.)"""
    day, moment = when
    if (moment or dt.datetime.combine(day, dt.time(), dt.UTC)) - now > AHEAD_MARGIN:
        field = checker.fields["date"]
        checker.warn(field.line, "date", f'"{field.source_text}" is in the future, yet the article is '
                     "published with the next build; to hold it back until then, set draft: true")


def _url(checker: _Checker) -> str | None:
    url = checker.text("url")
    if url is None:
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError:  # "https://[x": an unclosed IPv6 bracket; "https://x:99999/"
        parts = urlsplit("")
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        checker.error(checker.line("url"), "url", f'"{url}" is not a web address (http:// or https://)')
        return None
    # Spaces, quotes, angle brackets and backslashes are not URL characters; encoded, a
    # pasted address still works and cannot end the Markdown link it is written into.
    return quote(url, safe=_URL_SAFE)


def _cities(checker: _Checker, resolve: Callable[[str, int], CityRef]) -> list[CityRef]:
    if "cities" not in checker.fields or checker.fields["cities"].value is None:
        checker.missing("cities", ": list at least one place")
        return []
    cities: list[CityRef] = []
    seen: dict[str, int] = {}
    for name, line in checker.text_list("cities"):
        city = resolve(name, line)
        if city.key in seen:
            checker.warn(line, "cities", f'"{name}" is listed twice (also on line {seen[city.key]})')
            continue
        seen[city.key] = line
        cities.append(city)
    if not cities and not any(p.field.startswith("cities") for p in checker.problems):
        checker.error(checker.line("cities"), "cities", "is empty: list at least one place")
    return cities


def _aliases(checker: _Checker) -> tuple[Alias, ...]:
    """The article's former addresses (``aliases:``), each a path of the site
    (:func:`dateline.aliases.normalise`); where they may lie is checked with the other
    articles (:func:`dateline.aliases.alias_problems`)."""
    found: dict[str, Alias] = {}
    for written, line in checker.text_list("aliases"):
        path, wrong = normalise_alias(written)
        if wrong is not None:
            checker.error(line, "aliases", f'"{written}" {wrong}')
        elif (key := path.casefold()) in found:
            checker.warn(line, "aliases", f'"{written}" is listed twice (also on line {found[key].line})')
        else:
            found[key] = Alias(path, line)
    return tuple(found.values())


INDEX_SLUG = "index"
"""No article's slug: ``index.md`` is its folder's own page to MkDocs. An article file
named ``index.md`` (a page bundle, as Hugo lays them out) takes its folder's name; one
directly in the articles folder has no folder of its own to take it from."""


def _file_slug(path: str, file_stem: str, top_level: bool) -> tuple[str, str | None]:
    """The slug the file's name gives, and why it is unusable, if it is (``top_level``:
    the file lies directly in the articles folder)."""
    slug = slugify(file_stem)
    if slug == INDEX_SLUG:
        folder = posixpath.dirname(path)
        if top_level:
            # Its folder is the whole archive's: "articles" would be no article's name.
            where = f"{folder}/" if folder else "the articles folder"
            return slug, (f'"{posixpath.basename(path)}" directly in {where} names no article '
                          "(an index.md takes its folder's name, as in kandahar-falls/index.md); "
                          "name the file after the article "
                          "(kandahar-falls.md), or add slug:")
        # A page bundle (Hugo's layout): the article is named by its folder.
        slug = slugify(posixpath.basename(folder))
        file_stem = f"{posixpath.basename(folder)}/{file_stem}"
    if not SLUG_RE.match(slug) or slug == INDEX_SLUG:
        return slug, (f'file name "{file_stem}" gives no usable URL; '
                      "rename the file or add slug: with letters a-z and digits")
    return slug, None


def validate(path: str, fields: dict[str, Field], body: str, file_stem: str,
             resolve: Callable[[str, int], CityRef] = resolve_city,
             body_line: int = 1, *, top_level: bool = False) -> tuple[Article | None, list[Problem]]:
    """Turn parsed front matter into an Article, or report why it cannot be one
    (``top_level``: the file lies directly in the articles folder)."""
    article, problems, _links = validate_keeping_links(path, fields, body, file_stem, resolve, body_line,
                                                       top_level=top_level)
    return article, problems


def validate_keeping_links(path: str, fields: dict[str, Field], body: str, file_stem: str,
                           resolve: Callable[[str, int], CityRef] = resolve_city,
                           body_line: int = 1, *, top_level: bool = False) -> Result:
    """:func:`validate`, and the body's relative links when the front matter has errors
    but says the article is no draft: they are checked all the same
    (:func:`dateline.archive.load_archive`), so that a link leading nowhere is reported
    in the same run. They are read from the article's file, which its errors leave
    known; a draft's are not checked, so none are given when ``draft:`` is unreadable."""
    check = _Checker(path, fields)
    # Before anything renders the body (the summary below does): a body that would stall
    # Markdown stalls us too.
    unrenderable = scan_problems(path, body, body_line)
    check.problems.extend(unrenderable)
    check.problems.extend(Problem(path, body_line + line - 1, "body", message, Severity.WARNING)
                          for line, message in unbalanced(body))
    check.problems.extend(Problem(path, body_line + line - 1, "body", "an image without alternative text "
                                  "(![words for it](…), or alt=\"…\"): readers who cannot see it, "
                                  "and search engines, get nothing", Severity.WARNING)
                          for line in images_without_alt(body))
    for key, field in fields.items():
        if key not in KNOWN_KEYS:
            close = difflib.get_close_matches(key, KNOWN_KEYS, n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else f" (known keys: {', '.join(KNOWN_KEYS)})"
            check.warn(field.line, key, f"unknown key, ignored{hint}")

    title = check.text("title", required=True, limit=TITLE_LIMIT)
    when = _date(check)
    updated = _updated(check, when)
    cities = _cities(check, resolve)

    dateline = cities[0] if cities else None
    dateline_name = check.text("dateline")
    if dateline_name is not None and cities:
        wanted = resolve(dateline_name, check.line("dateline"))
        dateline = next((c for c in cities if c.key == wanted.key), None)
        if dateline is None:
            check.error(check.line("dateline"), "dateline",
                        f'"{dateline_name}" is not one of the cities; add it to cities')

    slug = check.text("slug")
    if slug is not None and not SLUG_RE.match(slug):
        check.error(check.line("slug"), "slug", f'"{slug}" may hold only lowercase letters a-z, '
                    "digits and single hyphens (e.g. kandahar-falls)")
    elif slug == INDEX_SLUG:
        check.error(check.line("slug"), "slug", f'"{slug}" would make the article its folder\'s own '
                    "page; choose another")
    if slug is None:
        slug, unusable = _file_slug(path, file_stem, top_level)
        if unusable is not None:
            check.error(1, "slug", unusable)
    if len(slug.encode()) > SLUG_MAX:
        why = f"at most {SLUG_MAX} (it names a file and a folder of the site)"
        if "slug" in fields:
            check.error(check.line("slug"), "slug", f"is {len(slug)} characters long; {why}")
        else:
            check.error(1, "slug", f"the file name gives a slug of {len(slug)} characters; {why}: "
                        "rename the file, or add a shorter slug:")

    language = check.text("language") or "en"
    if not _BCP47.match(language):
        check.error(check.line("language"), "language",
                    f'"{language}" is not a language tag (e.g. en, fa, ps, en-GB)')

    draft_field = fields.get("draft")
    draft: bool | None = False
    if draft_field is not None and draft_field.value is not None:
        if isinstance(draft_field.value, bool):
            draft = draft_field.value
        else:
            draft = None  # draft or not: unknown
            check.error(draft_field.line, "draft", f'"{draft_field.source_text}" is not true or false')
    if when is not None and draft is False:
        _future(check, when, dt.datetime.now(dt.UTC))

    renders = not unrenderable
    summary = check.text("summary")
    if summary is None and renders:
        try:
            summary = truncate(markdown_to_text(first_paragraph(body)), SUMMARY_LIMIT)
        except RecursionError:
            renders = False
            check.error(body_line, "body", "the first paragraph is nested too deeply for "
                        "Markdown to render; flatten it")
    if not body.strip():
        check.warn(1, "body", "is empty: the article page will show only its front matter")

    source = check.text("source")
    url = _url(check)
    authors = tuple(name for name, _ in check.text_list("author"))
    tags = tuple(dict.fromkeys(name for name, _ in check.text_list("tags")))
    aliases = _aliases(check)

    if any(p.is_error for p in check.problems) or title is None or when is None or dateline is None \
            or draft is None:
        # Its links are read from its file, not its address, and are checked all the same
        # unless it is (or may be) a draft, whose links are not.
        links = body_links(body, body_line)[0] if draft is False and renders else ()
        return None, check.problems, links
    day, timestamp = when
    updated_day, updated_timestamp = updated or (None, None)
    links, anchor_links = body_links(body, body_line) if renders else ((), ())
    return Article(
        path=path, title=title, date=day, timestamp=timestamp, cities=tuple(cities),
        dateline=dateline, slug=slug, body=body, summary=summary or "", source=source, url=url,
        authors=authors, tags=tags, language=language, draft=draft, updated=updated_day,
        updated_timestamp=updated_timestamp, links=links, anchor_links=anchor_links, aliases=aliases,
    ), check.problems, ()


def read_article(file: Path, settings: Settings) -> tuple[Article | None, list[Problem]]:
    """Read, decode, parse and validate one file."""
    article, problems, _links = read_article_and_hash(file, settings)[0]
    return article, problems


def read_article_and_hash(file: Path, settings: Settings) -> tuple[Result, bytes | None]:
    """:func:`read_article`, and the :func:`~dateline.readcache.content_hash` of the very
    bytes it read (None when it read none: a file refused unread, or one that could not
    be read; a problem says which, never an exception)."""
    path = settings.display(file)
    try:
        refused = _refused(file.stat(), path, settings)
        if refused is not None:
            return (None, [refused], ()), None
        data = file.read_bytes()
    except OSError as error:
        return (None, [_unreadable(path, error)], ()), None
    return _read_bytes(data, path, file.stem, file.parent == settings.articles_dir), content_hash(data)


def _refused(status: os.stat_result, path: str, settings: Settings) -> Problem | None:
    """Why the file is not to be read at all, if it is not: reading a pipe would wait for
    a writer (a device may never end), and a file over the size limit is refused unread."""
    if not stat.S_ISREG(status.st_mode):
        return Problem(path, 0, "file", "is not a plain file (a pipe or a device); refused")
    if status.st_size > settings.max_article_bytes:
        return Problem(path, 0, "size", f"{status.st_size:,} bytes is over the limit of "
                       f"{settings.max_article_bytes:,} (extra.dateline.max_article_bytes)")
    return None


def _unreadable(path: str, error: OSError) -> Problem:
    """The file was listed but cannot be read: removed since (an editor saving by
    renaming, a ``git checkout`` under way), or not the user's to read."""
    if isinstance(error, FileNotFoundError):
        return Problem(path, 0, "file", "was removed while the articles were read; check again")
    reason = (error.strerror or type(error).__name__).lower()
    return Problem(path, 0, "file", f"cannot be read ({reason}); check its permissions")


def _read_bytes(data: bytes, path: str, stem: str, top_level: bool) -> Result:
    text, problems = decode(data, path)
    if text is None:
        return None, problems, ()
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    parsed, problems = parse(text, path)
    if parsed is None:
        return None, problems, ()  # whether it is a draft is unknown: its links are not judged
    article, more, links = validate_keeping_links(path, parsed.fields, parsed.body, stem,
                                                  body_line=parsed.body_line, top_level=top_level)
    return article, problems + more, links


def article_files(settings: Settings) -> tuple[list[Path], list[Problem]]:
    """Every article file under the articles folder, sorted; links leading nowhere or out
    of it are refused.

    Hidden files and folders are left out. The listing says which entries are links, so a
    file is not stated here (at 50,000 articles, one stat each was 0.2 s of every build).
    """
    root = settings.articles_dir
    if not root.is_dir():
        found = "is a file, not a folder" if root.is_file() else "folder not found"
        return [], [Problem(settings.display(root), 0, "articles", found)]
    top = root.resolve()
    files: list[Path] = []
    problems: list[Problem] = []
    pending = [os.fspath(root)]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if _is_dir(entry):
                    if entry.is_symlink():
                        problems.append(Problem(settings.display(Path(entry.path)), 0, "link",
                                                "linked folders are not followed; move the articles here"))
                    else:
                        pending.append(entry.path)
                    continue
                suffix = os.path.splitext(entry.name)[1].lower()
                if suffix == ".txt":
                    problems.append(Problem(settings.display(Path(entry.path)), 0, "file",
                                            "not an article (articles end in .md); skipped",
                                            Severity.WARNING))
                    continue
                if suffix not in ARTICLE_SUFFIXES:
                    continue
                file = Path(entry.path)
                refused = _refused_link(file, top, settings) if entry.is_symlink() else None
                if refused is not None:
                    problems.append(refused)
                    continue
                files.append(file)
    return sorted(files), problems


def _is_dir(entry: os.DirEntry[str]) -> bool:
    """Whether the entry is a folder, or a link to one; a link that cannot be followed
    (a loop, a folder it may not look into) is not, and :func:`_refused_link` says why."""
    try:
        return entry.is_dir()
    except OSError:
        return False


def _refused_link(file: Path, top: Path, settings: Settings) -> Problem | None:
    """Why the link ``file`` is not read as an article, if it is not: it leads nowhere
    (its file is gone, or links go round in a loop), or out of the articles folder, to
    files the archive does not hold."""
    where = settings.display(file)
    try:
        target = file.resolve(strict=True)
    except FileNotFoundError:
        return Problem(where, 0, "link", f"leads nowhere ({_written_target(file)} does not exist); refused")
    except RuntimeError:  # a loop, before Python 3.13
        return Problem(where, 0, "link", "leads nowhere (a loop of links); refused")
    except OSError as error:
        reason = "a loop of links" if error.errno == errno.ELOOP else (error.strerror or str(error)).lower()
        return Problem(where, 0, "link", f"leads nowhere ({reason}); refused")
    if not target.is_relative_to(top):
        return Problem(where, 0, "link", f"leads outside {settings.display(settings.articles_dir)}/; refused")
    return None


def _written_target(link: Path) -> str:
    """Where the link says it leads, quoted as written (``"gone.md"``)."""
    try:
        return f'"{os.readlink(link)}"'
    except OSError:  # removed in the meantime
        return "its file"
