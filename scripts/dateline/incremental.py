"""What a ``dateline build`` may reuse of the site it built last time.

MkDocs renders a page from its own source and from what every page shares: mkdocs.yml,
the theme and its overrides, and the code of MkDocs, Material, Markdown and Dateline.
Dateline's generated pages carry everything they show (a day page holds the titles and
links of its articles), so when nothing shared changed, a page whose source is what it
was last time renders to the same HTML as last time. The new site then starts as a
hard-linked copy of the live one, and only the pages whose sources changed are rendered
again (:mod:`dateline.mkdocs_run`); a test compares the result with a clean build, file
for file.

What the last successful build saw is kept in ``.dateline/build-state.json``: the
fingerprint of everything shared, the content hash of every file in ``docs/``, and the
identity of the site folder it produced. Anything unexpected (no state, a different
fingerprint, a ``site/`` that was rebuilt or replaced by other means) means a clean build.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import os
import platform
import re
import shutil
import subprocess
import sys
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from dateline.config import Settings
from dateline.pagekit import generated
from dateline.readcache import package_digest
from dateline.writer import atomic_write, remove_emptied_folders

_STATE = "build-state.json"
_DISTRIBUTIONS = "distributions.json"
_FORMAT = 1


@dataclass(frozen=True)
class Source:
    """One file under ``docs/`` as a build saw it."""

    size: int
    mtime_ns: int
    sha256: str
    ctime_ns: int = 0
    """When its inode last changed: an edit that keeps the size and puts the old
    modification time back (``cp -p``, ``touch -r``, some sync tools) changes it still,
    and no user's tool can set it."""


