"""The command line and mkdocs.yml as a new user meets them: one line per problem, naming
the file and line, every problem at once, and the exit codes 0, 1, 2 and 130."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dateline import cli
from dateline.build import build, check
from dateline.config import load_settings
from dateline.errors import ConfigError, ValidationFailed
from tests.projects import Project, article

MINIMAL = "site_name: An archive\n"


def _config(tmp_path: Path, text: str) -> Path:
    config = tmp_path / "mkdocs.yml"
    config.write_text(text, encoding="utf-8")
    return config


def _refusal(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as raised:
        load_settings(_config(tmp_path, text))
    return str(raised.value)


def test_a_yaml_syntax_error_is_one_line_naming_its_line(tmp_path: Path) -> None:
    said = _refusal(tmp_path, MINIMAL + "extra:\n  dateline:\n\tlatest: 5\n")
    assert said == ("mkdocs.yml:4: invalid YAML: while scanning for the next token, found character '\\t' "
                    "that cannot start any token (YAML is indented with spaces, never tabs)")


def test_an_unclosed_list_is_reported_where_it_began(tmp_path: Path) -> None:
    said = _refusal(tmp_path, MINIMAL + "extra_css: [a.css\nnav:\n  - index.md\n")
    assert "\n" not in said and "<unicode string>" not in said
    assert said.startswith("mkdocs.yml:2: invalid YAML: while parsing a flow sequence, ")


def test_a_control_character_is_named_with_its_line(tmp_path: Path) -> None:
    assert _refusal(tmp_path, MINIMAL + "site_description: a\x07b\n") == (
        "mkdocs.yml:2: invalid YAML: a control character (U+0007) is not allowed; remove it")


def test_an_unreadable_mkdocs_yml_is_a_user_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = _config(tmp_path, MINIMAL)

    def refuse(*_args: object, **_kwargs: object) -> str:
        raise PermissionError(errno.EACCES, "Permission denied", str(config))

    monkeypatch.setattr(Path, "read_text", refuse)
    with pytest.raises(ConfigError, match=r"^mkdocs.yml: cannot be read \(Permission denied\)$"):
        load_settings(config)


def test_a_key_given_twice_is_a_warning_naming_both_lines(tmp_path: Path) -> None:
    """PyYAML, and so MkDocs, keeps the last: a second extra: block drops the first's settings."""
    config = _config(tmp_path, MINIMAL + "extra:\n  dateline:\n    latest: 5\n"
                                         "site_name: Again\nextra:\n  generator: false\n")
    settings = load_settings(config)
    assert settings.latest == 20 and settings.site_name == "Again"
    assert settings.warnings == (
        "mkdocs.yml:5: site_name: warning: appears twice (first on line 1); "
        "only the last is read, by Dateline and MkDocs alike",
        "mkdocs.yml:6: extra: warning: appears twice (first on line 2); "
        "only the last is read, by Dateline and MkDocs alike")


def test_yaml_merge_keys_are_no_duplicates(tmp_path: Path) -> None:
    config = _config(tmp_path, MINIMAL + "base: &base\n  a: 1\n  b: 2\nother:\n  <<: *base\n  a: 3\n")
    assert load_settings(config).warnings == ()


def test_every_settings_problem_is_reported_at_once(tmp_path: Path) -> None:
    said = _refusal(tmp_path, MINIMAL + textwrap.dedent("""\
        site_url: example.org
        extra:
          dateline:
            latest: 0
            feed_articles: -1
            render_timeout: 0
            bogus: 1
        """))
    assert said.splitlines() == [
        "mkdocs.yml: extra.dateline: unknown setting bogus (known: articles, feed_articles, latest, "
        "max_article_bytes, render_timeout, search_period_articles)",
        "mkdocs.yml: extra.dateline.latest: must be a whole number ≥ 1",
        "mkdocs.yml: extra.dateline.feed_articles: must be a whole number ≥ 0",
        "mkdocs.yml: extra.dateline.render_timeout: must be a number of seconds above 0 (at most 3600)",
        'mkdocs.yml: site_url: "example.org" is not an http:// or https:// address, '
        "such as https://user.github.io/archive/",
    ]


