"""Take the indentation out of the built pages: about 2.6 KB less on every page.

Material's templates indent deeply: an article page carried 14 KB besides its own text
(measured, ``benchmarks/build.py``), and the line breaks and indentation between tags
were 2.6 KB of it. Removing them took a page to 12 KB besides its text; drawing the
icons from the stylesheet and not inlining Material's palette script and search settings
(``overrides/``, README's Configuration) took it to 8.8 KB.

Only whitespace that cannot change what a reader sees goes:

- a run of whitespace holding a line break, right after a tag or right before one, becomes
  one line break (HTML shows any run of whitespace between words as one space);
- that line break goes too when it stands between two tags and one of them opens or
  closes a block (``<div>``, ``<p>``, ``<li>``, …; :data:`BLOCKS`): whitespace at the
  start or end of a line is never shown, and a block starts and ends lines. In the head,
  ``<meta>``, ``<link>`` and ``<title>`` are never shown at all. This took 141 bytes more
  from each page of the 10,109-article demo (1.75 MB, 0.17 KB per article);
  ``tests/browser/test_theme.py`` compares screenshots of pages with and without them.

``<pre>``, ``<textarea>``, ``<script>``, ``<style>``, ``<code>`` and ``<kbd>`` (Material sets
code in ``pre-wrap``, where whitespace shows) are left exactly as they are. Entities are
not touched: minify-html was
measured too (3.3 KB less) but writes ``<title>`` text with bare ``<`` (valid, as a title
holds only text), which lychee and Python's HTML parser read as tags, so the site audit
would report a title such as ``<img onerror=…>`` as an event handler.

``dateline build`` squeezes each page in the MkDocs process that renders it, before it is
written (see :mod:`dateline.mkdocs_run`).
"""

from __future__ import annotations

import re

VERBATIM = ("pre", "textarea", "script", "style", "code", "kbd")
"""Elements whose whitespace is kept exactly."""

BLOCKS = ("address", "article", "aside", "blockquote", "body", "dd", "details", "div", "dl",
          "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
          "h5", "h6", "head", "header", "hr", "html", "li", "main", "nav", "ol", "p",
          "section", "summary", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
          # Never shown; Dateline writes them only into the head (the sanitiser takes
          # them out of articles).
          "base", "link", "meta", "title")
"""Elements beside whose tags a line break is never shown: blocks in HTML and in
Material's stylesheet (its ``<table>`` is an inline block, so it is not here), and the
head's elements."""

_VERBATIM = re.compile(rf"(<({'|'.join(VERBATIM)})\b.*?</\2\s*>)", re.DOTALL | re.IGNORECASE)
# HTML's whitespace only: a no-break space (which Python's \s would match) is text.
_AFTER_TAG = re.compile(r">[ \t\r\f]*\n[ \t\n\r\f]*")
_BEFORE_TAG = re.compile(r"[ \t\r\f]*\n[ \t\n\r\f]*<")
_BLOCK = rf"</?(?:{'|'.join(BLOCKS)})(?=[\s/>])"
# A line break between two tags, one of them a block's: after the block's tag, or before
# it. Two patterns, each starting with a fixed character, are quicker than one.
_AFTER_BLOCK = re.compile(rf"({_BLOCK}[^<>]*>)\n(?=<)", re.IGNORECASE)
_BEFORE_BLOCK = re.compile(rf">\n(?={_BLOCK})", re.IGNORECASE)


def squeeze(html: str) -> str:
    """``html`` without the indentation and blank lines between its tags, nor the line
    breaks beside blocks' tags."""
    parts = _VERBATIM.split(html)  # text, verbatim element, its name, text, …
    out = []
    for index in range(0, len(parts), 3):
        # A verbatim element is a tag too: its neighbours' whitespace is squeezed as well.
        before = ">" if index else ""
        after = "<" if index + 1 < len(parts) else ""
        text = _BEFORE_TAG.sub("\n<", _AFTER_TAG.sub(">\n", before + parts[index] + after))
        text = _BEFORE_BLOCK.sub(">", _AFTER_BLOCK.sub(r"\1", text))
        out.append(text[len(before):len(text) - len(after)])
        if after:
            out.append(parts[index + 1])
    return "".join(out)
