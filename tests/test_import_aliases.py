"""``dateline import`` keeps a post's old addresses: Jekyll's ``permalink`` and
``redirect_from``, Hugo's ``url`` and ``aliases`` become the article's ``aliases:``, each
a page sending readers on to the article's new address once the archive is built."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin

import pytest
from bs4 import BeautifulSoup

from dateline.build import build
from dateline.frontmatter_yaml import parse
from dateline.gazetteer import Gazetteer
from dateline.import_posts import import_folder, post_article
from dateline.load import validate
from tests.projects import PUBLISHED_URL, Project

JEKYLL_POST = "_posts/2021-08-13-kandahar-falls.md"


def jekyll(*lines: str) -> str:
    return "\n".join(["---", "title: Kandahar falls", "date: 2021-08-13", *lines, "---",
                      "Fighting reached Kandahar on Thursday.", ""])


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


def aliases_of(text: str, path: str) -> list[str]:
    """The aliases of an imported article, as ``dateline check`` reads them (none refused)."""
    parsed, problems = parse(text, path)
    assert parsed is not None and not [p for p in problems if p.is_error]
    article, invalid = validate(path, parsed.fields, parsed.body, Path(path).stem)
    assert article is not None and not [p for p in invalid if p.is_error], invalid
    return [alias.path for alias in article.aliases]


def test_jekyll_permalink_and_redirect_from_become_aliases(gazetteer: Gazetteer) -> None:
    post = jekyll("permalink: /2021/08/kandahar-falls.html",
                  "redirect_from:", "  - /news/kandahar/", "  - old/kandahar")
    item, problems = post_article(post, JEKYLL_POST, gazetteer)
    assert problems == [] and item is not None
    head = item.text.split("\n---\n", 1)[0]
    assert head.endswith("\naliases:\n  - /2021/08/kandahar-falls.html\n  - /news/kandahar/\n"
                         "  - /old/kandahar/")
    assert aliases_of(item.text, item.path) == ["2021/08/kandahar-falls.html", "news/kandahar/",
                                                "old/kandahar/"]


@pytest.mark.parametrize(("front", "aliases"), [
    ("redirect_from: /old/kandahar.html", ["old/kandahar.html"]),  # one address, no list
    ('aliases = "/old/herat/"', ["old/herat/"]),  # in TOML too
    ('url = "/2021/herat/"\naliases = ["earlier-herat", "../herat.html", "/posts/herat/"]',
     # Hugo reads an alias without a leading / from the page's folder: the url's here
     ["2021/herat/", "2021/earlier-herat/", "herat.html", "posts/herat/"]),
])
def test_one_address_or_a_list_and_hugos_relative_aliases(gazetteer: Gazetteer, front: str,
                                                          aliases: list[str]) -> None:
    if front.startswith("redirect_from"):
        post, origin = jekyll(front), JEKYLL_POST
    else:
        post, origin = f'+++\ntitle = "Herat"\ndate = 2021-08-12\n{front}\n+++\nIn Herat.\n', "content/posts/herat.md"
    item, problems = post_article(post, origin, gazetteer)
    assert problems == [] and item is not None
    assert aliases_of(item.text, item.path) == aliases


def test_the_new_address_and_repeats_are_left_out_silently(gazetteer: Gazetteer) -> None:
    post = jekyll("permalink: /articles/2021/08/13/kandahar-falls/",
                  "redirect_from: [/articles/2021/08/13/Kandahar-Falls/index.html, /old/, /OLD, /old/index.html]")
    item, problems = post_article(post, JEKYLL_POST, gazetteer)
    assert problems == [] and item is not None
    assert aliases_of(item.text, item.path) == ["old/"]


def test_a_name_with_a_percent_sign_is_kept_as_the_same_name(gazetteer: Gazetteer) -> None:
    item, problems = post_article(jekyll("redirect_from: [/100%25-sure/, /caf%C3%A9/]"), JEKYLL_POST,
                                  gazetteer)
    assert problems == [] and item is not None
    assert "  - /100%25-sure/\n  - /café/\n" in item.text  # the escape of "%" kept, the others read
    assert aliases_of(item.text, item.path) == ["100%-sure/", "café/"]


WARNED = [
    ("redirect_from: https://old.example.org/2021/kandahar/", "redirect_from",
     '"https://old.example.org/2021/kandahar/" is a web address, not a path of this site; not kept as an '
     "alias (write its path in aliases: by hand if the archive replaces that site)"),
    ("redirect_from: /story?id=12", "redirect_from",
     "\"/story?id=12\" has a query (?…), which no page's address has; not kept as an alias"),
    ("redirect_from: /story.php", "redirect_from",
     '"/story.php" ends in ".php": GitHub Pages would not serve a page there as HTML; not kept as an alias'),
    ("redirect_from: /cities/kandahar/", "redirect_from",
     '"/cities/kandahar/" lies where Dateline makes pages of its own (/cities/kandahar/); not kept as an alias'),
    ("redirect_from: [{from: /a/}]", "redirect_from", '{"from": "/a/"} is not an address; not kept as an alias'),
    ("permalink: /:categories/:year/:title.html", "permalink",
     '"/:categories/:year/:title.html" holds placeholders, which the old site\'s configuration fills in; '
     "write the address it gave in aliases: by hand; not kept as an alias"),
    ("aliases: [old-kandahar]", "aliases",
     "\"old-kandahar\" is read by Hugo from the post's own address, which its site's configuration gives; "
     "write the address it makes in aliases: by hand; not kept as an alias"),
]


@pytest.mark.parametrize(("line", "field", "message"), WARNED)
def test_an_address_no_alias_can_keep_is_a_warning_naming_the_post(
        gazetteer: Gazetteer, line: str, field: str, message: str) -> None:
    item, problems = post_article(jekyll(line), JEKYLL_POST, gazetteer)
    assert item is not None and "aliases" not in item.text
    assert [(p.path, p.field, p.message, p.is_error) for p in problems] == [
        (JEKYLL_POST, field, message, False)]


def test_an_address_two_posts_redirect_from_stays_with_the_first(gazetteer: Gazetteer, tmp_path: Path) -> None:
    posts = tmp_path / "_posts"
    posts.mkdir()
    (posts / "2021-08-12-herat.md").write_text("---\ntitle: Herat\nredirect_from: /latest/\n---\nHerat.\n")
    (posts / "2021-08-13-kabul.md").write_text("---\ntitle: Kabul\nredirect_from: [/Latest/, /kabul/]\n---\n"
                                               "Kabul.\n")
    items, problems = import_folder(posts, gazetteer, display="_posts")
    assert [aliases_of(item.text, item.path) for item in items] == [["latest/"], ["kabul/"]]
    assert [(p.path, p.message) for p in problems] == [
        ("_posts/2021-08-13-kabul.md", '"/Latest/" is also an old address of _posts/2021-08-12-herat.md, '
                                       "whose article keeps it; not kept as an alias")]


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.mark.slow
def test_an_imported_site_serves_its_posts_old_addresses(project: Project) -> None:
    project.publish_at()
    write(project.root / "old-blog" / "_posts" / "2021-08-13-kandahar-falls.md", jekyll(
        "permalink: /2021/08/13/kandahar-falls.html",
        "redirect_from:", "  - /news/kandahar/", "  - https://old.example.org/k/"))
    write(project.root / "old-hugo" / "content" / "posts" / "herat" / "index.md",
          '+++\ntitle = "Herat falls"\ndate = 2021-08-12\nurl = "/2021/herat/"\n'
          'aliases = ["herat-old", "/posts/herat/"]\n+++\nIn Herat, calm.\n')
    result = project.run("import", "old-blog/_posts", "old-hugo/content")
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        'old-blog/_posts/2021-08-13-kandahar-falls.md: redirect_from: warning: "https://old.example.org/k/" '
        "is a web address, not a path of this site; not kept as an alias (write its path in aliases: by hand "
        "if the archive replaces that site)"]
    written = {path.relative_to(project.root).as_posix(): path.read_text(encoding="utf-8")
               for path in (project.root / "articles").rglob("*.md")}
    assert sorted(written) == ["articles/2021/08/herat.md", "articles/2021/08/kandahar-falls.md"]
    assert "\naliases:\n  - /2021/08/13/kandahar-falls.html\n  - /news/kandahar/\n---\n" in \
        written["articles/2021/08/kandahar-falls.md"]
    assert "\naliases:\n  - /2021/herat/\n  - /2021/herat-old/\n  - /posts/herat/\n---\n" in \
        written["articles/2021/08/herat.md"]
    checked = project.run("check")
    assert checked.returncode == 0 and checked.stderr == "", checked.stderr

    build(project.settings)
    for old, new in [("2021/08/13/kandahar-falls.html", "articles/2021/08/13/kandahar-falls/"),
                     ("news/kandahar/index.html", "articles/2021/08/13/kandahar-falls/"),
                     ("2021/herat/index.html", "articles/2021/08/12/herat/"),
                     ("2021/herat-old/index.html", "articles/2021/08/12/herat/"),
                     ("posts/herat/index.html", "articles/2021/08/12/herat/")]:
        soup = BeautifulSoup((project.site / old).read_text(encoding="utf-8"), "html.parser")
        refresh = soup.find("meta", attrs={"http-equiv": "refresh"})["content"].removeprefix("0; url=")
        assert urljoin(PUBLISHED_URL + old, refresh) == PUBLISHED_URL + new, old
        assert (project.site / new / "index.html").is_file()
