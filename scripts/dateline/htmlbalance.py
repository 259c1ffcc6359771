"""HTML in an article's body that is opened and never closed, or closed and never opened.

An article's body is placed inside its page, between the headline and the links to the
neighbouring articles, and, for an article in another language, inside an element that
marks it so. Python-Markdown reads an HTML block up to its closing tag, so a ``<table>``
left open takes the rest of the page into it (the links below print as raw Markdown),
and a stray ``</div>`` closes the page's own element. Browsers mend neither. Pasted
HTML is where this comes from; ``dateline check`` says where.

The standard library's parser is quadratic on markup it cannot finish: at a ``<a`` whose
tag never ends it reads on for the ``>`` (to the end of the body, or across quoted values),
gives up, takes the text up to the next ``>`` as text, and reads on again from the next
``<``. So :func:`_defused` first hands it a copy in which each ``<`` it would give up on is
already text. Measured (Python 3.11, ``unbalanced(unit * n)`` under ``time.perf_counter``):
``"<a "`` repeated to 20 KB took 4.6 s (100 KB: minutes), now 0.2 ms (2 MB: 13 ms);
``"if a<b: s = '>'\n"`` to 50 KB took 4 s, now 12 ms (2 MB: 0.7 s).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from dateline.mdcode import without_code

CHECKED = frozenset({
    # blocks
    "address", "article", "aside", "blockquote", "center", "details", "div", "dl", "fieldset",
    "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "main", "nav", "ol", "pre", "section", "summary", "table", "ul",
    # inline elements a browser carries on into the next paragraphs, or that hold text
    "a", "abbr", "b", "big", "cite", "code", "del", "em", "font", "i", "ins", "kbd", "mark",
    "nobr", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time", "tt",
    "u", "var",
})  # fmt: skip
"""Elements whose closing tag HTML requires. Not those it lets be left out (``p``, ``li``,
``td``, ``tr``…) nor those that have none (``br``, ``img``…)."""


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[tuple[str, int]] = []
        self.unclosed: list[tuple[str, int]] = []
        self.stray: list[tuple[str, int]] = []
        self.opened: dict[str, int] = dict.fromkeys(CHECKED, 0)
        """How many of each element are in :attr:`open`: a closing tag that closes none
        is told at once, not by reading all that is open (10,000 ``<div>`` then 10,000
        ``</span>`` took 4 s)."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in CHECKED:
            self.open.append((tag, self.getpos()[0]))
            self.opened[tag] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag not in CHECKED:
            return
        if not self.opened[tag]:
            self.stray.append((tag, self.getpos()[0]))
            return
        for index in range(len(self.open) - 1, -1, -1):
            if self.open[index][0] == tag:
                # What is still open inside was never closed: a browser ends some of it
                # here, carries formatting on into the paragraphs after, and keeps a
                # table open.
                for closed, _line in self.open[index:]:
                    self.opened[closed] -= 1
                self.unclosed += self.open[index + 1:]
                del self.open[index:]
                return


def unbalanced(body: str) -> list[tuple[int, str]]:
    """HTML elements of ``body`` left open or closed without being opened, outside code,
    as (line within the body, message), in the order of the lines."""
    if "<" not in body:
        return []
    tags = _Tags()
    try:
        tags.feed(_defused(without_code(body)))
        tags.close()
    except (AssertionError, ValueError):
        pass  # markup the parser gives up on (a pasted "<![foo["): judged as far as it read
    found = [(line, f"<{tag}> is never closed, so what follows it on the page would be inside it; "
                    f"close it (</{tag}>)") for tag, line in [*tags.unclosed, *tags.open]]
    found += [(line, f"</{tag}> closes nothing the article opened, and would close a part of "
                     "the page around it; remove it") for tag, line in tags.stray]
    return sorted(found)


_START_TAG = re.compile(r"""
  <[a-zA-Z][^\t\n\r\f />\x00]*
  (?:[\s/]*
    (?:(?<=['"\s/])[^\s/>][^\s/=>]*
      (?:\s*=+\s*(?:'[^']*'|"[^"]*"|(?!['"])[^>\s]*)\s*)?(?:\s|/(?!>))*
     )*
   )?
  \s*
""", re.VERBOSE)
"""Where the parser takes a start tag to end: a copy of ``html.parser``'s own
``locatestarttagend_tolerant`` (Python 3.11), which the module does not promise to keep."""
_TAG_NAME = re.compile(r"[a-zA-Z][^\t\n\r\f />\x00]*")
_COMMENT_END = re.compile(r"--\s*>")
_SECTION_NAME = re.compile(r"([a-zA-Z][-_.a-zA-Z0-9]*)")
_CDATA_END = re.compile(r"]\s*]\s*>")
_MS_END = re.compile(r"]\s*>")
_SECTION_ENDS = {**dict.fromkeys(["temp", "cdata", "ignore", "include", "rcdata"], _CDATA_END),
                 **dict.fromkeys(["if", "else", "endif"], _MS_END)}
