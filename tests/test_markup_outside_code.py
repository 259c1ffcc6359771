"""Markup shown as code, or as text, is no markup: what ``dateline check`` and the article
page's headings take for HTML and images is what the site's Python-Markdown renders as
such (indented code blocks, backslash escapes, ``<img>`` attributes)."""

from __future__ import annotations

import functools
import random
import re
from html.parser import HTMLParser

import markdown
import pytest

from dateline.archive import load_archive
from dateline.config import load_settings
from dateline.htmlbalance import unbalanced
from dateline.mdcode import in_code
from dateline.pages import demote_headings
from tests.projects import REPO, Project, article

IMAGE_WARNING = ("body: warning: an image without alternative text (![words for it](…), or alt=\"…\"): "
                 "readers who cannot see it, and search engines, get nothing")


@functools.cache
def site_renderer() -> markdown.Markdown:
    """Python-Markdown with the extensions of the repository's mkdocs.yml, as the site has."""
    names, configs = load_settings(REPO / "mkdocs.yml").extensions()
    return markdown.Markdown(extensions=names, extension_configs=configs)


def rendered(body: str) -> str:
    return str(site_renderer().reset().convert(body))


def warnings_of(project: Project, body: str, about: str = "") -> list[str]:
    """What ``dateline check`` says of an article with ``body`` (what it says ``about`` that)."""
    project.write("story.md", article(body=body))
    _archive, problems = load_archive(project.settings)
    return [str(problem) for problem in problems if about in problem.message]


def never_closed(line: int, tag: str) -> str:
    return (f"articles/story.md:{line}: body: warning: <{tag}> is never closed, so what follows it on the "
            f"page would be inside it; close it (</{tag}>)")


# 1. Indented code blocks -------------------------------------------------------------

def test_html_shown_in_an_indented_code_block_is_not_checked(project: Project) -> None:
    body = ("To put a map in a box, the page's source has:\n\n"
            "    <div class=\"box\">\n    <img src=\"map.png\">\n\n"
            "\tor, indented with a tab, <table>\n\nThe end.\n")
    assert warnings_of(project, body) == []


def test_indented_html_in_a_list_item_or_a_paragraph_is_html_and_is_checked(project: Project) -> None:
    # Python-Markdown reads an indented block after a list as more of its last item, and an
    # indented line right after a paragraph's as more of the paragraph: both are HTML.
    body = ("- A list item\n\n    <div class=\"box\">\n\n"
            "A paragraph\n    <table><tr><td>cell\n\n"
            "[^1]: A note\n\n    <span>more of the note, not code\n")
    assert warnings_of(project, body) == [
        never_closed(9, "div"), never_closed(12, "table"), never_closed(16, "span")]


def test_an_image_in_an_indented_code_block_is_no_image(project: Project) -> None:
    body = "Write an image so:\n\n    <img src=x.png>\n    ![](x.png)\n\n- but here\n\n    <img src=y.png>\n"
    assert warnings_of(project, body, "alternative text") == [f"articles/story.md:14: {IMAGE_WARNING}"]


def test_an_h1_shown_in_an_indented_code_block_is_no_heading_to_step_down() -> None:
    body = "Lede.\n\n## Section\n\nA headline's HTML:\n\n    <h1>Title</h1>\n\n\t<h1>Again</h1>\n"
    assert demote_headings(body) == body
    html = rendered(body)
    assert '<h2 id="section">Section' in html and "<code>&lt;h1&gt;Title&lt;/h1&gt;" in html


def test_a_line_of_equals_signs_under_code_is_no_heading_to_step_down() -> None:
    body = "Lede.\n\n    x = 1\n===\n\n## Section\n"
    assert demote_headings(body) == body
    html = rendered(body)
    assert "<h1" not in html and "<p>===</p>" in html and '<h2 id="section">' in html


def test_an_h1_in_a_list_item_continuation_is_a_heading_and_steps_down() -> None:
    body = "Lede.\n\n- A list\n\n    <h1>Real</h1>\n\n## Section\n"
    assert demote_headings(body) == "Lede.\n\n- A list\n\n    <h2>Real</h2>\n\n### Section\n"