def _tree_digest(digest: hashlib._Hash, folder: Path) -> None:
    for file in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(file.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(hashlib.sha256(file.read_bytes()).digest())


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _closure(roots: Iterable[tuple[str, frozenset[str]]],
             installed: Mapping[str, importlib.metadata.Distribution]) -> set[str]:
    """The distributions the ``roots`` (names, with extras) need, themselves included."""
    try:
        from packaging.requirements import Requirement  # MkDocs needs packaging
    except ImportError:
        return {_canonical(name) for name, _extras in roots}
    found: set[str] = set()
    done: set[tuple[str, frozenset[str]]] = set()
    pending = [(_canonical(name), extras) for name, extras in roots]
    while pending:
        current, wanted = pending.pop()
        if (current, wanted) in done:
            continue
        done.add((current, wanted))
        found.add(current)
        distribution = installed.get(current)
        for text in (distribution.requires or []) if distribution is not None else []:
            requirement = Requirement(text)
            if requirement.marker is None or any(requirement.marker.evaluate({"extra": extra})
                                                 for extra in ("", *wanted)):
                pending.append((_canonical(requirement.name), frozenset(requirement.extras)))
    return found


def rendering_distributions() -> list[str]:
    """``name==version`` of every installed distribution that may take part in rendering:
    all of them (the theme, Markdown and its extensions, MkDocs plugins, the sanitiser),
    but those installed for Dateline's tests alone (pytest, ruff, mypy, Playwright… and
    what only they need), so that installing the test tools does not render every page
    again."""
    listed = [(d.metadata["Name"], d) for d in importlib.metadata.distributions()]
    installed = {_canonical(name): d for name, d in listed}
    with_tests = _closure([("dateline", frozenset({"test"}))], installed)
    needed = _closure([("dateline", frozenset())], installed) | _closure(
        [(name, frozenset()) for name in installed if name not in with_tests], installed)
    return sorted(f"{name}=={d.version}" for name, d in listed
                  if _canonical(name) not in with_tests or _canonical(name) in needed)


def _installed() -> str:
    """What is installed, in brief: the metadata folders of the distributions on
    ``sys.path`` (where :mod:`importlib.metadata` finds them), with their modification
    times: installing, upgrading or reinstalling a distribution changes it."""
    found = []
    for folder in sys.path:
        try:
            with os.scandir(folder or ".") as entries:
                found += [f"{entry.path}\0{entry.stat().st_mtime_ns}" for entry in entries
                          if entry.name.endswith((".dist-info", ".egg-info"))]
        except OSError:
            continue
    return hashlib.sha256("\n".join(sorted(found)).encode()).hexdigest()


def _rendering_distributions_kept(folder: Path) -> list[str]:
    """:func:`rendering_distributions`, kept in ``folder`` for as long as what is installed
    stays the same: reading every distribution's metadata took 0.05–0.08 s of every
    build, looking at their folders takes 1 ms."""
    kept, installed = folder / _DISTRIBUTIONS, _installed()
    try:
        raw = json.loads(kept.read_bytes())
        if raw["installed"] == installed and all(isinstance(item, str) for item in raw["distributions"]):
            return list(raw["distributions"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    distributions = rendering_distributions()
    with contextlib.suppress(OSError):  # a read-only project still builds
        atomic_write(kept, json.dumps({"installed": installed, "distributions": distributions}).encode())
    return distributions


def fingerprint(settings: Settings) -> str:
    """A hash of everything every page's HTML depends on besides its own source."""
    digest = hashlib.sha256(f"{_FORMAT}\0{platform.python_version()}\0".encode())
    for config in settings.config_files:  # mkdocs.yml, and the files it INHERIT-s
        digest.update(config.read_bytes() if config.is_file() else b"\0none\0")
    digest.update(repr(settings.environment).encode())  # what its !ENV tags read
    if settings.theme_dir is not None and settings.theme_dir.is_dir():
        _tree_digest(digest, settings.theme_dir)
    digest.update("\n".join(_rendering_distributions_kept(settings.root / ".dateline")).encode())
    digest.update(package_digest().encode())
    return digest.hexdigest()


def _entries(folder: Path) -> Iterator[tuple[str, os.DirEntry[str]]]:
    """Every file under ``folder`` (not through links to folders), by its posix path
    relative to it. Paths stay text: at 12,000 files, Path objects took two thirds of
    :func:`snapshot`'s time."""
    pending = [("", os.fspath(folder))]
    while pending:
        prefix, directory = pending.pop()
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.is_dir():
                    if not entry.is_symlink():
                        pending.append((f"{prefix}{entry.name}/", entry.path))
                    continue
                yield f"{prefix}{entry.name}", entry


def _files(folder: Path) -> Iterator[tuple[str, os.stat_result]]:
    """:func:`_entries` with each file's status."""
    for relative, entry in _entries(folder):
        yield relative, entry.stat()


def folder_bytes(folder: Path) -> int:
    """The size of every file under ``folder``, summed (0.14 s for 23,000 files)."""
    return sum(stat.st_size for _, stat in _files(folder))


def snapshot(docs_dir: Path, previous: Mapping[str, Source],
             stats: Mapping[str, os.stat_result] | None = None) -> dict[str, Source]:
    """Every file under ``docs_dir`` with its content hash, reused when its size, its
    modification time and its inode's change time are those seen before (after a fresh
    checkout, or a cache restored by ``tar``, every file is hashed again, once).

    ``stats`` gives the status of files already asked for since they were last written
    (the pages the page memo vouched for, :attr:`dateline.pagememo.PageMemo.kept_stats`):
    asking again for each of 12,000 files cost 0.1–0.17 s of every build."""
    sources = {}
    told = stats or {}
    for relative, entry in _entries(docs_dir):
        stat = told.get(relative) or entry.stat()
        known = previous.get(relative)
        if (known is not None and known.size == stat.st_size and known.mtime_ns == stat.st_mtime_ns
                and known.ctime_ns == stat.st_ctime_ns):
            sources[relative] = known
            continue
        with open(docs_dir / relative, "rb") as handle:
            sha = hashlib.file_digest(handle, "sha256").hexdigest()
        sources[relative] = Source(stat.st_size, stat.st_mtime_ns, sha, stat.st_ctime_ns)
    return sources


def folder_identity(folder: Path) -> int:
    """When ``folder``'s entries last changed: another folder of the same name, made
    since, differs; a copy that keeps times (``cp -a``, ``tar``) does not, so a deployment
    workflow that keeps the site and its spare in its cache keeps the spare too."""
    return folder.stat().st_mtime_ns


def site_identity(site: Path) -> list[int] | None:
    """Which build of ``site/`` this is: when its folder's entries and its sitemap last
    changed, and the sitemap's size. A rebuild by other means, or a build killed after it
    swapped in its site, gives another identity (each build's site is a new folder); a copy
    that keeps times (``cp -a``, or a deployment workflow's cache restored by ``tar``) gives
    the same, so a fresh checkout with its caches restored builds only what changed."""
    try:
        sitemap = (site / "sitemap.xml").stat()
        return [folder_identity(site), sitemap.st_mtime_ns, sitemap.st_size]
    except OSError:
        return None


@dataclass(frozen=True)
class Spare:
    """The site before the last build, kept beside ``site/`` (:func:`spare_folder`): the
    last build changed only the files ``changed`` (site-relative), so bringing it up to
    date (:func:`copy_from_spare`) costs a few links, where a new hard-linked copy of the
    whole site costs one folder and one link per page."""

    folder: int
    """The spare folder's :func:`folder_identity`: another folder of that name is not this one."""
    changed: tuple[str, ...]
    bundle: bool = False
    """Whether the spare holds the search bundle too, and ``changed`` the bundle's files the
    last build wrote or removed: the next build's search then starts from it (its files
    linked again like the pages'), not from a copy of the whole bundle."""


@dataclass(frozen=True)
class BuildState:
    fingerprint: str
    site: list[int] | None
    sources: dict[str, Source]
    spare: Spare | None = None
    titles: dict[str, str] | None = None
    """What every page's navigation shows of the pages named by their own titles
    (``dateline.mkdocs_run --titles``), or None when not known."""
    redirects: dict[str, str] | None = None
    """The pages of articles' former addresses the build wrote into the site, by file, with
    the hash of their bytes (:func:`dateline.aliases.digests`), or None when not known."""

    @staticmethod
    def load(settings: Settings) -> BuildState | None:
        try:
            raw = json.loads((settings.root / ".dateline" / _STATE).read_bytes())
            spare = raw.get("spare")
            titles, redirects = raw.get("titles"), raw.get("redirects")
            return BuildState(raw["fingerprint"], raw["site"],
                              {path: Source(*entry) for path, entry in raw["sources"].items()},
                              None if spare is None else Spare(int(spare[0]), tuple(map(str, spare[1])),
                                                               bool(spare[2])),
                              _strings(titles), _strings(redirects))
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return None

    def save(self, settings: Settings) -> None:
        raw = {"fingerprint": self.fingerprint, "site": self.site,
               "sources": {path: [s.size, s.mtime_ns, s.sha256, s.ctime_ns]
                           for path, s in self.sources.items()},
               "spare": None if self.spare is None else [self.spare.folder, list(self.spare.changed),
                                                         self.spare.bundle],
               "titles": self.titles, "redirects": self.redirects}
        atomic_write(settings.root / ".dateline" / _STATE, json.dumps(raw).encode())


def _strings(mapping: object) -> dict[str, str] | None:
    """A mapping of text to text read from the state file, or None when it is none."""
    return {str(k): str(v) for k, v in mapping.items()} if isinstance(mapping, dict) else None


def clean_build_reason(state: BuildState | None, print_: str, site: Path) -> str | None:
    """Why only a clean build will do, or ``None`` when the last build's site can be reused."""
    if state is None:
        return "no earlier build to start from"
    if state.fingerprint != print_:
        return "mkdocs.yml, the theme or the software changed"
    if state.site is None or state.site != site_identity(site):
        return f"{site.name}/ is not the one the last build made"
    return None


def changed_sources(state: BuildState, sources: Mapping[str, Source]) -> list[str]:
    """The ``docs/`` files to render again on top of the last build's site."""
    changed = [path for path, source in sources.items()
               if path not in state.sources or state.sources[path].sha256 != source.sha256]
    if sources.keys() != state.sources.keys() or any(path.endswith(".md") for path in changed):
        # A page written by hand may link to a page that came or went, or to an anchor of
        # a page that changed (MkDocs checks a page's links only as it renders it);
        # generated pages link only to what exists, and their sources change when that does.
        changed += [path for path in sources if path.endswith(".md")
                    and not generated(path) and path not in changed]
    return sorted(changed)


def hard_link_copy(source: Path, target: Path, skip: Collection[str] = ()) -> bool:
    """Make ``target`` a copy of ``source`` whose files are hard links (no data copied),
    without the top-level entries named in ``skip``.

    False, with nothing left at ``target``, where the disk cannot (no hard links there).
    """
    try:
        entries = sorted(entry.name for entry in os.scandir(source) if entry.name not in skip)
        if shutil.which("cp") and platform.system() == "Linux":
            target.mkdir()
            if entries:
                subprocess.run(["cp", "-al", "-t", str(target), "--", *(str(source / e) for e in entries)],
                               check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        else:
            shutil.copytree(source, target, symlinks=True, copy_function=os.link,
                            ignore=lambda folder, _names: skip if Path(folder) == source else ())
    except (OSError, subprocess.CalledProcessError):
        shutil.rmtree(target, ignore_errors=True)
        return False
    return True


def spare_folder(site: Path) -> Path:
    """Where the site before the last build is kept (:class:`Spare`), beside ``site``: on
    the same disk, so that moving it is a rename."""
    return site.with_name(f".{site.name}.spare")


def copy_from_spare(spare: Spare | None, site: Path, target: Path) -> bool:
    """Make ``target`` a hard-linked copy of ``site`` from the spare folder: rename it to
    ``target``, then link again, or remove, the files the last build changed. At 10,000
    articles that is a few dozen operations, against 24,000 for :func:`hard_link_copy`
    (0.5–3 s here, competing with the check for the disk and a core), and the old site
    is not deleted either (7 s of the disk's time, in the background).

    False when there is no spare, or it is not the one ``spare`` describes, or anything
    unexpected happens; ``target`` and the spare folder may then hold what is left of it,
    for the caller to discard.
    """
    folder = spare_folder(site)
    try:
        if spare is None or folder_identity(folder) != spare.folder:
            return False
        folder.rename(target)
    except OSError:
        return False
    try:
        emptied: set[str] = set()
        for relative in spare.changed:
            old, new = os.path.join(target, relative), os.path.join(site, relative)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(old)
            if os.path.lexists(new):
                os.makedirs(os.path.dirname(old), exist_ok=True)
                os.link(new, old)
            else:
                emptied.add(os.path.dirname(old))
        remove_emptied_folders(emptied, os.fspath(target))
    except OSError:
        return False
    return True


def differences(new: Path, old: Path) -> tuple[list[Path], list[str]]:
    """The files of ``new`` that are not hard links of ``old``'s (what this build wrote),
    and the files of ``old`` that ``new`` lacks (as paths relative to ``old``)."""
    written: list[Path] = []
    removed: list[str] = []

    def walk(new_dir: str, old_dir: str, relative: str) -> None:
        try:
            with os.scandir(old_dir) as entries:
                before = {entry.name: (entry.inode(), entry.is_dir(follow_symlinks=False))
                          for entry in entries}
        except OSError:
            before = {}
        with os.scandir(new_dir) as entries:
            for entry in entries:
                inode, was_folder = before.pop(entry.name, (None, None))
                if entry.is_dir(follow_symlinks=False):
                    if was_folder is False:
                        removed.append(relative + entry.name)
                    walk(entry.path, os.path.join(old_dir, entry.name), f"{relative}{entry.name}/")
                elif inode != entry.inode():
                    written.append(Path(entry.path))
        for name, (_inode, was_folder) in before.items():
            if not was_folder:
                removed.append(relative + name)
                continue
            for folder, _folders, files in os.walk(os.path.join(old_dir, name)):
                inside = os.path.relpath(folder, old_dir).replace(os.sep, "/")
                removed.extend(f"{relative}{inside}/{file}" for file in files)

    walk(str(new), str(old), "")
    return sorted(written), sorted(removed)