"""How ``_markupbase`` ends a marked section (``<![CDATA[``…), by its name."""
_GIVEN_UP = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ=/"
"""After a start tag's text, what makes the parser wait for more instead of reading a tag."""
REREADING = 2
"""How many times over the parser may read a body's text again, beyond :data:`REREAD`
characters (at each ``<`` of a start tag it gives up on after reading on past a ``>``),
before the rest of what such a tag read is taken as text at once. Bodies that reach this
hold ``<a x='>'`` or ``if a<b: s = '>'`` by the hundred. With no :data:`REREAD`, 1 kept
the parser's findings on all of 6,000 generated bodies of pasted HTML and prose; 0 changed
them on 35 (an apostrophe in prose after ``<a href='x>`` makes such a value)."""
REREAD = 50_000
_INERT = "~"
"""Stands for a ``<`` the parser would give up on: to its patterns inside a tag it is the
same kind of character (neither space, quote, ``/``, ``=``, ``>`` nor part of a name), and
it starts nothing."""


def _defused(text: str) -> str:
    """``text`` with every ``<`` the parser would give up on turned into :data:`_INERT`, in
    time linear in its length: the same length, lines and findings.

    This walks the text as ``html.parser`` does — tags, end tags, comments, declarations,
    ``<script>``/``<style>`` content — and where the parser would give up on a start tag, a
    comment or a marked section, makes text of every ``<`` up to the next ``>``, which the
    parser takes as text too. After the last ``>`` no tag can end, so every ``<`` there is
    text. Whether a comment or section is ever ended is known from where the last end is,
    not by reading on. Only past :data:`REREADING` is anything taken otherwise than the
    parser would. (Cutting the text after its last ``>`` would not do: a quote after it can
    end a quoted value that holds that ``>``.)"""
    last_gt = text.rfind(">")
    last_comment_end = max((match.start() for match in _COMMENT_END.finditer(text)), default=-1)
    last_section_end = {ending: max((match.start() for match in ending.finditer(text)), default=-1)
                        for ending in (_CDATA_END, _MS_END)} if "<![" in text else {}
    inert: list[tuple[int, int]] = []
    rereading = REREADING * len(text) + REREAD
    position = text.find("<")
    while 0 <= position < last_gt:
        after = position + 1
        if name := _TAG_NAME.match(text, after):
            end = _START_TAG.match(text, position).end()  # type: ignore[union-attr]
            following = text[end:end + 1]
            if following == ">":
                after = end + 1
                tag = name.group().lower()
                if tag in HTMLParser.CDATA_CONTENT_ELEMENTS and _opens_content(text[position:after]):
                    closing = re.compile(rf"</\s*{tag}\s*>", re.IGNORECASE).search(text, after)
                    if closing is None:
                        break  # the parser reads the rest as the element's content
                    after = closing.end()
            elif following == "/" and text.startswith("/>", end):
                after = end + 2
            elif following == "" or following in _GIVEN_UP:
                after = text.find(">", position) + 1
                if end > after:
                    # It read on through quoted values holding ">": the parser goes on after
                    # the first ">" (an apostrophe in prose can open such a value), and each
                    # "<" up to `end` may read as far again.
                    rereading -= end - position
                    if rereading < 0:
                        after = end
                inert.append((position, after))
            else:
                after = max(end, position + 1)
        elif text.startswith("<!--", position):
            if position + 4 <= last_comment_end:
                after = _COMMENT_END.search(text, position + 4).end()  # type: ignore[union-attr]
            else:
                after = text.find(">", position) + 1
                inert.append((position, after))
        elif text.startswith("<![", position):
            name = _SECTION_NAME.match(text, position + 3)
            ending = _SECTION_ENDS.get(name.group(1).lower() if name else "")
            if ending is None:
                break  # the parser stops at a marked section it cannot name
            if position + 3 <= last_section_end[ending]:
                after = ending.search(text, position + 3).end()  # type: ignore[union-attr]
            else:
                after = text.find(">", position) + 1
                inert.append((position, after))
        elif text.startswith(("</", "<!", "<?"), position):
            after = text.find(">", position) + 1
        position = text.find("<", after)
    inert.append((last_gt + 1, len(text)))
    pieces: list[str] = []
    kept = 0
    for start, end in inert:
        start = max(start, kept)
        pieces += [text[kept:start], text[start:end].replace("<", _INERT)]
        kept = max(end, kept)
    pieces.append(text[kept:])
    return "".join(pieces)


def _opens_content(start_tag: str) -> bool:
    """Whether the parser reads what follows this ``<script …>`` or ``<style …>`` as its
    content (not if it ends ``/>``, unless that ``/`` is part of an attribute's value)."""
    parser = HTMLParser()
    parser.feed(start_tag)
    return parser.cdata_elem is not None