@pytest.mark.parametrize(("site_url", "said"), [
    ("not a url", '"not a url" is not an http:// or https:// address'),
    ("ftp://example.org/archive/", "is not an http:// or https:// address"),
    ("https://", "is not an http:// or https:// address"),
    ("https://example.org:99999/", "is not an http:// or https:// address"),
    ("https://example.org/my archive/", "is not an http:// or https:// address"),
    ("https://example.org/archive/?utm=x", "has a query or a fragment"),
    ("https://example.org/archive/#top", "has a query or a fragment"),
    ("5", "must be the address the site is published at"),
    ("[https://example.org/]", "must be the address the site is published at"),
])
def test_site_url_must_be_an_address_pages_can_follow(tmp_path: Path, site_url: str, said: str) -> None:
    """Each page's address in the sitemap, the feeds and the canonical links is site_url
    with the page's path after it: `https://x/?utm=x` made `https://x/?utm=x/articles/…`."""
    refusal = _refusal(tmp_path, f"{MINIMAL}site_url: {site_url}\n")
    assert refusal.startswith("mkdocs.yml: site_url: ") and said in refusal, refusal


@pytest.mark.parametrize("site_url", ["https://example.org/archive/", "http://localhost:8000", "''",
                                      "!ENV [DATELINE_TEST_NO_SUCH_VARIABLE]",
                                      "!ENV [DATELINE_TEST_NO_SUCH_VARIABLE, 'https://e.org/a/']"])
def test_site_urls_that_are_fine(tmp_path: Path, site_url: str) -> None:
    load_settings(_config(tmp_path, f"{MINIMAL}site_url: {site_url}\n"))


@pytest.mark.parametrize(("setting", "said"), [
    ("extra: [1]", "mkdocs.yml: extra must be a mapping of settings"),
    ("extra:\n  dateline: [1]", "mkdocs.yml: extra.dateline must be a mapping of settings"),
    ("docs_dir: [a]", "mkdocs.yml: docs_dir: must be the name of a folder, such as docs"),
    ("site_dir: {a: 1}", "mkdocs.yml: site_dir: must be the name of a folder, such as site"),
    ("extra:\n  dateline:\n    articles: [a]",
     "mkdocs.yml: extra.dateline.articles: must be the name of a folder, such as articles"),
    ("site_name: {a: 1}", "mkdocs.yml: site_name: must be text"),
    ("use_directory_urls: false", "mkdocs.yml: use_directory_urls: false is not supported: Dateline's pages, "
     "feeds and search link to each page's folder; remove the setting"),
])
def test_settings_of_the_wrong_kind_are_named(tmp_path: Path, setting: str, said: str) -> None:
    assert _refusal(tmp_path, f"{MINIMAL}{setting}\n") == said


def test_folders_left_empty_are_the_defaults_as_mkdocs_takes_them(tmp_path: Path) -> None:
    settings = load_settings(_config(tmp_path, MINIMAL + "docs_dir:\nsite_dir:\nextra:\n  dateline:\n"
                                                         "    articles:\n"))
    assert (settings.docs_dir, settings.site_dir, settings.articles_dir) == (
        tmp_path / "docs", tmp_path / "site", tmp_path / "articles")


runner = CliRunner()


def test_a_message_on_line_100_is_not_an_emoji(tmp_path: Path) -> None:
    """Rich reads ":100:" as an emoji code: "mkdocs.yml:100:" was printed "mkdocs.yml💯"."""
    config = _config(tmp_path, MINIMAL + "#\n" * 98 + "\tnav: []\n")
    done = runner.invoke(cli.app, ["check", "--config", str(config)])
    assert done.exit_code == 1
    assert done.stderr.startswith("mkdocs.yml:100: invalid YAML: "), done.stderr


def test_h_is_help_and_config_file_is_config(tmp_path: Path) -> None:
    for command in ([], ["build"], ["check"], ["demo"]):
        done = runner.invoke(cli.app, [*command, "-h"])
        assert done.exit_code == 0 and "Usage: " in done.stdout, done.output
    config = _config(tmp_path, MINIMAL + "extra:\n  dateline:\n    latst: 1\n")
    done = runner.invoke(cli.app, ["check", "--config-file", str(config)])
    assert done.exit_code == 1 and done.stderr.startswith("mkdocs.yml: extra.dateline: unknown setting latst")


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    for arguments in (["bulid"], ["build", "--bogus"], ["demo"], ["serve", "--port", "99999"]):
        assert runner.invoke(cli.app, arguments).exit_code == 2, arguments


