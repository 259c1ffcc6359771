"""The ``dateline`` command: thin commands over the library.

A user's mistake ends with a plain message and exit code 1; a bug keeps its traceback.
"""

from __future__ import annotations

# ruff: noqa: E402 (Ctrl+C is handled before the slow imports below)
import signal


def _interrupted_while_starting(_signum: int, _frame: object) -> None:
    # Ctrl+C while the modules below load (a few hundred ms): nothing is written yet,
    # so end as an interrupted command does (130), without a traceback through imports.
    raise SystemExit(130)


_STARTING = signal.getsignal(signal.SIGINT)
if _STARTING is signal.default_int_handler:
    try:
        signal.signal(signal.SIGINT, _interrupted_while_starting)
    except ValueError:  # imported from a thread other than the main one
        _STARTING = None

import contextlib
import datetime as dt
import errno
import io
import os
import socket
import sys
import traceback
from collections.abc import Callable, Collection, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from dateline import __version__
from dateline.audit import audit as audit_site
from dateline.build import BuildResult
from dateline.build import build as build_site
from dateline.build import check as check_archive
from dateline.cities import load_gazetteer
from dateline.config import CONFIG_FILE, Settings, load_settings
from dateline.errors import DatelineError, Problem, ValidationFailed
from dateline.frontmatter_yaml import decode
from dateline.gazetteer import Gazetteer
from dateline.text import plural

if TYPE_CHECKING:
    from dateline.importer import Imported

# The annotate and import commands import their modules when run: every other command,
# `dateline build` above all, would otherwise pay for loading them (about 40 ms).

app = typer.Typer(
    help="Turn a folder of annotated news articles into a searchable static archive.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
out = Console(highlight=False, soft_wrap=True, emoji=False)  # "x.md:100:" is no 💯
err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)

ConfigOption = Annotated[Path, typer.Option(
    "--config", "-f", "--config-file", help="The project's mkdocs.yml.", show_default=True)]
OptionalConfig = Annotated[Path | None, typer.Option(
    "--config", "-f", "--config-file", show_default=False,
    help="The project's mkdocs.yml (default: the current folder's, if it has one).")]
"""``--config`` for the commands that also work outside a project: one given must exist."""

_REFUSED = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EDQUOT}
"""What the system refuses for reasons outside Dateline: permissions, a read-only or a
full disk. The user can mend them; any other OSError is a bug and keeps its traceback."""


def _refused(error: OSError) -> DatelineError | None:
    """The user's error an OSError is, if it is one: a line naming the file."""
    path = Path(os.fsdecode(error.filename)) if error.filename is not None else None
    # A file where Dateline keeps a folder (.dateline, say); the same error on a folder
    # that exists is Dateline's own mistake.
    in_the_way = (error.errno == errno.ENOTDIR
                  or (error.errno == errno.EEXIST and path is not None and not path.is_dir()))
    if error.errno not in _REFUSED and not in_the_way:
        return None
    with contextlib.suppress(ValueError):
        path = path.absolute().relative_to(Path.cwd()) if path else None
    if in_the_way:
        fix = "a file is in the way of a folder Dateline writes; move it away"
    elif error.errno in (errno.ENOSPC, errno.EDQUOT):
        fix = "free some space"
    else:
        fix = "check the permissions of the file and its folder"
    return DatelineError(f"{path if path is not None else 'a file'}: {error.strerror or error}; {fix}, "
                         "then run it again")


def _settings(config: Path) -> Settings:
    """The project's settings, their warnings printed."""
    settings = load_settings(config)
    _print_problems(settings.warnings)
    return settings


WarningLine = Problem | str
"""A warning as printed: an article's (a :class:`Problem`) or mkdocs.yml's (a line of
:attr:`Settings.warnings`)."""


def _print_problems(problems: Iterable[WarningLine]) -> None:
    for problem in problems:
        style = "yellow" if isinstance(problem, str) or not problem.is_error else "red"
        err.print(str(problem), style=style, markup=False, soft_wrap=True)


def _failure(error: DatelineError) -> list[str]:
    """Print what went wrong; return the lines printed."""
    if isinstance(error, ValidationFailed):
        _print_problems(error.problems)
        err.print(f"{error}.", style="bold red", markup=False)
        return [*map(str, error.problems), f"{error}."]
    err.print(str(error), style="red", markup=False, soft_wrap=True)
    return [str(error)]


