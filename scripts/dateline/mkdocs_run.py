"""``mkdocs build``, run by ``dateline build`` in a child process; the one module importing MkDocs.

    python -m dateline.mkdocs_run [--changed FILE --keep FOLDER [--written FILE]
                                   | --part FILE [--no-static]]
                                  [--template-cache FOLDER] [--titles FILE] -- <mkdocs build options>
    python -m dateline.mkdocs_run --wait [--site LIVE --keep FOLDER]
                                  (then those arguments as a JSON list on stdin)

It runs MkDocs' own command line, changed in these ways:

- MkDocs never writes into an existing file: it removes the file first. An incremental
  build's site folder is a hard-linked copy of the live site, and writing into a shared
  file would change the live site while the new one is still being checked.
- Every HTML page it writes loses its indentation first (:func:`dateline.minify.squeeze`),
  in the process that rendered it, rather than being read and written again afterwards.
- With ``--changed`` (a JSON list of ``docs/`` paths whose content changed since the
  site was built), the build is MkDocs' ``--dirty`` build with the question "was this
  file modified?" answered by content, not by modification times: a page is rendered
  again when its source changed or its output is missing. A page ``nav`` names without
  a title is read in every build (and by each ``--part``), since every page's navigation
  shows its title; a change to what the navigation shows of such pages (``--titles``
  keeps it between builds) renders every page. MkDocs' warning that a dirty
  build may leave stale navigation is dropped; ``dateline build`` only asks for one when
  every page's output depends on its own source alone (see :mod:`dateline.incremental`).
- With ``--wait --site LIVE`` (and ``--changed``), ``dateline build`` starts it early
  (:func:`dateline.build.prestart_mkdocs`), with every argument of the build it may ask
  for. While the articles are checked and the pages made, it imports MkDocs, lists the
  live site's files (but ``--keep``'s folder; the site folder it builds must be a copy of
  ``LIVE``), loads the configuration and makes MkDocs' list of the files in ``docs/`` as
  they are then. It then waits for ``build`` on standard input (any other input ends it
  without building) before it reads ``--changed``'s list, lists ``docs/`` again, keeping
  the entries it made of files still there, and builds.
- The theme files of Material's search (its worker and lunr's languages) are left out
  when its plugin is off: nothing loads them. So are the theme's source maps (1.08 MB),
  which only a browser's developer tools ask for.
- It writes no sitemap: ``dateline build`` writes its own afterwards (:mod:`dateline.sitemap`).
- With ``--template-cache``, the theme's Jinja templates are compiled once and kept in
  that folder (Jinja checks each against its source), not compiled again by every run.
- After an incremental build, files a clean build would not have written (pages whose
  source is gone) are removed, except under ``--keep`` (the search bundle, which
  ``dateline build`` maintains itself). ``--written`` names a file to list, as JSON, the
  paths (relative to the site) of every file the build wrote (``written``: those the
  audit checks) and of every file it removed (``removed``).
- With ``--part`` (a JSON list of ``docs/`` pages), a clean build renders only those
  pages, so that several processes share the pages of a large site, one core each; only
  the process without ``--no-static`` copies the theme's and ``docs/``'s other files and
  writes the 404 page. A page's links are checked by the process that
  renders it (every process knows every file); a link to an anchor in a page another
  process rendered is left to the site audit, which checks anchors too.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import posixpath
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from dateline.minify import squeeze
from dateline.writer import atomic_write, remove_emptied_folders

_DIRTY_WARNING = "A 'dirty' build is being performed"


def _unlink(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


class _DropDirtyWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(_DIRTY_WARNING)


_written: set[str] = set()
"""Every file MkDocs wrote in this process (its normalised path): what it writes goes
through the three functions below. Plugins and hooks might write others, but with any of
them ``dateline build`` never asks for a build of the changed pages alone."""


def _never_write_through_links() -> None:
    from mkdocs import utils
    from mkdocs.commands import build
    from mkdocs.structure.files import File

    write_file = utils.write_file

    def fresh_write_file(content: bytes, output_path: str) -> None:
        _unlink(output_path)
        if output_path.endswith(".html"):
            content = squeeze(content.decode("utf-8")).encode("utf-8")
        write_file(content, output_path)
        _written.add(os.path.normpath(output_path))

    utils.write_file = fresh_write_file

    copy_file = File.copy_file

    def fresh_copy_file(self: File, dirty: bool = False) -> None:
        copies = not dirty or self.is_modified()
        if copies:
            _unlink(self.abs_dest_path)
        copy_file(self, dirty)
        if copies:
            _written.add(os.path.normpath(self.abs_dest_path))

    File.copy_file = fresh_copy_file  # type: ignore[method-assign]

    build_theme_template = build._build_theme_template

    def fresh_theme_template(template_name: str, env: Any, files: Any, config: Any, nav: Any) -> None:
        if template_name == "sitemap.xml":
            return  # dateline build writes the sitemap (dateline.sitemap)
        _unlink(os.path.join(config.site_dir, template_name))
        build_theme_template(template_name, env, files, config, nav)

    build._build_theme_template = fresh_theme_template


def _cache_templates(folder: Path) -> None:
    import jinja2
    from mkdocs.theme import Theme

    folder.mkdir(parents=True, exist_ok=True)
    cache = jinja2.FileSystemBytecodeCache(str(folder))
    get_env = Theme.get_env

    def cached_env(self: Theme) -> jinja2.Environment:
        env = get_env(self)
        env.bytecode_cache = cache
        return env

    Theme.get_env = cached_env  # type: ignore[method-assign]


_MATERIAL_SEARCH_ASSETS = ("assets/javascripts/lunr/", "assets/javascripts/workers/search.")
"""The theme files of Material's own search: its worker and lunr's languages (1.2 MB)."""

_SOURCE_MAP = ".map"
"""The theme's source maps: Material's script's alone is 1 MB. A reader's browser never
fetches them; its developer tools do, and note that they are missing."""


def _without_unused_theme_files() -> None:
    """Leave out the theme's source maps, and the theme files of Material's search when
    its plugin is off: nothing loads them then (Dateline's search is Pagefind). They were
    2.3 MB of every site."""
    from mkdocs.structure.files import Files

    add_files_from_theme = Files.add_files_from_theme

    def add_used_files_from_theme(self: Files, env: Any, config: Any) -> None:
        add_files_from_theme(self, env, config)
        material_search = any(name.rsplit("/", 1)[-1] == "search" for name in config.plugins)
        search_files = () if material_search else _MATERIAL_SEARCH_ASSETS
        theme = {os.path.normpath(folder) for folder in config.theme.dirs}
        for file in list(self):
            if ((file.src_uri.endswith(_SOURCE_MAP) or file.src_uri.startswith(search_files))
                    and file.src_dir is not None and os.path.normpath(file.src_dir) in theme):
                self.remove(file)

    Files.add_files_from_theme = add_used_files_from_theme  # type: ignore[method-assign]


def _read_changed(listing: Path) -> set[str]:
    return set(json.loads(listing.read_text(encoding="utf-8")))


def _files_made_early(told: Callable[[], bool], changed: set[str], listing: Path) -> None:
    """Have MkDocs' build make its list of ``docs/`` files before it is told to build, and
    make it again once told, reusing the entries of files still there.

    MkDocs makes a :class:`~mkdocs.structure.files.File` of each of the 12,000 files of a
    10,000-article archive (0.25 s, most of it normalising their paths); listing the
    folder again costs 0.04 s. The early list is made while ``dateline build`` writes the
    new pages, so a file may be there or not; its entry depends on its path alone, and
    the list that counts is the one made after ``build``: MkDocs' own, in its own order,
    with its own conflicts and exclusions. Only its entries come from the early one.
    """
    from mkdocs.commands import build
    from mkdocs.structure import files as module

    get_files: Callable[..., Any] = build.get_files  # type: ignore[attr-defined]
    make = module.File
    made: dict[tuple[object, ...], Any] = {}

    def recorded(*arguments: Any) -> Any:
        made[arguments] = entry = make(*arguments)
        return entry

    def reused(*arguments: Any) -> Any:
        entry = made.pop(arguments, None)
        return make(*arguments) if entry is None else entry

    def listed_with(factory: Callable[..., Any], config: Any) -> Any:
        module.File = factory  # type: ignore[misc,assignment]  # get_files passes positional arguments
        try:
            return get_files(config)
        finally:
            module.File = make  # type: ignore[misc]

    def files_once_told(config: Any) -> Any:
        _pages_made_early(listed_with(recorded, config), config)  # docs/ as it is now
        _theme_files_found_early(config)
        if not told():
            raise SystemExit(0)  # the build did not need this process
        changed.update(_read_changed(listing))
        return listed_with(reused, config)

    build.get_files = files_once_told  # type: ignore[attr-defined]


def _theme_files_found_early(config: Any) -> None:
    """Find the theme's files to copy into the site before being told to build, and have
    the build add those ``docs/`` has no file of the same path.

    MkDocs lists the theme's folders, leaves out templates and the like by name, and looks
    for each file in the theme's folders in turn: 0.07 s of a build after a change. The
    theme's folders do not change during a build (one that changes them is a clean
    build), while ``docs/`` may, so which files ``docs/`` overrides is still decided once
    told, as MkDocs decides it.
    """
    from mkdocs.structure.files import Files

    found = Files([])
    Files.add_files_from_theme(found, config.theme.get_env(), config)  # as the build would
    theme_files = list(found)

    def add_files_found_early(self: Files, env: Any, config: Any) -> None:
        for file in theme_files:
            if self.get_file_from_path(file.src_uri) is None:
                self.append(file)

    Files.add_files_from_theme = add_files_found_early  # type: ignore[method-assign]


def _nav_paths(item: Any) -> Iterator[str]:
    """Every path or address named in mkdocs.yml's ``nav`` (its strings, at any depth)."""
    if isinstance(item, str):
        yield item
    elif isinstance(item, dict):
        for value in item.values():
            yield from _nav_paths(value)
    elif isinstance(item, list):
        for value in item:
            yield from _nav_paths(value)


