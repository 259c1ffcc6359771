"""Dateline's settings, read from the project's ``mkdocs.yml`` without importing MkDocs.

The site's name and description are MkDocs' own ``site_name`` and ``site_description``;
Dateline's settings live under ``extra.dateline`` so that MkDocs, Zensical and ProperDocs
all accept the file unchanged. Paths resolve relative to the folder of ``mkdocs.yml``.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from yaml_env_tag import construct_env_tag

from dateline.errors import ConfigError

CONFIG_FILE = "mkdocs.yml"


class _TolerantLoader(yaml.SafeLoader):
    """Safe YAML that reads MkDocs-specific tags: ``!ENV`` as MkDocs does (the value of
    the first environment variable set, else the default), ``!!python/name:`` as a name,
    any other tag as a plain value."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.environment: dict[str, str | None] = {}
        """The environment variables ``!ENV`` tags named, with their values."""
        self.duplicates: list[tuple[int, str, int]] = []
        """Keys a mapping gives twice: (line, key, line of the first), lines 1-based."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        # PyYAML, and so MkDocs, keeps the last of two equal keys without a word: a second
        # `extra:` block silently drops the first one's settings.
        first: dict[str, int] = {}
        for key_node, _value in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
                line = key_node.start_mark.line + 1
                if key_node.value in first:
                    self.duplicates.append((line, key_node.value, first[key_node.value]))
                else:
                    first[key_node.value] = line
        return super().construct_mapping(node, deep=deep)


def _construct_env(loader: _TolerantLoader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode | yaml.SequenceNode):
        names = node.value if isinstance(node, yaml.SequenceNode) else [node]
        for name in names:
            if isinstance(name, yaml.ScalarNode):
                loader.environment[name.value] = os.environ.get(name.value)
    return construct_env_tag(loader, node)


def _construct_any(loader: yaml.SafeLoader, _suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    return None  # pragma: no cover - PyYAML has no other node kinds


@dataclass(frozen=True)
class PythonName:
    """``!!python/name:module.attribute`` in mkdocs.yml (Material's emoji settings use it).

    Kept as a name, never imported while reading settings; the render guard imports it
    where MkDocs would, to render with the same extension settings.
    """

    dotted: str


def _construct_python(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if suffix.startswith("name:"):
        return PythonName(suffix.removeprefix("name:"))
    return _construct_any(loader, suffix, node)


_TolerantLoader.add_constructor("!ENV", _construct_env)
_TolerantLoader.add_multi_constructor("!", _construct_any)
_TolerantLoader.add_multi_constructor("tag:yaml.org,2002:python/", _construct_python)


@dataclass(frozen=True)
class Settings:
    """Everything a build needs to know about the project, with paths made absolute."""

    root: Path
    """Folder holding ``mkdocs.yml``; messages name files relative to it."""
    config_file: Path
    site_name: str
    site_description: str
    articles_dir: Path
    docs_dir: Path
    site_dir: Path
    latest: int = 20
    """How many articles the home page lists."""
    feed_articles: int = 20
    """How many articles each feed holds; 0: no feeds (:mod:`dateline.feeds`)."""
    max_article_bytes: int = 2_000_000
    render_timeout: float = 10.0
    """Seconds one article body may take to render before the build refuses it."""
    markdown_extensions: tuple[str | dict[str, Any], ...] = ()
    """``markdown_extensions`` as written in mkdocs.yml, to render bodies as the builder will."""
    search_period_articles: int | None = None
    """Most articles in one period of the search index; ``None``: Dateline's default."""
    theme_dir: Path | None = None
    """The theme's ``custom_dir`` (overrides), when mkdocs.yml names one."""
    site_url: str = ""
    """MkDocs' ``site_url``: the address the site is published at, if given."""
    environment: tuple[tuple[str, str | None], ...] = ()
    """The environment variables mkdocs.yml names with ``!ENV``, and their values: MkDocs
    reads them too, so the pages depend on them as on the file."""
    plugins: tuple[str, ...] = ()
    """The plugins and hooks mkdocs.yml names, with the file it ``INHERIT``-s (MkDocs'
    ``search`` when they name no plugins at all), and that file itself, whose changes
    Dateline does not follow. What they write is unknown to Dateline, so with any of them
    every build renders every page, in one process (see :func:`dateline.build.run_mkdocs`)."""
    warnings: tuple[str, ...] = ()
    """What is suspicious in mkdocs.yml but accepted, as MkDocs accepts it (a key given
    twice), one line each; the command line prints them."""
    config_files: tuple[Path, ...] = ()
    """Every configuration file read (:func:`load_settings` gives them all): :attr:`config_file`,
    then those it ``INHERIT``-s.
    A change to any of them changes every page (:func:`dateline.incremental.fingerprint`),
    and ``dateline serve`` builds again after one."""

    def extensions(self) -> tuple[list[str], dict[str, Any]]:
        """The Markdown extensions as names and per-name settings (Python-Markdown's form)."""
        names: list[str] = []
        configs: dict[str, Any] = {}
        for entry in self.markdown_extensions:
            if isinstance(entry, dict):
                for name, options in entry.items():
                    names.append(name)
                    if options:
                        configs[name] = options
            else:
                names.append(entry)
        return names, configs

    @property
    def footnotes_marker(self) -> str | None:
        """The text the footnotes extension puts the footnotes in place of, when it is on."""
        names, configs = self.extensions()
        for name in ("footnotes", "markdown.extensions.footnotes"):
            if name in names:
                return str((configs.get(name) or {}).get("PLACE_MARKER", "///Footnotes Go Here///"))
        return None

    @property
    def site_path(self) -> str:
        """The path the site is published under: ``/archive/`` for
        ``https://user.github.io/archive/``, ``/`` at a domain's root or without
        ``site_url``. MkDocs writes the 404 page's links from it (``/archive/assets/…``),
        since that page is served at any missing address."""
        path = urlsplit(self.site_url).path.strip("/")
        return f"/{path}/" if path else "/"

    def display(self, path: Path) -> str:
        """A path as the user would type it from the project folder."""
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)