def _served_failure(error: DatelineError, warned: set[WarningLine],
                    found: Sequence[WarningLine] = ()) -> list[str]:
    """Print what failed a build while serving, with the warnings ``found`` before it
    failed (mkdocs.yml's, and the check's when the articles passed it) and the check's
    own: those not ``warned`` already (the others counted), which join ``warned``. Return
    what a page shows: the errors first, then every warning (a page has seen none of them)."""
    if isinstance(error, ValidationFailed):
        errors = [problem for problem in error.problems if problem.is_error]
        warnings = [*found, *(problem for problem in error.problems if not problem.is_error)]
        _print_problems(errors)
        _print_warnings(warnings, warned)
        err.print(f"{error}.", style="bold red", markup=False)
        shown = [*map(str, errors), *map(str, warnings), f"{error}."]
    else:
        # As `dateline build` prints a failure after the check: its warnings, then the error.
        warnings = list(found)
        _print_warnings(warnings, warned)
        shown = [*_failure(error), *map(str, warnings)]
    # A build that failed may not have reached every check: what it did not warn of
    # again is not forgotten.
    warned.update(warnings)
    return shown


def _bug(error: Exception) -> list[str]:
    """Print the traceback of a bug in Dateline (not the user's mistake); return what a
    page should say."""
    traceback.print_exception(error)
    return [f"{type(error).__name__}: {error}",
            "A bug in Dateline stopped this build; the terminal shows where. Please report it."]


def _fail(error: DatelineError) -> typer.Exit:
    _failure(error)
    return typer.Exit(1)


def _version(value: bool) -> None:
    if value:
        out.print(f"dateline {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Show the version and exit.")] = False,
) -> None:
    """Dateline builds a news archive site from articles/ with MkDocs."""


@app.command()
def check(config: ConfigOption = Path(CONFIG_FILE)) -> None:
    """Validate every article and report all problems at once; write nothing."""
    try:
        settings = _settings(config)
        archive, warnings = check_archive(settings)
    except DatelineError as error:
        raise _fail(error) from None
    _print_problems(warnings)
    out.print(f"{plural(len(archive.articles), 'article')} in {len(archive.cities)} "
              f"{'city' if len(archive.cities) == 1 else 'cities'}: no errors"
              + (f", {plural(len(warnings), 'warning')}" if warnings else "") + ".")


@app.command()
def build(config: ConfigOption = Path(CONFIG_FILE)) -> None:
    """Validate, generate the pages under docs/, and build the site with MkDocs."""
    checked: list[Problem] = []
    try:
        settings = _settings(config)
        result = _build(settings, checked.extend)
    except DatelineError as error:
        # A build that fails after the check (MkDocs, search, the audit) still says what
        # the check warned of, before the error: the warnings may explain it.
        _print_problems(checked)
        raise _fail(error) from None
    except OSError:
        _print_problems(checked)  # then the refusal, or the traceback (see main)
        raise
    _report(settings, result)


def _build(settings: Settings, checked: Callable[[list[Problem]], None] | None = None) -> BuildResult:
    """Build, showing the step on a terminal; ``checked`` is told the check's warnings
    once the articles pass it (:func:`dateline.build.build`)."""
    if err.is_terminal:
        with err.status("Building…") as status:
            return build_site(settings, lambda step: status.update(f"{step}…"), checked=checked)
    return build_site(settings, checked=checked)


def _print_warnings(warnings: Sequence[WarningLine], warned: Collection[WarningLine] = ()) -> None:
    """Print the warnings not ``warned`` already; count the others, not repeat them."""
    new = [warning for warning in warnings if warning not in warned]
    _print_problems(new)
    if again := len(warnings) - len(new):
        said = plural(again, "other warning" if new else "warning")
        err.print(f"{said}, as before.", style="yellow", markup=False)