def test_a_config_given_to_annotate_or_audit_must_exist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Given a mistyped --config, they went on without the project (its places.yml, its
    site_url) and said nothing."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "index.html").write_text("<html></html>", encoding="utf-8")
    (tmp_path / "a.md").write_text(article(), encoding="utf-8")
    for arguments in (["annotate", "-f", "nosuch.yml", "a.md"], ["audit", "-f", "nosuch.yml", "--site", "site"]):
        done = runner.invoke(cli.app, arguments)
        assert done.exit_code == 1, (arguments, done.output)
        assert done.stderr.startswith("nosuch.yml: not found"), done.stderr


def test_a_write_the_system_refuses_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """A read-only project, or a full disk: a line naming the file, exit 1, no traceback."""
    project = Project(tmp_path)
    project.write("a.md", article())
    monkeypatch.chdir(tmp_path)
    lock = tmp_path / ".dateline" / "build.lock"

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.EROFS, "Read-only file system", str(lock))

    monkeypatch.setattr(cli, "build_site", refuse)
    monkeypatch.setattr(sys, "argv", ["dateline", "build"])
    with pytest.raises(SystemExit) as ended:
        cli.main()
    assert ended.value.code == 1
    assert capsys.readouterr().err == (".dateline/build.lock: Read-only file system; check the permissions "
                                       "of the file and its folder, then run it again\n")