_KNOWN = {"articles", "feed_articles", "latest", "max_article_bytes", "render_timeout",
          "search_period_articles"}


def load_settings(config_file: Path | str = CONFIG_FILE) -> Settings:
    """The project's settings; :class:`ConfigError` naming every problem in mkdocs.yml."""
    config_path = Path(config_file).resolve()
    if config_path.is_dir():
        raise ConfigError(f"{config_file}: is a folder; give the configuration file "
                          f"(--config {Path(config_file) / CONFIG_FILE})")
    if not config_path.is_file():
        raise ConfigError(
            f"{config_file}: not found (run dateline in the folder that holds mkdocs.yml, "
            "or pass --config)"
        )
    shown = config_path.name
    raw, environment, warnings, read = _read(config_path, shown)
    problems: list[str] = []
    root = config_path.parent
    extra = _mapping(raw.get("extra"), "extra", problems)
    if "dateline" not in extra:
        # extra is the theme's too (extra.social…); a near miss of ours is not.
        near = [str(key) for key in extra
                if difflib.get_close_matches(str(key).lower(), ["dateline"], cutoff=0.85)]
        if near:
            problems.append(f"extra.{near[0]}: did you mean extra.dateline? "
                            "(Dateline's settings are read from there alone)")
    ours = _mapping(extra.get("dateline"), "extra.dateline", problems)
    unknown = sorted(set(map(str, ours)) - _KNOWN)
    if unknown:
        problems.append(f"extra.dateline: unknown setting {', '.join(unknown)} "
                        f"(known: {', '.join(sorted(_KNOWN))})")

    def positive_int(key: str, default: int, least: int = 1) -> int:
        value = ours.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            problems.append(f"extra.dateline.{key}: must be a whole number ≥ {least}")
            return default
        return value

    latest = positive_int("latest", 20)
    feed_articles = positive_int("feed_articles", 20, least=0)
    max_article_bytes = positive_int("max_article_bytes", 2_000_000)
    search_period_articles = (positive_int("search_period_articles", 1)
                              if "search_period_articles" in ours else None)
    timeout = ours.get("render_timeout", 10)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout <= 3600:
        problems.append("extra.dateline.render_timeout: must be a number of seconds above 0 (at most 3600)")
        timeout = 10
    extensions = raw.get("markdown_extensions") or []
    if not isinstance(extensions, list) or not all(
            isinstance(e, str) or (isinstance(e, dict) and len(e) == 1) for e in extensions):
        problems.append("markdown_extensions must be a list of names, each optionally with its settings")
        extensions = []

    theme = raw.get("theme")
    custom_dir = theme.get("custom_dir") if isinstance(theme, dict) else None
    folders = {name: _folder(value, name, default, problems) for name, value, default in (
        ("extra.dateline.articles", ours.get("articles"), "articles"),
        ("docs_dir", raw.get("docs_dir"), "docs"),
        ("site_dir", raw.get("site_dir"), "site"),
        ("theme.custom_dir", custom_dir, ""))}
    for key in ("site_name", "site_description"):
        if raw.get(key) is not None and not isinstance(raw[key], str | int | float):
            problems.append(f"{key}: must be text")
    if raw.get("use_directory_urls") is False:
        # Every page Dateline makes, its feeds, sitemap and search link to folders
        # (/articles/2021/08/13/kandahar/), which this setting would turn into files.
        problems.append("use_directory_urls: false is not supported: Dateline's pages, feeds and search "
                        "link to each page's folder; remove the setting")
    site_url = raw.get("site_url") or ""
    wrong_url = _site_url_problem(site_url)
    if wrong_url:
        problems.append(f"site_url: {wrong_url}")
        site_url = ""
    if problems:
        raise ConfigError("\n".join(f"{shown}: {problem}" for problem in problems))

    settings = Settings(
        root=root,
        config_file=config_path,
        site_name=str(raw.get("site_name") or "News archive"),
        site_description=str(raw.get("site_description") or ""),
        articles_dir=root / folders["extra.dateline.articles"],
        docs_dir=root / folders["docs_dir"],
        site_dir=root / folders["site_dir"],
        latest=latest,
        feed_articles=feed_articles,
        max_article_bytes=max_article_bytes,
        render_timeout=float(timeout),
        markdown_extensions=tuple(extensions),
        search_period_articles=search_period_articles,
        theme_dir=root / folders["theme.custom_dir"] if folders["theme.custom_dir"] else None,
        site_url=str(site_url),
        environment=tuple(sorted(environment.items())),
        plugins=_plugins(raw),
        warnings=tuple(warnings),
        config_files=read,
    )
    folder_problems = _folder_problems(settings, raw, ours)
    if folder_problems:
        raise ConfigError("\n".join(f"{shown}: {problem}" for problem in folder_problems))
    return settings