def _titled_by_themselves(config: Any, files: Any) -> set[str]:
    """The ``docs/`` pages the navigation shows by their own titles: named in ``nav``
    without one (``- about.md``), or, without a ``nav``, every page not kept out of it.
    Every page's navigation shows those titles."""
    nav = config["nav"]
    if nav is None:
        return {file.src_uri for file in files.documentation_pages() if not file.inclusion.is_not_in_nav()}
    found: set[str] = set()
    pending = [nav]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            found.add(posixpath.normpath(item).lstrip("/"))
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, dict):  # a titled page (a string value) or a section (a list)
            pending.extend(value for value in item.values() if isinstance(value, list))
    return found


class _Navigation:
    """The pages whose own titles every page's navigation shows (:func:`_titled_by_themselves`),
    read in every build before any other page, changed or not (without being written again
    unless changed): a page is read only when it is rendered, and a dirty or partial
    build's navigation would show the others' titles as "None".

    What the navigation shows of them, their titles and metadata (Material shows a page's
    icon and status there), is kept between builds (:meth:`shows`, ``--titles``): a build
    after a change renders every page only when that differs, not whenever such a page
    changed. Without a ``nav`` in mkdocs.yml every page not kept out of it is such a page,
    the home page among them, which changes with every article added.
    """

    def __init__(self, build: Any) -> None:
        self.shown: set[str] = set()
        self.files: Any = None
        populate = build._populate_page

        def populate_shown_first(page: Any, config: Any, files: Any, dirty: bool = False) -> None:
            if self.files is None:
                self.files = files
                self.shown.update(_titled_by_themselves(config, files))
                for path in sorted(self.shown):
                    file = files.get_file_from_path(path)
                    if file is not None and file.page is not None:
                        populate(file.page, config, files, False)
            if page.file.src_uri not in self.shown:
                populate(page, config, files, dirty)

        build._populate_page = populate_shown_first

    def shows(self) -> dict[str, str]:
        """What the navigation shows of each page :attr:`shown`, once they are read."""
        shown = {}
        for path in sorted(self.shown):
            file = self.files.get_file_from_path(path) if self.files is not None else None
            page = file.page if file is not None else None
            shown[path] = json.dumps([page.title, page.meta] if page is not None else None,
                                     sort_keys=True, default=str, ensure_ascii=False)
        return shown