def _report(settings: Settings, result: BuildResult, warned: Collection[WarningLine] = (),
            config_warnings: Sequence[str] = ()) -> None:
    """Print a build's warnings, after ``config_warnings`` (mkdocs.yml's) if given, but
    those ``warned`` already (counted), and what it did."""
    _print_warnings([*config_warnings, *result.warnings], warned)
    archive, sync = result.archive, result.sync
    pages, feeds = result.generated
    feeds_made = f", {plural(feeds, 'feed')}" if feeds else ""
    out.print(
        f"Built {plural(len(archive.articles), 'article')}, "
        f"{plural(len(archive.cities), 'city', 'cities')}, {plural(len(archive.days), 'day')}: "
        f"{plural(pages, 'page')}{feeds_made} "
        f"({sync.written} written, {sync.unchanged} unchanged, "
        f"{sync.removed} removed) in {result.seconds:.1f} s → {settings.display(settings.site_dir)}/"
    )
    if result.rendered is None:
        size = "" if result.site_bytes is None else f" Site: {result.site_bytes / 1e6:,.1f} MB."
        out.print(f"Rendered every page: {result.why}.{size}")
    elif result.rendered == 0:
        out.print("Nothing under docs/ changed: every page is the last build's.")
    else:
        out.print(f"Rendered {plural(result.rendered, 'changed file')}; the rest is the last build's.")
    if result.redirects:
        out.print(f"Former addresses: {plural(result.redirects, 'page')} written or removed.")
    if result.search is not None:
        shards = result.search.indexed + result.search.reused
        out.print(f"Search: indexed {result.search.indexed} of {plural(shards, 'period')}"
                  + (f"; kept {result.search.reused} from the last build." if result.search.reused else "."))


@app.command()
def audit(
    config: OptionalConfig = None,
    site: Annotated[Path | None, typer.Option(help="Built site to audit (default: site_dir).")] = None,
) -> None:
    """Check a built site: links and anchors, one h1 and a title per page, no script injection."""
    try:
        # Links starting with "/" must stay under the path of the project's site_url.
        project = _project(config, needed=site is None)
        settings = _settings(project) if project else None
        folder = site or (settings.site_dir if settings else Path())
        if not folder.is_dir():
            raise DatelineError(f"{folder}: no built site here (run dateline build first)")
        report = audit_site(folder, site_path=settings.site_path if settings else "/")
    except DatelineError as error:
        raise _fail(error) from None
    for finding in report.findings:
        err.print(str(finding), style="red", markup=False, soft_wrap=True)
    summary = (f"Audited {plural(report.pages, 'page')} in {report.seconds:.1f} s: "
               f"{plural(len(report.findings), 'finding')}.")
    if report.findings:
        err.print(summary, style="bold red", markup=False)
        raise typer.Exit(1)
    out.print(summary)


def _project(config: Path | None, needed: bool = False) -> Path | None:
    """The mkdocs.yml a command reads: the one given (which must exist), else the current
    folder's where there is one (or must be one, if ``needed``)."""
    if config is not None or needed:
        return config or Path(CONFIG_FILE)
    return Path(CONFIG_FILE) if Path(CONFIG_FILE).is_file() else None


def _gazetteer(config: Path | None) -> tuple[Gazetteer, Settings | None, list[Problem]]:
    """The project's gazetteer (with places.yml) where there is a project, else GeoNames alone."""
    project = _project(config)
    if project is not None:
        settings = _settings(project)
        gazetteer, problems = load_gazetteer(settings)
        return gazetteer, settings, problems
    return Gazetteer.load(), None, []


@app.command()
def annotate(
    paths: Annotated[list[Path], typer.Argument(help="Article files, or folders of them.")],
    write: Annotated[bool, typer.Option(
        "--write", help="Add the cities found to each cities: list.")] = False,
    config: OptionalConfig = None,
) -> None:
    """Find the cities each article's text mentions; print what would be added, or add it."""
    from dateline.annotate import annotate_file, article_paths

    try:
        gazetteer, settings, problems = _gazetteer(config)
    except DatelineError as error:
        raise _fail(error) from None
    files, missing = article_paths(paths)
    problems += missing
    changed = 0
    for file in files:
        shown = settings.display(file.resolve()) if settings else str(file)
        result = annotate_file(file, shown, gazetteer, write=write)
        problems += result.problems
        if result.additions:
            found = ", ".join(f"{m.place.name} ({m.count})" for m in result.additions)
            verb = ("added" if result.changed else "could not add") if write else "would add"
            out.print(f"{shown}: {verb} {found}", markup=False)
            changed += result.changed
        elif not any(p.is_error for p in result.problems):
            out.print(f"{shown}: nothing to add", markup=False)
    _print_problems(sorted(problems))
    if write:
        out.print(f"{plural(changed, 'file')} changed.")
    elif changed:
        out.print(f"{plural(changed, 'file')} would change; run again with --write to change them.")
    if any(p.is_error for p in problems):
        raise typer.Exit(1)


