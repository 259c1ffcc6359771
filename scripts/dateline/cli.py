"""The ``dateline`` command: thin commands over the library.

A user's mistake ends with a plain message and exit code 1; a bug keeps its traceback.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from dateline import __version__
from dateline.audit import audit as audit_site
from dateline.build import build as build_site
from dateline.build import check as check_archive
from dateline.config import CONFIG_FILE, load_settings
from dateline.errors import DatelineError, Problem, ValidationFailed
from dateline.text import plural

app = typer.Typer(
    help="Turn a folder of annotated news articles into a searchable static archive.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)

ConfigOption = Annotated[
    Path, typer.Option("--config", "-f", help="The project's mkdocs.yml.", show_default=True),
]


def _print_problems(problems: Iterable[Problem]) -> None:
    for problem in problems:
        style = "red" if problem.is_error else "yellow"
        err.print(str(problem), style=style, markup=False, soft_wrap=True)


def _fail(error: DatelineError) -> typer.Exit:
    if isinstance(error, ValidationFailed):
        _print_problems(error.problems)
        err.print(f"{error}.", style="bold red", markup=False)
    else:
        err.print(str(error), style="red", markup=False, soft_wrap=True)
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
        settings = load_settings(config)
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
    try:
        settings = load_settings(config)
        result = build_site(settings)
    except DatelineError as error:
        raise _fail(error) from None
    _print_problems(result.warnings)
    archive, sync = result.archive, result.sync
    out.print(
        f"Built {plural(len(archive.articles), 'article')}, "
        f"{plural(len(archive.cities), 'city', 'cities')}, {plural(len(archive.days), 'day')}: "
        f"{plural(result.pages, 'page')} ({sync.written} written, {sync.unchanged} unchanged, "
        f"{sync.removed} removed) in {result.seconds:.1f} s → {settings.display(settings.site_dir)}/"
    )


@app.command()
def audit(
    config: ConfigOption = Path(CONFIG_FILE),
    site: Annotated[Path | None, typer.Option(help="Built site to audit (default: site_dir).")] = None,
) -> None:
    """Check a built site: links and anchors, one h1 and a title per page, no script injection."""
    try:
        folder = site if site is not None else load_settings(config).site_dir
        if not folder.is_dir():
            raise DatelineError(f"{folder}: no built site here (run dateline build first)")
        report = audit_site(folder)
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


@app.command()
def demo(
    folder: Annotated[Path, typer.Option("--out", help="Folder to write the articles into.")],
    articles: Annotated[int, typer.Option("--articles", min=1, help="How many articles.")] = 100,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same files.")] = 1,
) -> None:
    """Write a synthetic archive (made-up words, real city names) for trying Dateline out."""
    from dateline.demo import write_demo

    changed = write_demo(folder, articles, seed)
    out.print(f"{plural(articles, 'synthetic article')} in {folder}/ ({changed} written).")


def main() -> None:
    app()
