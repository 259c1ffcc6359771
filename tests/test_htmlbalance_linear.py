"""Markup the HTML parser cannot finish (``<a`` never closed, ``a<b`` in prose, a comment
never ended) is checked at once, and ordinary bodies get the same findings as before.

"Before" is :func:`unbalanced` with :func:`dateline.htmlbalance._defused` left out: the
standard library's parser fed the body as it is. No timings here (benchmarks are
scripts); that 100 KB of these shapes finishes at all is the test — before, ``"<a " *
33_000`` took minutes."""

from __future__ import annotations

import random
from unittest import mock

import pytest

from dateline import htmlbalance
from dateline.htmlbalance import unbalanced

UNFINISHED = ["<a ", "<img ", "a<b ", "</a ", "<!-- ", "<a x='>'", "if a<b: s = '>'\n", "<!-- x >",
              "<![CDATA[ >", "<a x=' >\n", "x<y = z >"]
"""Units that, repeated, made the parser read to the end of the body at each ``<``."""


def before(body: str) -> list[tuple[int, str]]:
    with mock.patch.object(htmlbalance, "_defused", lambda text: text):
        return unbalanced(body)


def never_closed(line: int, tag: str) -> tuple[int, str]:
    return (line, f"<{tag}> is never closed, so what follows it on the page would be inside it; "
                  f"close it (</{tag}>)")


@pytest.mark.parametrize("unit", ["<a ", "<img ", "a<b ", "</a ", "<!-- ", "<a x=y z\n"])
def test_100_kb_of_tags_never_ended_holds_no_element(unit: str) -> None:
    assert unbalanced(unit * (100_000 // len(unit))) == []


@pytest.mark.parametrize("unit", ["<a x='>'", "if a<b: s = '>'\n", "<!-- x >", "<![CDATA[ >", "<![if x >"])
def test_100_kb_of_markup_never_finished_before_a_gt_holds_no_element(unit: str) -> None:
    assert unbalanced(unit * (100_000 // len(unit))) == []


def test_what_follows_100_kb_of_a_lt_b_is_still_read_as_before() -> None:
    """The parser reads ``<b a<b a<b … <div>`` as one ``<b>`` tag with 25,000 attributes, as
    it did; an element after a line that ends the comparisons is found at its line."""
    comparisons = "a<b " * 25_000
    assert unbalanced(comparisons + "\n\n<div>\n") == [never_closed(1, "b")]
    assert unbalanced(comparisons + "\n\n<p>a > b</p>\n\n<div>\n") == [never_closed(1, "b"), never_closed(5, "div")]
    assert unbalanced("if a<b: s = '>'\n" * 6_000 + "\n\n<p>x</p>\n<div>\n") == [never_closed(6_004, "div")]


@pytest.mark.parametrize("unit", UNFINISHED)
@pytest.mark.parametrize("tail", ["", "\n\n<div>\n", "\n\n</span> and <b>x</b>\n", "<em>x\n"])
def test_short_runs_of_unfinished_markup_get_the_findings_they_got(unit: str, tail: str) -> None:
    for times in (1, 2, 3, 50):
        body = "Text <div>\n\n" + unit * times + tail
        assert unbalanced(body) == before(body), body


PIECES = ["Text.", "a<b and c>d", "x < y", "1<2", "if a<b: s = '>'", "it's a<b and c's", "<div>", "</div>",
          "<b>bold</b>", "<span class=\"x\">", "</span>", '<a href="/x" title="a > b">link</a>',
          "<a href='x>link</a>", "<em>", "</em>", "<br>", "<br/>", '<img src="x.png" alt="a > b" />',
          "<!-- note -->", "<!-- never ended", "-->", "<![CDATA[ x < y ]]>", "<![CDATA[ open",
          "<script>if (a<b && c>d) {}</script>", "<style>p > a { }</style>", "<script>", "</script>",
          "<table><tr><td>1</td></tr></table>", "<table>", "</table>", "`<div>`", "```", "    <div>",
          "&lt;div&gt;", "&amp;", "<?php x ?>", "<!DOCTYPE html>", "</>", "< div>", "<a\nhref='x'>y</a>",
          "<div\nclass=\"x\">", "<td>", "<q>quote</q>", "=", "'", '"', ">", "<", "", ""]


def ordinary_body(seed: int) -> str:
    chosen = random.Random(seed)
    lines = []
    for _ in range(chosen.randint(1, 14)):
        lines.append(" ".join(chosen.choice(PIECES) for _ in range(chosen.randint(1, 4))))
    return "\n".join(lines) + chosen.choice(["", "\n"])


def test_generated_bodies_get_the_findings_they_got() -> None:
    """Bodies drawn (the same ones every run) from prose with comparisons, pasted HTML with
    quoted ``>``, comments, marked sections, scripts, tables and code, each finished or not."""
    differing = [body for body in map(ordinary_body, range(3_000)) if unbalanced(body) != before(body)]
    assert differing == []


TOKENS = ["<a", "<b", "<div", "</div>", "</b>", "</a>", ">", " ", "\n", "'", '"', "=", "x", "<!--", "-->",
          "<![CDATA[", "]]>", "<script", "</script>", "/", "<style>", "</style>", "<", "a<b", "/>", "<!x",
          "<?", "`", "<span", "</span>", "\x00"]


def test_bodies_of_random_markup_tokens_get_the_findings_they_got() -> None:
    """The one shape read otherwise (a start tag never ended whose quoted value holds a ``>``
    and tags, ``<a x='>1<b>2' y='>``…) takes more than a random draw of tokens."""
    differing = []
    for seed in range(3_000):
        chosen = random.Random(seed)
        body = "".join(chosen.choice(TOKENS) for _ in range(chosen.randint(1, 40)))
        if unbalanced(body) != before(body):
            differing.append(body)
    assert differing == []
