"""Squeezing built pages: indentation goes, nothing a reader sees changes."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from dateline.minify import squeeze


def test_indentation_between_tags_goes() -> None:
    html = "<span>\n    <b>\n      <a href=\"x\">Kabul</a>\n    </b>\n\n\n</span>\n"
    assert squeeze(html) == "<span>\n<b>\n<a href=\"x\">Kabul</a>\n</b>\n</span>\n"


def test_line_breaks_beside_a_block_go() -> None:
    # At the start or the end of a line (and a block starts and ends lines), whitespace
    # is never shown.
    html = "<ul>\n    <li>\n      <a href=\"x\">Kabul</a>\n    </li>\n\n\n</ul>\n"
    assert squeeze(html) == "<ul><li><a href=\"x\">Kabul</a></li></ul>\n"
    assert squeeze("<p>a</p>\n  <p>b</p>\n<hr>\n<p class=\"c\">d</p>") == \
        "<p>a</p><p>b</p><hr><p class=\"c\">d</p>"
    assert squeeze("<!doctype html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>T</title>\n"
                   "<link rel=\"icon\" href=\"i.png\">\n</head>") == \
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>T</title><link rel=\"icon\" href=\"i.png\"></head>"


def test_a_line_break_between_inline_elements_stays() -> None:
    # It shows as a space: "Kabul Herat", not "KabulHerat". Material's tables are inline
    # blocks, side by side like words.
    for html in ("<a href=\"k\">Kabul</a>\n<a href=\"h\">Herat</a>", "<b>a</b>\n<i>b</i>",
                 "</table>\n<table>", "<label>\n<svg></svg>\n<svg></svg>\n</label>",
                 "<pre>x</pre>\n<span>y</span>", "<param>\n<b>", "<predicate>\n<b>"):
        assert squeeze(html) == html


def test_preformatted_text_scripts_styles_and_code_are_kept_exactly() -> None:
    kept = ("<pre><code>def f():\n    return 1\n</code></pre>", "<textarea>\n  a\n</textarea>",
            "<script>\n  const a = `x\n    <div>\n  y`;\n</script>", "<STYLE>\n  p { }\n</STYLE>",
            "<code>a\n    <b>b</b>\n</code>", "<kbd>\n  <kbd>Ctrl</kbd>\n</kbd>")
    for element in kept:
        assert squeeze(f"<span>\n  {element}\n  </span>") == f"<span>\n{element}\n</span>"
        assert squeeze(f"<div>\n  {element}\n  </div>") == f"<div>{element}</div>"


def test_entities_are_left_alone() -> None:
    html = "<title>&lt;img onerror=x&gt; &amp; more</title>\n  <p>a &lt; b</p>"
    assert squeeze(html) == "<title>&lt;img onerror=x&gt; &amp; more</title><p>a &lt; b</p>"


_inline = ["<b>", "</b>", "<a href=\"x\">", "</a>", "word", "two words", " ", "  ", "\n",
           "\n    ", "\t", "\xa0", "<br>", "<pre>\n  x\n</pre>", "<script>\n a\n</script>",
           "<code>\n a </code>", "&amp;", ">", "<"]


def _shown(text: str) -> str:
    return re.sub(r"[ \t\n\r\f]+", " ", text)


@given(st.lists(st.sampled_from(_inline), max_size=30).map("".join))
def test_whitespace_between_inline_elements_is_only_ever_shortened(html: str) -> None:
    # Browsers show any run of whitespace as one space: the squeezed page reads the same.
    assert _shown(squeeze(html)) == _shown(html)


@given(st.lists(st.sampled_from([*_inline, "<p>", "</p>", "<div class=\"d\">", "</div>", "<hr>"]),
                max_size=30).map("".join))
def test_only_whitespace_ever_goes(html: str) -> None:
    squeezed = squeeze(html)
    assert re.sub(r"[ \t\n\r\f]", "", squeezed) == re.sub(r"[ \t\n\r\f]", "", html)
    assert squeeze(squeezed) == squeezed
    # Between two words, or a word and an inline tag, a space is never lost.
    assert _shown(re.sub(r"</?(?:p|div|hr)\b[^>]*>", "|", squeezed)).replace("| ", "|") \
        .replace(" |", "|") == _shown(re.sub(r"</?(?:p|div|hr)\b[^>]*>", "|", html)) \
        .replace("| ", "|").replace(" |", "|")


def test_whitespace_between_two_scripts_is_squeezed_too() -> None:
    html = "<script>a</script>\n      \n        <script src=\"b.js\"></script>\n  </body>"
    assert squeeze(html) == "<script>a</script>\n<script src=\"b.js\"></script></body>"