def test_an_oserror_of_dateline_s_own_making_keeps_its_traceback(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Project(tmp_path).write("a.md", article())
    monkeypatch.chdir(tmp_path)

    def fail(*_args: object, **_kwargs: object) -> None:
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", "nowhere")

    monkeypatch.setattr(cli, "build_site", fail)
    monkeypatch.setattr(sys, "argv", ["dateline", "build"])
    with pytest.raises(FileNotFoundError):
        cli.main()


INTERRUPT_WHILE_STARTING = """
import os, runpy, signal, sys

class Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == "dateline.build":  # one of the command line's slow imports
            os.kill(os.getpid(), signal.SIGINT)
        return None

sys.meta_path.insert(0, Interrupt())
sys.argv = ["dateline", "check"]
runpy.run_module("dateline", run_name="__main__")
"""


def test_ctrl_c_while_starting_exits_130_without_a_traceback(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", INTERRUPT_WHILE_STARTING], cwd=tmp_path,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 130 and done.stderr == "", done.stderr


def test_the_cli_prints_a_duplicate_key_warning_and_goes_on(tmp_path: Path) -> None:
    project = Project(tmp_path)
    project.write("a.md", article())
    config = project.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "site_name: Again\n", encoding="utf-8")
    done = project.run("check")
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("mkdocs.yml:") and "site_name: warning: appears twice (first on line " in done.stderr
    assert "Traceback" not in done.stderr


def test_a_terminal_without_unicode_gets_question_marks_not_a_traceback(tmp_path: Path) -> None:
    """A file name, "→" in the build's summary: an ASCII or Latin-1 terminal made them a
    UnicodeEncodeError (after the build, whose summary it was)."""
    (tmp_path / "café.md").write_text(article(), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "dateline", "annotate", "café.md"], cwd=tmp_path,
                          capture_output=True, check=False, env={**os.environ, "PYTHONIOENCODING": "ascii"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode("ascii") == "caf?.md: nothing to add\n"


def test_a_file_in_the_way_of_the_working_folder_is_named(tmp_path: Path) -> None:
    project = Project(tmp_path)
    project.write("a.md", article())
    (tmp_path / ".dateline").write_text("mine", encoding="utf-8")
    done = project.run("build")
    assert done.returncode == 1
    assert done.stderr == (".dateline: File exists; a file is in the way of a folder Dateline writes; "
                           "move it away, then run it again\n")
    assert (tmp_path / ".dateline").read_text(encoding="utf-8") == "mine" and not project.site.exists()


def test_inherit_is_read_as_mkdocs_reads_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """MkDocs builds with the file INHERIT names under this one's settings; Dateline read
    this one alone: extra.dateline, docs_dir, site_url and the Markdown extensions of the
    shared file were lost (articles read from the wrong folder, or none)."""
    monkeypatch.setenv("DATELINE_TEST_BASE_URL", "https://example.org/base/")
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "base.yml").write_text(textwrap.dedent("""\
        site_name: Base
        site_url: !ENV DATELINE_TEST_BASE_URL
        docs_dir: pages
        markdown_extensions: [toc]
        extra:
          generator: false
          dateline:
            articles: news
            latest: 5
        """), encoding="utf-8")
    settings = load_settings(_config(tmp_path, "INHERIT: shared/base.yml\nsite_name: Child\n"
                                                "extra:\n  dateline:\n    latest: 7\n"))
    assert (settings.site_name, settings.site_url, settings.latest) == ("Child", "https://example.org/base/", 7)
    assert (settings.articles_dir, settings.docs_dir) == (tmp_path / "news", tmp_path / "pages")
    assert settings.markdown_extensions == ("toc",)
    assert settings.environment == (("DATELINE_TEST_BASE_URL", "https://example.org/base/"),)
    assert "INHERIT: shared/base.yml" in settings.plugins  # its plugins are unknown: every page rendered


def test_an_inherit_that_leads_nowhere_or_round_is_named(tmp_path: Path) -> None:
    assert load_settings(_config(tmp_path, "INHERIT: nosuch.yml\n")).warnings == (
        'mkdocs.yml: INHERIT: warning: "nosuch.yml": not found, so MkDocs will not build; '
        "settings are read from this file alone",)
    (tmp_path / "base.yml").write_text("INHERIT: mkdocs.yml\n", encoding="utf-8")
    assert _refusal(tmp_path, "INHERIT: base.yml\n") == 'base.yml: INHERIT: "mkdocs.yml" inherits from itself'
    (tmp_path / "base.yml").write_text("site_name: [a\n", encoding="utf-8")
    assert _refusal(tmp_path, "INHERIT: base.yml\n").startswith("base.yml:1: invalid YAML: ")


def test_an_articles_setting_naming_a_file_says_so(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "articles").write_text("not a folder\n", encoding="utf-8")
    settings = load_settings(_config(tmp_path, MINIMAL))
    with pytest.raises(ValidationFailed) as failed:
        check(settings)
    assert [str(p) for p in failed.value.problems] == ["articles: articles: is a file, not a folder"]


@pytest.mark.slow
def test_a_change_to_the_inherited_file_is_built(project: Project) -> None:
    """A build after a change must notice the file ``INHERIT`` names, as MkDocs reads it."""
    config = project.root / "mkdocs.yml"
    lines = config.read_text(encoding="utf-8").splitlines(keepends=True)
    shared = [line for line in lines if line.startswith("site_name:")]
    (project.root / "base.yml").write_text("".join(shared) + "copyright: Old notice\n", encoding="utf-8")
    config.write_text("INHERIT: base.yml\n" + "".join(line for line in lines if line not in shared),
                      encoding="utf-8")
    project.write("a.md", article(title="Kabul", date="2021-08-13", cities="[Kabul]"))
    build(project.settings)
    (project.root / "base.yml").write_text("".join(shared) + "copyright: New notice\n", encoding="utf-8")
    build(project.settings)
    assert "New notice" in (project.site / "articles" / "2021" / "08" / "13" / "a" / "index.html").read_text(
        encoding="utf-8")


def test_serve_builds_again_after_a_change_to_the_inherited_file(tmp_path: Path) -> None:
    from dateline.serve import is_source

    (tmp_path / "base.yml").write_text("site_name: Base\n", encoding="utf-8")
    settings = load_settings(_config(tmp_path, "INHERIT: base.yml\n"))
    assert is_source(tmp_path / "base.yml", settings)
    assert not is_source(tmp_path / "other.yml", settings)


def test_check_says_docs_dir_is_missing_with_the_articles_problems(project: Project) -> None:
    shutil.rmtree(project.root / "docs")
    project.write("a.md", article(title="Kabul", date="2021-13-40", cities="[Kabul]"))
    with pytest.raises(ValidationFailed) as failed:
        check(project.settings)
    assert [str(p).split(":")[0] for p in failed.value.problems] == ["articles/a.md", "mkdocs.yml"]
    assert 'docs_dir: "docs": no such folder' in str(failed.value.problems[1])