@app.command("import")
def import_(
    sources: Annotated[list[Path], typer.Argument(
        help="Plain-text articles (headline, blank line, paragraphs), or Jekyll _posts/ or Hugo "
             "content/ folders.")],
    date: Annotated[str | None, typer.Option(
        help="Publication date of plain-text articles (YYYY-MM-DD).")] = None,
    source: Annotated[str | None, typer.Option(help="Publication name for plain-text articles.")] = None,
    url: Annotated[str | None, typer.Option(
        help="Original address, for a single plain-text article.")] = None,
    config: ConfigOption = Path(CONFIG_FILE),
) -> None:
    """Turn plain-text articles or another generator's posts into article files; never overwrites."""
    from dateline.import_posts import import_folder
    from dateline.importer import new_items, plain_text_article, url_problem, write_chosen

    try:
        settings = _settings(config)
        gazetteer, problems = load_gazetteer(settings)
        day = _import_date(date, any(s.is_file() for s in sources))
        if url and sum(s.is_file() for s in sources) > 1:
            raise DatelineError("--url names one original; import such articles one at a time")
        wrong_url = url_problem(url) if url else None
        if wrong_url:
            raise DatelineError(f"--url: {wrong_url}")
    except DatelineError as error:
        raise _fail(error) from None
    articles_dir = settings.display(settings.articles_dir)
    items: list[Imported] = []
    for item_source in sources:
        if item_source.is_dir():
            found, more = import_folder(item_source, gazetteer, articles_dir=articles_dir)
            items += found
        elif item_source.is_file() and day is not None:
            text, more = decode(item_source.read_bytes(), str(item_source))  # not UTF-8: named
            if text is not None:
                item, more = plain_text_article(text, str(item_source), gazetteer, day=day, source=source,
                                                url=url, articles_dir=articles_dir)
                items += [item] if item else []
        else:
            more = [Problem(str(item_source), 0, "path", "not found")]
        problems += more
    chosen, more = new_items(settings.root, items)  # said even if writing fails
    problems += more
    try:
        written, more = write_chosen(settings.root, chosen)
    except OSError as error:  # nothing was written: every other problem is still said
        refused = _refused(error)
        if refused is None:
            raise
        _print_problems(sorted(problems))
        _failure(refused)
        out.print("No article imported: nothing was written.")
        raise typer.Exit(1) from None
    problems += more
    for item in written:
        cities = ", ".join(f"{m.place.name} ({m.count})" for m in item.mentions) or "no cities found"
        out.print(f"{item.path}: from {item.origin}; {cities}", markup=False)
    _print_problems(sorted(problems))
    out.print(f"{plural(len(written), 'article')} imported; check their cities, then run dateline check.")
    if any(p.is_error for p in problems):
        raise typer.Exit(1)


def _import_date(date: str | None, needed: bool) -> dt.date | None:
    if date is None:
        if needed:
            raise DatelineError("--date YYYY-MM-DD is required for plain-text articles")
        return None
    try:
        return dt.date.fromisoformat(date)
    except ValueError:
        raise DatelineError(f'--date: "{date}" is not a date (use YYYY-MM-DD)') from None


_SERVING = os.getpid()
"""The process of ``dateline serve`` (forked workers inherit its signal handler)."""


def _interrupt(signum: int, _frame: object) -> None:
    if os.getpid() != _SERVING:
        # A worker forked by a build, which a pool ends with this signal: end as it would.
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)
        return
    raise KeyboardInterrupt


def _default_sigterm() -> None:
    """In a process forked by a build: SIGTERM ends it at once, even one busy in C code
    (the render guard's workers), where no Python handler would run."""
    with contextlib.suppress(ValueError):  # forked from a thread Python does not take as main
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