def read_titles(titles: Path | None) -> dict[str, str] | None:
    """The :meth:`_Navigation.shows` a file holds, or None when there is no usable one."""
    if titles is None:
        return None
    try:
        known = json.loads(titles.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(known, dict) or not all(isinstance(v, str) for v in known.values()):
        return None
    return known


def _pages_made_early(files: Any, config: Any) -> None:
    """Make, in the early list, the page of each file kept out of the navigation, as
    MkDocs' navigation does once told to build (0.25 s at 10,000 articles, most of it
    joining each page's address to ``site_url``), and the path each page is written to.

    A page depends on its file's path and on the configuration alone, so an entry reused
    once told carries a page equal to the one MkDocs would make. Pages named in ``nav``
    are left to MkDocs: it makes theirs with the title ``nav`` gives them, and a page
    already made would keep none.
    """
    from mkdocs.structure.pages import Page

    named = {posixpath.normpath(path).lstrip("/") for path in _nav_paths(config["nav"])}
    for file in files.documentation_pages():
        if file.inclusion.is_not_in_nav() and file.src_uri not in named:
            Page(None, file, config)
        file.abs_dest_path  # noqa: B018 - cached on the entry, asked for every page once told


def _build_only(changed_file: Path, keep: str, written: Path | None, navigation: _Navigation,
                titles: Path | None, listed: tuple[str, list[str]] | None = None,
                told: Callable[[], bool] | None = None) -> None:
    from mkdocs.commands import build
    from mkdocs.structure.files import File

    logging.getLogger("mkdocs.commands.build").addFilter(_DropDirtyWarning())
    # MkDocs would look into the site folder, to say it holds files it may not write,
    # before listing docs/: started early, this process may run that while the site
    # folder is still being made. Stale files are removed below anyway.
    build.site_directory_contains_stale_files = lambda site_directory: False
    changed: set[str] = set()
    """The ``docs/`` paths whose content changed: read at once, or when ``told`` to build."""
    if told is None:
        changed.update(_read_changed(changed_file))
    else:
        _files_made_early(told, changed, changed_file)
    before: set[str] = set()
    """The site's files (``keep`` aside), listed once as the build starts, or before it
    as ``listed`` (the folder listed, and its files' paths, of which the site is a copy):
    asking the disk whether each of 12,000 outputs exists, twice, cost more. What the
    build wrote is known from :data:`_written`, so the site is not listed again after it
    (0.1 s at 10,000 articles, 0.4 s at 50,000)."""

    navigation_changed: list[bool] = []

    def every_navigation_changed() -> bool:
        """Whether what every page's navigation shows changed: known once the pages it
        shows are read (:class:`_Navigation`), before any other."""
        if not navigation_changed and navigation.files is not None:
            before_titles = read_titles(titles)
            navigation_changed.append(not navigation.shown.isdisjoint(changed) if before_titles is None
                                      else navigation.shows() != before_titles)
        return bool(navigation_changed) and navigation_changed[0]

    def is_modified(self: File) -> bool:
        if self._content is not None:
            return True
        if self.is_documentation_page() and every_navigation_changed():
            return True
        return self.src_uri in changed or self.abs_dest_path not in before

    File.is_modified = is_modified  # type: ignore[method-assign]

    seen: dict[str, Any] = {}
    get_navigation: Callable[..., Any] = build.get_navigation  # type: ignore[attr-defined]

    def capture_files(files: Any, config: Any) -> Any:
        seen["files"] = files
        return get_navigation(files, config)

    build.get_navigation = capture_files  # type: ignore[attr-defined]
    run = build.build

    def build_then_prune(config: Any, *, serve_url: str | None = None, dirty: bool = False) -> None:
        site = os.path.normpath(config.site_dir)
        if listed is None:
            before.update(_listing(site, keep))
        else:
            start = len(listed[0])
            before.update(site + path[start:] for path in listed[1])
        run(config, serve_url=serve_url, dirty=dirty)
        # MkDocs' paths are normalised already (File.abs_dest_path).
        expected = {f.abs_dest_path for f in seen["files"] if f.inclusion.is_included()}
        for template in config.theme.static_templates:
            output = os.path.join(site, template)
            expected |= {output, f"{output}.gz"}
        stale = {path for path in before if path not in expected}
        _remove_with_empty_folders(stale, site)
        if written is not None:
            # What the site audit checks, and what makes the site differ from the one before.
            fresh = sorted(os.path.relpath(path, site) for path in _written if path not in stale)
            gone = sorted(os.path.relpath(path, site) for path in stale)
            written.write_text(json.dumps({"written": fresh, "removed": gone}), encoding="utf-8")

    build.build = build_then_prune


def _render_part(part: set[str], static: bool) -> None:
    from mkdocs.commands import build
    from mkdocs.structure.files import File

    logging.getLogger("mkdocs.commands.build").addFilter(_DropDirtyWarning())

    def is_modified(self: File) -> bool:
        if self.is_documentation_page():
            return self.src_uri in part
        return static

    File.is_modified = is_modified  # type: ignore[method-assign]
    build_theme_template = build._build_theme_template

    def theme_template_if_static(template_name: str, env: Any, files: Any, config: Any, nav: Any) -> None:
        if static:
            build_theme_template(template_name, env, files, config, nav)

    build._build_theme_template = theme_template_if_static


def _listing(site: str, keep: str) -> list[str]:
    """Every file under ``site``, but not in its folder ``keep``."""
    found: list[str] = []
    pending = [site]
    while pending:
        with os.scandir(pending.pop()) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if not (entry.name == keep and os.path.dirname(entry.path) == site):
                        pending.append(entry.path)
                else:
                    found.append(entry.path)
    return found


def _remove_with_empty_folders(paths: Iterable[str], site: str) -> None:
    """Remove the files ``paths``, then the folders under ``site`` that this left empty."""
    folders = set()
    for path in paths:
        os.unlink(path)
        folders.add(os.path.dirname(path))
    remove_emptied_folders(folders, site)


def _told_to_build() -> bool:
    """``--wait``: whether ``dateline build`` asks for the build (``build`` on standard input)."""
    return sys.stdin.read().strip() == "build"


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m dateline.mkdocs_run")
    parser.add_argument("--changed", type=Path, help="JSON list of changed docs/ paths: build only those")
    parser.add_argument("--keep", default="pagefind", help="site folder an incremental build leaves alone")
    parser.add_argument("--written", type=Path, help="with --changed: file to list the files written in")
    parser.add_argument("--wait", action="store_true",
                        help="with --changed and --site: prepare, then build when told to on standard input")
    parser.add_argument("--site", help="with --wait: the live site, of which the site to build is a copy")
    parser.add_argument("--part", type=Path, help="JSON list of the docs/ pages this process renders")
    parser.add_argument("--no-static", action="store_true", help="with --part: copy no other file")
    parser.add_argument("--template-cache", type=Path, help="folder keeping the compiled theme templates")
    parser.add_argument("--titles", type=Path,
                        help="file to write what every page's navigation shows of the pages named "
                             "by their own titles; with --changed, read first as the last build's")
    parser.add_argument("mkdocs_args", nargs=argparse.REMAINDER)
    options = parser.parse_args(argv)
    arguments = [a for a in options.mkdocs_args if a != "--"]
    if options.wait and (options.changed is None or options.site is None):
        parser.error("--wait needs --changed and --site")
    _never_write_through_links()
    _without_unused_theme_files()
    if options.template_cache is not None:
        _cache_templates(options.template_cache)
    from mkdocs.commands import build

    navigation = _Navigation(build)
    if options.changed is not None:
        listed = None
        if options.wait:
            site = os.path.normpath(options.site)
            with contextlib.suppress(OSError):  # then listed as the build starts
                listed = (site, _listing(site, options.keep))
        _build_only(options.changed, options.keep, options.written, navigation, options.titles, listed,
                    _told_to_build if options.wait else None)
        arguments.append("--dirty")
    elif options.part is not None:
        _render_part(set(json.loads(options.part.read_text(encoding="utf-8"))), not options.no_static)
        arguments.append("--dirty")
    from mkdocs.__main__ import cli

    try:
        cli.main(["build", *arguments], prog_name="mkdocs")
    except SystemExit as done:
        if done.code not in (0, None):
            raise
    if options.titles is not None and navigation.files is not None:
        atomic_write(options.titles, json.dumps(navigation.shows(), ensure_ascii=False).encode("utf-8"))
    # Every file is written and closed by now. Ending without freeing the pages, files and
    # templates one by one saves about 0.1 s of a build after a change at 10,000 articles
    # (a clean build's processes, each holding up to 8,000 pages, have more to free).
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv[1:])