def _read(config_path: Path, shown: str, chain: tuple[Path, ...] = ()
          ) -> tuple[dict[str, Any], dict[str, str | None], list[str], tuple[Path, ...]]:
    """mkdocs.yml as MkDocs reads it, merged into the file it names with ``INHERIT``; the
    environment variables its ``!ENV`` tags read; a warning for each key given twice. A
    syntax error is one line naming the line it is on."""
    try:
        text = config_path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise ConfigError(f"{shown}: cannot be read: not UTF-8 text (byte {error.start})") from None
    except OSError as error:
        raise ConfigError(f"{shown}: cannot be read ({error.strerror or error})") from None
    try:
        # The reader refuses control characters as soon as it is made: inside the try.
        loader = _TolerantLoader(text)
        try:
            raw = loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        # "while parsing a flow sequence" points where the trouble began, the problem
        # mark often at the end of the file: the first helps more.
        mark = error.context_mark or error.problem_mark
        what = f"{error.context}, {error.problem}" if error.context else str(error.problem)
        if "'\\t'" in what:
            what += " (YAML is indented with spaces, never tabs)"
        raise ConfigError(f"{shown}:{mark.line + 1 if mark else 1}: invalid YAML: {what}") from None
    except yaml.reader.ReaderError as error:
        line = text.count("\n", 0, error.position) + 1
        raise ConfigError(f"{shown}:{line}: invalid YAML: a control character "
                          f"(U+{error.character:04X}) is not allowed; remove it") from None
    except yaml.YAMLError as error:
        raise ConfigError(f"{shown}: invalid YAML: {' '.join(str(error).split())}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{shown}: must be a mapping of settings")
    warnings = [f"{shown}:{line}: {key}: warning: appears twice (first on line {first}); "
                "only the last is read, by Dateline and MkDocs alike"
                for line, key, first in sorted(loader.duplicates)]
    parent = raw.get("INHERIT")
    if parent is None:
        return raw, loader.environment, warnings, (config_path,)
    # As MkDocs: the file named, relative to this one, with this one's settings over its
    # own (mappings merged key by key, anything else replaced).
    if not isinstance(parent, str) or not parent.strip():
        raise ConfigError(f"{shown}: INHERIT: must be the path of a configuration file")
    parent_path = Path(os.path.normpath(config_path.parent / parent))
    if parent_path in (*chain, config_path):
        raise ConfigError(f'{shown}: INHERIT: "{parent}" inherits from itself')
    if not parent_path.is_file():
        # MkDocs refuses to build without it; what this file says alone can still be checked.
        missing = (f'{shown}: INHERIT: warning: "{parent}": not found, so MkDocs will not build; '
                   "settings are read from this file alone")
        return raw, loader.environment, [*warnings, missing], (config_path, parent_path)
    shown_parent = Path(os.path.relpath(parent_path, config_path.parent)).as_posix()
    base, environment, more, read = _read(parent_path, shown_parent, (*chain, config_path))
    return _merge(base, raw), {**environment, **loader.environment}, more + warnings, (config_path, *read)