@app.command()
def serve(
    config: ConfigOption = Path(CONFIG_FILE),
    host: Annotated[str, typer.Option(
        help="Address to listen on: a name, IPv4 or IPv6 address; 0.0.0.0 or :: lets others in.")]
        = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on (0: any free one).")]
        = 8000,
) -> None:
    """Build, serve the site on this machine, and build again whenever a source changes."""
    from dateline.serve import BuildState, Watcher, start_server, stop_server

    try:
        settings = load_settings(config)  # its warnings are printed with the first build's
    except DatelineError as error:
        raise _fail(error) from None
    state = BuildState(site_dir=settings.site_dir, site_path=settings.site_path)
    try:
        server = start_server(state, host, port)
    except socket.gaierror as error:
        raise _fail(DatelineError(f"cannot serve on {host}: {error.strerror or error}; "
                                  "give another address with --host")) from None
    except OSError as error:
        raise _fail(DatelineError(f"cannot serve on {host} port {port}: {error.strerror or error}; "
                                  "choose another with --port")) from None
    try:
        watcher = Watcher(settings)
    except DatelineError as error:
        stop_server(state, server)
        raise _fail(error) from None
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops it as Ctrl+C does
    os.register_at_fork(after_in_child=_default_sigterm)
    shown = f"[{host}]" if ":" in host else host  # an IPv6 address, as addresses write it
    address = f"http://{shown}:{server.server_address[1]}"
    out.print(f"Serving {address}{settings.site_path} (Ctrl+C stops); pages reload after each build.",
              markup=False)
    # Printed already, mkdocs.yml's and the articles': the same ones again are counted, not
    # repeated. A build that succeeds leaves those it warned of, so one that went away in
    # it and came back later is printed again.
    warned: set[WarningLine] = set()
    try:
        while True:
            config_warnings: tuple[str, ...] = ()
            checked: list[Problem] = []
            try:
                settings = load_settings(config)
                config_warnings = settings.warnings
                # A folder made (or made again) since is watched before the build reads it.
                watcher.follow(settings)
                result = _build(settings, checked.extend)
            except Exception as error:  # noqa: BLE001 (a bug, too, leaves the last good site served)
                mistake = error if isinstance(error, DatelineError) else (
                    _refused(error) if isinstance(error, OSError) else None)
                found: list[WarningLine] = [*config_warnings, *checked]
                state.publish(False, _served_failure(mistake, warned, found) if mistake else _bug(error))
                err.print("Serving the last good build; waiting for a change." if settings.site_dir.is_dir()
                          else "No site yet; waiting for a change.", markup=False)
            else:
                _report(settings, result, warned, config_warnings)
                warned = {*config_warnings, *result.warnings}
                moved = settings.site_path != state.site_path
                if moved:  # site_url's path changed: the old address would give 404 pages
                    out.print(f"Serving {address}{settings.site_path} now: the path of site_url changed.",
                              markup=False)
                state.move(settings.site_dir, settings.site_path)
                unchanged = (result.rendered == 0 and result.redirects == 0
                             and (result.search is None or result.search.indexed == 0))
                state.publish(True, site_changed=moved or not unchanged)
            watcher.changes.wait()
    except KeyboardInterrupt:
        out.print("Stopped.")
    finally:
        stop_server(state, server)
        watcher.close()


@app.command()
def demo(
    folder: Annotated[Path, typer.Option("--out", help="Folder to write the articles into.")],
    articles: Annotated[int, typer.Option("--articles", min=1, help="How many articles.")] = 100,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same files.")] = 1,
) -> None:
    """Write a synthetic archive (made-up words, real city names) for trying Dateline out."""
    from dateline.demo import write_demo

    try:
        changed = write_demo(folder, articles, seed)
    except DatelineError as error:
        raise _fail(error) from None
    out.print(f"{plural(articles, 'synthetic article')} in {folder}/ ({changed} written).")


def main() -> None:
    for stream in (sys.stdout, sys.stderr):
        # A terminal whose encoding lacks "→" or "≥" gets "?", not a traceback after the build.
        if isinstance(stream, io.TextIOWrapper) and stream.errors == "strict":
            stream.reconfigure(errors="replace")
    try:
        app()
    except OSError as error:
        refused = _refused(error)
        if refused is None:
            raise
        _failure(refused)
        raise SystemExit(1) from None


# Loaded: Ctrl+C is Typer's from here (exit code 130, no traceback).
if _STARTING is signal.default_int_handler:
    signal.signal(signal.SIGINT, _STARTING)