class _Words(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.blocks = 0
        self.shown: set[int] = set()
        self.in_code: set[int] = set()
        self.in_code_block: set[int] = set()
        """The words in ``<pre>``: not those of code spans."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.depth += tag == "code"
        self.blocks += tag == "pre"

    def handle_endtag(self, tag: str) -> None:
        self.depth -= tag == "code"
        self.blocks -= tag == "pre"

    def handle_data(self, data: str) -> None:
        words = {int(word) for word in re.findall(r"\bw(\d+)\b", data)}
        self.shown |= words
        if self.depth:
            self.in_code |= words
        if self.blocks:
            self.in_code_block |= words


def shown_as_code(body: str) -> list[int]:
    """The lines of ``body`` (0-based) whose word ``w<line>`` the site's renderer puts in
    ``<code>``: its own reading of the body, to hold :func:`in_code` to."""
    return sorted(_words(body).in_code)


def _words(body: str) -> _Words:
    words = _Words()
    words.feed(rendered(body))
    words.close()
    return words


def numbered(lines: list[str]) -> str:
    """``lines`` with each ``@`` a word naming its line: ``w3`` on line 3."""
    return "\n".join(line.replace("@", f"w{index}") for index, line in enumerate(lines))


@pytest.mark.parametrize(("lines", "code"), [
    (["Text @", "", "    code @", "    more @", "", "        still @", "Text @"], [2, 3, 5]),
    (["Text @", "    lazy @"], []),
    (["# Heading @", "    code @"], [1]),
    (["Setext @", "------", "    code @"], [2]),
    (["***", "    code @"], [1]),
    (["- item @", "", "    continued @", "", "        code @", "", "    continued @"], [4]),
    (["- item @", "    - nested @", "", "        continued @", "", "            code @"], [5]),
    (["1. item @", "", "    continued @", "", "Text @", "", "    code @"], [6]),
    (["> quote @", ">", ">     code @", "    lazy @"], [2, 3]),
    (["> quote @", "    lazy @"], []),
    (["[^1]: note @", "", "    more of it @", "", "        code in it @", "", "", "    code @"], [4, 7]),
    (["[link]: http://example.org/@", "    code @"], [1]),
    (["[link]: http://example.org/@", '    "its title"', "Text @"], []),
    (["<div>", "", "    raw @", "", "</div>", "    code @"], [5]),
    (["Text @", "  <div>raw @</div>", "    code @"], [2]),  # an HTML block ends the paragraph
    (['<div markdown="1">', "", "    code @", "", "</div>"], [2]),
    (["```", "fenced @", "```", "    code @"], [1, 3]),
    (["| a | b @ |", "|---|---|", "    | row @ |"], []),
    (["Text @", "", "\tcode @", "  \tcode @", " \t"], [2, 3]),
])
def test_in_code_reads_indented_code_as_python_markdown_does(lines: list[str], code: list[int]) -> None:
    body = numbered(lines)
    assert shown_as_code(body) == code
    assert [index for index, shown in enumerate(in_code(body.split("\n"))) if shown and "@" in lines[index]] == code


def test_in_code_agrees_with_python_markdown_on_mixed_bodies() -> None:
    """Bodies drawn (the same ones every run) from lines of every kind Python-Markdown's
    block parser tells apart, indented in every way, with fences closed, left open,
    indented or not matching: it and :func:`in_code` agree on each line shown in a code
    block. (Backticks left as text make code spans: :func:`without_code` blanks those.)"""
    kinds = ["Text @", "Text @", "- @", "1. @", "* @", "> @", ">     @", "> - @", "# @", "[^1]: @",
             "[r@]: http://x.org/@", "<div>@", "</div>", "---", "***", "===", "", "", "", "", "<p>@</p>",
             "@ <span>x</span>", "-     @", "> > @", "FENCE", "| a | @ |", "|---|---|", "@ `x` y",
             "OPEN", "INDENTED", "~~~", "````", "```", "```py @"]
    indents = ["", "", "", "  ", "    ", "    ", "      ", "        ", "\t", "  \t", "            "]
    for seed in range(600):
        chosen = random.Random(seed)
        lines: list[str] = []
        for _ in range(chosen.randint(2, 12)):
            kind = chosen.choice(kinds)
            if kind == "FENCE":
                lines += ["```", "fenced @", "```"]
            elif kind == "OPEN":  # a fence never closed, unless a later one closes it
                lines += [chosen.choice(["```", "~~~", "```python"]), "open @"]
            elif kind == "INDENTED":  # 1 to 3 spaces: no fence for Python-Markdown
                indent = " " * chosen.randint(1, 3)
                lines += [f"{indent}```", f"{indent}fenced @", f"{indent}```"]
            else:
                lines.append(chosen.choice(indents) + kind if kind else "")
        body = numbered(lines)
        words = _words(body)  # a reference definition's words are not shown: not compared
        assert sorted(words.in_code_block) == [
            index for index, shown in enumerate(in_code(body.split("\n"))) if shown and index in words.shown], body


# 2. Backslash escapes ----------------------------------------------------------------

def test_a_div_after_a_backslash_is_an_element_and_is_checked(project: Project) -> None:
    # "<" is not among the characters Python-Markdown escapes: "\<div>" is a backslash
    # and a <div>, which takes the rest of the page into it.
    body = "Write \\<div> to open a box.\n\nThe end.\n"
    assert "<div> to open a box" in rendered(body)
    assert warnings_of(project, body) == [never_closed(7, "div")]


def test_a_backtick_after_a_backslash_opens_no_code_span(project: Project) -> None:
    body = "Quote \\`<div>\\` here, and `<table>` in code.\n\nThe end.\n"
    assert "<div>" in rendered(body)
    assert warnings_of(project, body) == [never_closed(7, "div")]
    assert unbalanced("Two backslashes, then code: \\\\`<div>`\n") == []


def test_an_exclamation_mark_after_a_backslash_is_text_before_a_link(project: Project) -> None:
    body = "Not an image: \\![](a.png).\n\nAn image: \\\\![](b.png).\n"
    html = rendered(body)
    assert '!<a href="a.png">' in html and 'src="b.png"' in html
    assert warnings_of(project, body, "alternative text") == [f"articles/story.md:9: {IMAGE_WARNING}"]


# 3. The alt attribute ----------------------------------------------------------------

def test_an_alt_without_a_value_is_an_empty_alt_and_data_alt_is_no_alt(project: Project) -> None:
    body = ("<img src=rule.png alt> <img src=rule.png ALT/> <img alt src=rule.png>\n\n"
            '<img data-alt="A map" src=map.png>\n\n<img title="alt=x" src=map.png>\n\n'
            '<img src="alt=.png">\n\n<img src=map.png alt="A map">\n')
    assert 'alt=""' in rendered("<img src=rule.png alt>")
    assert warnings_of(project, body, "alternative text") == [
        f"articles/story.md:{line}: {IMAGE_WARNING}" for line in (9, 11, 13)]
