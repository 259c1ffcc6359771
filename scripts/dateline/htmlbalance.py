"""HTML in an article's body that is opened and never closed, or closed and never opened.

An article's body is placed inside its page, between the headline and the links to the
neighbouring articles, and, for an article in another language, inside an element that
marks it so. Python-Markdown reads an HTML block up to its closing tag, so a ``<table>``
left open takes the rest of the page into it (the links below print as raw Markdown),
and a stray ``</div>`` closes the page's own element. Browsers mend neither. Pasted
HTML is where this comes from; ``dateline check`` says where.
"""

from __future__ import annotations

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
        tags.feed(without_code(body))
        tags.close()
    except (AssertionError, ValueError):
        pass  # markup the parser gives up on (a pasted "<![foo["): judged as far as it read
    found = [(line, f"<{tag}> is never closed, so what follows it on the page would be inside it; "
                    f"close it (</{tag}>)") for tag, line in [*tags.unclosed, *tags.open]]
    found += [(line, f"</{tag}> closes nothing the article opened, and would close a part of "
                     "the page around it; remove it") for tag, line in tags.stray]
    return sorted(found)
