"""Squeezing built pages: indentation goes, nothing a reader sees changes."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from dateline.minify import squeeze


def test_indentation_between_tags_goes() -> None:
    html = "<ul>\n    <li>\n      <a href=\"x\">Kabul</a>\n    </li>\n\n\n</ul>\n"
    assert squeeze(html) == "<ul>\n<li>\n<a href=\"x\">Kabul</a>\n</li>\n</ul>\n"


def test_preformatted_text_scripts_and_styles_are_kept_exactly() -> None:
    kept = ("<pre><code>def f():\n    return 1\n</code></pre>", "<textarea>\n  a\n</textarea>",
            "<script>\n  const a = `x\n    y`;\n</script>", "<STYLE>\n  p { }\n</STYLE>")
    for element in kept:
        assert squeeze(f"<div>\n  {element}\n  </div>") == f"<div>\n{element}\n</div>"


def test_entities_are_left_alone() -> None:
    html = "<title>&lt;img onerror=x&gt; &amp; more</title>\n  <p>a &lt; b</p>"
    assert squeeze(html) == "<title>&lt;img onerror=x&gt; &amp; more</title>\n<p>a &lt; b</p>"


_piece = st.sampled_from(["<p>", "</p>", "<a href=\"x\">", "</a>", "word", "two words", " ", "  ",
                          "\n", "\n    ", "\t", "\xa0", "<br>", "<pre>\n  x\n</pre>",
                          "<script>\n a\n</script>", "&amp;", ">", "<"])


@given(st.lists(_piece, max_size=30).map("".join))
def test_whitespace_is_only_ever_shortened_never_removed(html: str) -> None:
    # Browsers show any run of whitespace as one space: the squeezed page reads the same.
    def shown(text: str) -> str:
        return re.sub(r"[ \t\n\r\f]+", " ", text)

    assert shown(squeeze(html)) == shown(html)


def test_whitespace_between_two_scripts_is_squeezed_too() -> None:
    html = "<script>a</script>\n      \n        <script src=\"b.js\"></script>\n  </body>"
    assert squeeze(html) == "<script>a</script>\n<script src=\"b.js\"></script>\n</body>"