def _merge(base: dict[str, Any], child: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in child.items():
        below = merged.get(key)
        merged[key] = _merge(below, value) if isinstance(below, dict) and isinstance(value, dict) else value
    return merged


def _mapping(value: Any, name: str, problems: list[str]) -> dict[Any, Any]:
    """A setting that holds settings; left empty, none; anything else a problem."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        problems.append(f"{name} must be a mapping of settings")
        return {}
    return value


def _folder(value: Any, name: str, default: str, problems: list[str]) -> str:
    """A folder setting as a path relative to mkdocs.yml; an empty one (``docs_dir:``)
    is the default, as MkDocs takes it."""
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, str | int) or not str(value).strip():
        problems.append(f"{name}: must be the name of a folder, such as {default or 'overrides'}")
        return default
    return str(value)


def _site_url_problem(value: Any) -> str | None:
    """What is wrong with ``site_url``, if anything: each page's address (in the sitemap,
    the feeds, the canonical links) is ``site_url`` with the page's path after it."""
    example = "such as https://user.github.io/archive/"
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        return f"must be the address the site is published at, {example}"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 (a port out of range or not a number raises)
    except ValueError:
        parts = None
    if (parts is None or parts.scheme not in ("http", "https") or not parts.hostname
            or any(c.isspace() or not c.isprintable() for c in value)):
        return f'"{value}" is not an http:// or https:// address, {example}'
    if "?" in value or "#" in value:
        return (f'"{value}" has a query or a fragment (?… or #…), which every page\'s address '
                "would follow; remove it")
    return None


def _folder_problems(settings: Settings, raw: dict[str, Any], ours: dict[str, Any]) -> list[str]:
    """What is wrong with where mkdocs.yml puts the folders. Each build replaces
    ``site_dir`` whole, and the generated folders of ``docs_dir`` (``articles/``,
    ``cities/``, …): one that is, holds or lies in the project's own folders would take
    the user's files with it (``site_dir: .`` would replace mkdocs.yml and the articles)."""
    from dateline.pagekit import GENERATED_ROOTS

    def overlap(one: Path, other: Path) -> bool:
        return one == other or one in other.parents or other in one.parents

    root = Path(os.path.realpath(settings.root))
    site, docs, articles = (Path(os.path.realpath(folder))
                            for folder in (settings.site_dir, settings.docs_dir, settings.articles_dir))
    named = {f'articles ("{ours.get("articles") or "articles"}")': articles,
             f'docs_dir ("{raw.get("docs_dir") or "docs"}")': docs,
             "Dateline's working folder (.dateline)": root / ".dateline"}
    if settings.theme_dir is not None:
        theme = f'theme.custom_dir ("{raw["theme"]["custom_dir"]}")'
        named[theme] = Path(os.path.realpath(settings.theme_dir))
    site_is = f'site_dir: "{raw.get("site_dir") or "site"}"'
    docs_is = f'docs_dir: "{raw.get("docs_dir") or "docs"}"'
    replaced = "each build replaces site_dir whole; give it a folder of its own, such as site"
    if site == root or site in root.parents:
        return [f"{site_is} is or holds the project's own folder: {replaced}"]
    if docs == root or docs in root.parents:
        return [f"{docs_is} is or holds the project's own folder, where each build would replace "
                f"{', '.join(GENERATED_ROOTS)}; give it a folder of its own, such as docs"]
    problems = [f"{site_is} overlaps {name}: {replaced}"
                for name, folder in named.items() if overlap(site, folder)]
    if overlap(docs, articles):
        problems.append(f"{docs_is} overlaps articles: the articles are read from one folder and "
                        "their pages written to the other; keep them apart")
    for generated in GENERATED_ROOTS:
        problems += [f"{docs_is}: its {generated}, which each build replaces, overlaps {name}"
                     for name, folder in named.items()
                     if folder not in (docs, articles) and overlap(docs / generated, folder)]
    return problems


def _plugins(raw: dict[str, Any]) -> tuple[str, ...]:
    """What :attr:`Settings.plugins` says, from mkdocs.yml as read."""
    listed = raw.get("plugins", ["search"])  # MkDocs turns its search on unless told otherwise
    if isinstance(listed, dict):
        names = [str(name) for name in listed]
    elif isinstance(listed, list):
        names = [str(next(iter(entry), "")) if isinstance(entry, dict) else str(entry) for entry in listed]
    else:
        names = [] if listed is None else [str(listed)]
    hooks = raw.get("hooks") or []
    names += [f"hooks: {hook}" for hook in (hooks if isinstance(hooks, list) else [hooks])]
    if raw.get("INHERIT"):
        names.append(f"INHERIT: {raw['INHERIT']}")
    return tuple(names)
