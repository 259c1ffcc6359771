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
    """The plugins and hooks mkdocs.yml names (MkDocs' ``search`` when it names no plugins
    at all), and an ``INHERIT``-ed file, whose plugins are not read here. What they write
    is unknown to Dateline, so with any of them every build renders every page, in one
    process (see :func:`dateline.build.run_mkdocs`)."""

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
    config_path = Path(config_file).resolve()
    if config_path.is_dir():
        raise ConfigError(f"{config_file}: is a folder; give the configuration file "
                          f"(--config {Path(config_file) / CONFIG_FILE})")
    if not config_path.is_file():
        raise ConfigError(
            f"{config_file}: not found (run dateline in the folder that holds mkdocs.yml, "
            "or pass --config)"
        )
    try:
        loader = _TolerantLoader(config_path.read_text(encoding="utf-8"))
        try:
            raw = loader.get_single_data()
        finally:
            loader.dispose()
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise ConfigError(f"{config_path.name}: cannot be read: {error}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{config_path.name}: must be a mapping of settings")
    root = config_path.parent
    extra = raw.get("extra") or {}
    ours = extra.get("dateline") or {} if isinstance(extra, dict) else {}
    if isinstance(extra, dict) and "dateline" not in extra:
        # extra is the theme's too (extra.social…); a near miss of ours is not.
        near = [str(key) for key in extra
                if difflib.get_close_matches(str(key).lower(), ["dateline"], cutoff=0.85)]
        if near:
            raise ConfigError(f"{config_path.name}: extra.{near[0]}: did you mean extra.dateline? "
                              "(Dateline's settings are read from there alone)")
    if not isinstance(ours, dict):
        raise ConfigError(f"{config_path.name}: extra.dateline must be a mapping of settings")
    unknown = sorted(set(ours) - _KNOWN)
    if unknown:
        raise ConfigError(
            f"{config_path.name}: extra.dateline: unknown setting {', '.join(unknown)} "
            f"(known: {', '.join(sorted(_KNOWN))})"
        )

    def positive_int(key: str, default: int, least: int = 1) -> int:
        value = ours.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise ConfigError(f"{config_path.name}: extra.dateline.{key}: must be a whole number ≥ {least}")
        return value

    timeout = ours.get("render_timeout", 10)
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not 0 < timeout <= 3600:
        raise ConfigError(f"{config_path.name}: extra.dateline.render_timeout: must be a number of "
                          "seconds above 0 (at most 3600)")
    extensions = raw.get("markdown_extensions") or []
    if not isinstance(extensions, list) or not all(
            isinstance(e, str) or (isinstance(e, dict) and len(e) == 1) for e in extensions):
        raise ConfigError(f"{config_path.name}: markdown_extensions must be a list of names, "
                          "each optionally with its settings")

    theme = raw.get("theme")
    custom_dir = theme.get("custom_dir") if isinstance(theme, dict) else None

    settings = Settings(
        root=root,
        config_file=config_path,
        site_name=str(raw.get("site_name") or "News archive"),
        site_description=str(raw.get("site_description") or ""),
        articles_dir=root / str(ours.get("articles", "articles")),
        docs_dir=root / str(raw.get("docs_dir", "docs")),
        site_dir=root / str(raw.get("site_dir", "site")),
        latest=positive_int("latest", 20),
        feed_articles=positive_int("feed_articles", 20, least=0),
        max_article_bytes=positive_int("max_article_bytes", 2_000_000),
        render_timeout=float(timeout),
        markdown_extensions=tuple(extensions),
        search_period_articles=(positive_int("search_period_articles", 1)
                                if "search_period_articles" in ours else None),
        theme_dir=root / str(custom_dir) if custom_dir else None,
        site_url=str(raw.get("site_url") or ""),
        environment=tuple(sorted(loader.environment.items())),
        plugins=_plugins(raw),
    )
    problems = _folder_problems(settings, raw, ours)
    if problems:
        raise ConfigError("\n".join(f"{config_path.name}: {problem}" for problem in problems))
    return settings


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
    named = {f'articles ("{ours.get("articles", "articles")}")': articles,
             f'docs_dir ("{raw.get("docs_dir", "docs")}")': docs,
             "Dateline's working folder (.dateline)": root / ".dateline"}
    if settings.theme_dir is not None:
        theme = f'theme.custom_dir ("{raw["theme"]["custom_dir"]}")'
        named[theme] = Path(os.path.realpath(settings.theme_dir))
    site_is = f'site_dir: "{raw.get("site_dir", "site")}"'
    docs_is = f'docs_dir: "{raw.get("docs_dir", "docs")}"'
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
