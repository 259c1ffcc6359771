"""Which lines of a Markdown body the site shows as code, and the body with its code
blanked: so that the checks of a body's markup (its headings, HTML, images, links and
footnotes) judge only what is read as markup, as the site's renderer reads it.

Fenced code is nearly plain to see: a fence opens a block only at the start of a line
(one indented by a space is text, its backticks a code span) and only where the same
fence closes it (one never closed is text too), as the fenced_code extension reads it
(:func:`fenced_blocks`). Indented code is not: four spaces make code after a blank
line, but not in a list item's continuation, a footnote's or a paragraph's lazy one, nor
in a raw HTML block. :class:`_CodeFinder` follows Python-Markdown's block parser (3.x,
with the site's extensions: tables, footnotes, md_in_html) on line numbers rather than
text, so that each line is looked at a bounded number of times; the tests hold it to the
renderer itself on generated bodies. Rendering each body to find its code would cost
about 2 ms an article in every check.
"""

from __future__ import annotations

import bisect
import re
import threading
from collections import deque
from typing import Any

import markdown
from markdown.extensions.attr_list import get_attrs_and_remainder

_local = threading.local()

_FENCE = re.compile(r"""(`{3,}|~{3,})[ ]*+(?:\{(.*)\}|\.?[\w#.+-]*[ ]*(?:hl_lines=(["']).*?\3[ ]*)?)$""")
"""The opening line of a fenced code block, as the fenced_code extension's
``FENCED_BLOCK_RE`` reads it line by line: the fence from the line's first character (an
indented one is none), then a language or ``{attributes}`` and nothing else. The
closing line is the same fence again, with nothing but spaces after it. (The spaces
after the fence are taken once and for all, ``*+``: given back one by one to the ``[ ]*``
after the language, a fence and 20,000 spaces took 9 s.)"""


def fenced_blocks(lines: list[str]) -> dict[int, int]:
    """The fenced code blocks of a body of Markdown, each as its opening line and its
    closing line, as Python-Markdown's fenced_code extension finds them: a fence at the
    start of a line, closed by the same fence (same character, same length) at the start
    of a later line. A fence never closed, or indented, makes no block: its lines are
    read as text (and the backticks as a code span)."""
    openings: list[tuple[int, str]] = []
    closings: dict[str, list[int]] = {}
    for index, line in enumerate(lines):
        if not line.startswith(("```", "~~~")):
            continue
        line = line.expandtabs(len(_TAB))  # as Python-Markdown does before it looks for fences
        if (found := _FENCE.match(line)) is None:
            continue
        fence = found.group(1)
        if line.rstrip(" ") == fence:
            closings.setdefault(fence, []).append(index)
        if found.group(2) is None or not get_attrs_and_remainder(found.group(2))[1]:
            openings.append((index, fence))  # attributes it cannot read make no fence
    blocks: dict[int, int] = {}
    after = 0
    for index, fence in openings:
        if index < after:
            continue
        candidates = closings.get(fence, [])
        closing = bisect.bisect_right(candidates, index)
        if closing < len(candidates):
            blocks[index] = after = candidates[closing]
            after += 1
    return blocks


def _marked(count: int, fences: dict[int, int]) -> list[bool]:
    inside = [False] * count
    for opening, closing in fences.items():
        inside[opening:closing + 1] = [True] * (closing + 1 - opening)
    return inside


_TAB = "    "
_FN_DEF = re.compile(r" {0,3}\[\^[^\]]*\]:[ ]*")
_REFERENCE = re.compile(r""" {0,3}\[[^\[\]]*\]: *(?:(\S+) *(?:(["']).*\2 *|(\(.*\)) *)?)?$""")
_URL_LINE = re.compile(r""" *(\S+) *(?:(["']).*\2 *|(\(.*\)) *)?$""")
_TITLE_LINE = re.compile(r" *(?:([\"']).*\1|\(.*\)) *$")
_HR = re.compile(r" {0,3}(?=(?P<rule>(?:-+ {0,2}){3,}|(?:_+ {0,2}){3,}|(?:\*+ {0,2}){3,}))(?P=rule) *$")
_SETEXT = re.compile(r"(?:=+|-+) *$")
_QUOTE = re.compile(r" {0,3}>")
_QUOTE_MARK = re.compile(r" {0,3}> ?")
_ITEM = re.compile(r" {0,3}(?:(\d+\.)|[*+-]) +")
_NESTED_ITEM = re.compile(r" {4,7}(?:\d+\.|[*+-]) +")
_BLOCK_TAG = re.compile(r" {0,3}<(?:(!--)|([a-zA-Z][a-zA-Z0-9-]*)(?=[\s/>]|$)([^>]*)>?|[!?])")
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)(?:\s[^>]*?)?(/?)>|(<!--)")
_MARKDOWN_ATTRIBUTE = re.compile(r"""\smarkdown(?:\s*=\s*["']?(1|block|markdown)\b|(?=[\s/>]|$))""")
_BLOCK_LEVEL = frozenset(markdown.util.BLOCK_LEVEL_ELEMENTS)
_SPAN_OR_RAW = frozenset({"address", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "legend", "li", "p",
                          "summary", "td", "th", "canvas", "math", "option", "pre", "script", "style",
                          "textarea"})
_MAY_BE_INDENTED = re.compile(r"\n[ >]*(?: {4}|\t)")
"""A line (after the first) indented enough to be code, in a quote too. (Searched for
with a newline first, the search skips from newline to newline: ``^`` in MULTILINE mode
tried every character, and cost as much again as the rest of :func:`without_code`.)"""
_MAX_DEPTH = 16
"""How deep containers in containers (a quote in a list item in a quote…) are read: each
level reads its text again, and deeper text, which no article has, is taken for prose."""


class _Lines:
    """Lines of one container (the body, a list item, a quote, a footnote) as
    Python-Markdown's block parser reads them, each with its line in the body (-1 for the
    blank lines and placeholders the parser puts in), and for each kind of line that
    splits a block where it stands, where the next one is."""

    __slots__ = ("at", "text", "next", "reference_end")

    def __init__(self, lines: list[tuple[int, str]]) -> None:
        self.at = [at for at, _ in lines]
        self.text = [text for _, text in lines]
        count = len(self.text)
        self.reference_end: dict[int, int] = {}
        self.next = {kind: [count] * (count + 1) for kind in "#->[^"}
        following = dict.fromkeys(self.next, count)
        for index in range(count - 1, -1, -1):
            line = self.text[index]
            first = line.lstrip(" ")[:1]
            if first in "#-*_>[" and first:
                kinds = self._kinds(index, line, first)
                for kind in kinds:
                    following[kind] = index
            for kind, table in self.next.items():
                table[index] = following[kind]

    def _kinds(self, index: int, line: str, first: str) -> str:
        kinds = ""
        if line.startswith("#"):
            kinds += "#"
        if first in "-*_" and _HR.match(line):
            kinds += "-"
        if first == ">" and _QUOTE.match(line):
            kinds += ">"
        if first == "[":
            if _FN_DEF.match(line):
                kinds += "^"
            if (end := self._reference_end(index, line)) > index:
                self.reference_end[index] = end
                kinds += "["
        return kinds

    def _reference_end(self, index: int, line: str) -> int:
        """After the lines of the reference definition starting at line ``index``: its
        address and its title may each be on a line of their own."""
        found = _REFERENCE.match(line)
        end = index + 1
        if found is not None and found.group(1) is None:  # the address on the next line
            found = _URL_LINE.match(self.text[end]) if end < len(self.text) else None
            end += 1
        if found is None:
            return index
        titled = found.group(2) or found.group(3)
        if not titled and end < len(self.text) and _TITLE_LINE.match(self.text[end]):
            end += 1
        return end

    def find(self, kind: str, start: int, end: int) -> int:
        found = self.next[kind][start]
        return found if found < end else -1


class _Node:
    __slots__ = ("tag", "children", "text")

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.children: list[_Node] = []
        self.text = False

    def last(self) -> _Node | None:
        return self.children[-1] if self.children else None

    def add(self, tag: str) -> _Node:
        child = _Node(tag)
        self.children.append(child)
        return child


_Block = tuple[_Lines, int, int, int]
"""Lines ``[start, end)`` of a container, and how many blank lines came before them."""


class _CodeFinder:
    """Python-Markdown's block parser (3.x, as the site's extensions set it up) cut down
    to what tells which lines it shows as indented code: the same processors in the same
    order, on line numbers rather than text, so that each line is looked at a bounded
    number of times."""

    def __init__(self, code: list[bool]) -> None:
        self.code = code
        self.state: list[str] = []
        self.depth = 0
        self.processors = (self._list_continuation, self._code, self._table, self._heading,
                           self._setext_heading, self._rule, self._list, self._quote, self._footnote,
                           self._reference)
        """Python-Markdown's block processors, in the order it tries them; the paragraph last."""

    def chunk(self, parent: _Node, lines: _Lines, start: int = 0, end: int | None = None) -> None:
        end = len(lines.text) if end is None else end
        blocks: list[_Block] = []
        gap = 0
        first = start
        for index in range(start, end + 1):
            if index == end or not lines.text[index]:
                if index > first:
                    blocks.append((lines, first, index, gap))
                    gap = 0
                gap += index < end
                first = index + 1
        self.blocks(parent, blocks)

    def blocks(self, parent: _Node, blocks: list[_Block]) -> None:
        if self.depth > _MAX_DEPTH:
            return
        self.depth += 1
        queue = deque(blocks)
        while queue:
            self._one(parent, queue)
        self.depth -= 1

    def _one(self, parent: _Node, queue: deque[_Block]) -> None:
        block = queue.popleft()
        for processor in self.processors:
            if processor(parent, block, queue):
                return
        if self.state[-1:] != ["list"]:
            parent.add("p")
        elif not parent.children:
            parent.text = True  # a tight list item's text, not a paragraph

    def _code(self, parent: _Node, block: _Block, queue: deque[_Block]) -> bool:
        lines, start, end, _gap = block
        stop = start
        while stop < end and lines.text[stop].startswith(_TAB):
            if lines.at[stop] >= 0:
                self.code[lines.at[stop]] = True
            stop += 1
        if stop == start:
            return False
        last = parent.last()
        if last is None or last.tag != "pre":
            parent.add("pre")
        if stop < end:  # what is not indented after it is another block
            queue.appendleft((lines, stop, end, 0))
        return True

    def _table(self, parent: _Node, block: _Block, queue: deque[_Block]) -> bool:
        """A table (its header and separator rows the tables extension's own test reads)
        is the whole block, whatever its rows hold."""
        lines, start, end, _gap = block
        if end - start < 2 or "|" not in lines.text[start] or lines.text[start + 1].strip("|:- "):
            return False  # no header row, or no separator row: spared the test's cost
        if not _tables().test(None, "\n".join(lines.text[start:start + 2])):
            return False
        parent.add("table")
        return True

    def _heading(self, parent: _Node, block: _Block, queue: deque[_Block]) -> bool:
        """A ``#`` heading anywhere in the block cuts it: what follows is another block,
        detabbed once in a loose list item (the heading processor's quirk)."""
        return self._cut(parent, block, queue, "#", "h", self.state[-1:] == ["looselist"])

    def _setext_heading(self, parent: _Node, block: _Block, queue: deque[_Block]) -> bool:
        lines, start, end, _gap = block
        if end - start < 2 or not _SETEXT.match(lines.text[start + 1]):
            return False
        parent.add("h")
        if start + 2 < end:
            queue.appendleft((lines, start + 2, end, 0))
        return True

    def _rule(self, parent: _Node, block: _Block, queue: deque[_Block]) -> bool:
        """A rule anywhere in the block cuts it, as a heading does."""
        return self._cut(parent, block, queue, "-", "hr", False)

    def _cut(self, parent: _Node, block: _Block, queue: deque[_Block], kind: str, node: str,
             detab: bool) -> bool:
        """The block cut at its first line of ``kind`` (:meth:`_Lines.find`): the lines
        before it are blocks of their own, that line is a ``node``, and what follows is
        the next block (detabbed once when ``detab``)."""
        lines, start, end, gap = block
        if (found := lines.find(kind, start, end)) < 0:
            return False
        if found > start:
            self.blocks(parent, [(lines, start, found, gap)])
        parent.add(node)
        if found + 1 < end:
            after = (lines, found + 1, end, 0)
            queue.appendleft(_detabbed(after, 1) if detab else after)
        return True

    def _quote(self, parent: _Node, block: _Block, queue: deque[_Block]) -> bool:
        """From its first ``>`` line to the end of the block (lazy lines too), without the
        ``>``; a quote right after a quote goes on with it."""
        lines, start, end, gap = block
        if (found := lines.find(">", start, end)) < 0:
            return False
        if found > start:
            self.blocks(parent, [(lines, start, found, gap)])
        last = parent.last()
        quote = last if last is not None and last.tag == "blockquote" else parent.add("blockquote")
        self.state.append("blockquote")
        inside = _Lines([(lines.at[index], _unquoted(lines.text[index])) for index in range(found, end)])
        self.chunk(quote, inside)
        self.state.pop()
        return True

    def _reference(self, parent: _Node, block: _Block, queue: deque[_Block]) -> bool:
        """A link's reference definition (``[id]: address "title"``) is taken out of the
        text: what was before it and what is after are two blocks."""
        lines, start, end, gap = block
        if (found := lines.find("[", start, end)) < 0:
            return False
        stop = lines.reference_end[found]
        while stop < end and lines.reference_end.get(stop) == stop + 1:
            stop += 1  # more definitions of one line each
        if stop < end:
            queue.appendleft((lines, stop, end, 0))
        if found > start:
            queue.appendleft((lines, start, found, gap))
        return True

    def _list_continuation(self, parent: _Node, block: _Block, queue: deque[_Block]) -> bool:
        """Python-Markdown's ``ListIndentProcessor``: an indented block after a list (or in
        a list item) goes on with its last item, one level deeper for each four spaces."""
        lines, start = block[0], block[1]
        head = lines.text[start]
        last = parent.last()
        if not head.startswith(_TAB) or self.state[-1:] == ["detabbed"] or (
                parent.tag != "li" and (last is None or last.tag not in ("ul", "ol"))):
            return False
        indent = (len(head) - len(head.lstrip(" "))) // len(_TAB)
        level = 1 if self.state[-1:] == ["list"] else 0
        sibling = parent
        while indent > level:
            child = sibling.last()
            if child is None or child.tag not in ("ul", "ol", "li"):
                break
            level += child.tag != "li"
            sibling = child
        detabbed = _detabbed(block, level)
        self.state.append("detabbed")
        if parent.tag == "li":
            self.blocks(last if last is not None and last.tag in ("ul", "ol") else parent, [detabbed])
        elif sibling.tag == "li":
            self.blocks(sibling, [detabbed])
        elif sibling.children and sibling.children[-1].tag == "li":
            item = sibling.children[-1]
            if item.text:
                item.children.insert(0, _Node("p"))
                item.text = False
            self.blocks(item, [detabbed])
        else:
            self.blocks(sibling.add("li"), [detabbed])
        self.state.pop()
        return True

    def _list(self, parent: _Node, block: _Block, queue: deque[_Block]) -> bool:
        """Python-Markdown's ``OListProcessor`` and ``UListProcessor``: every line of the
        block is in an item, its own or lazily the one before."""
        lines, start, end, _gap = block
        text = lines.text
        if (first := _ITEM.match(text[start])) is None:
            return False
        items: list[list[tuple[int, str]]] = []
        nested = False
        for index in range(start, end):
            line = (lines.at[index], text[index])
            if (marker := _ITEM.match(text[index])) is not None:
                items.append([(lines.at[index], text[index][marker.end():])])
                nested = False
            elif _NESTED_ITEM.match(text[index]) and not nested:
                items.append([line])
                nested = True
            else:
                items[-1].append(line)
        sibling = parent.last()
        if sibling is not None and sibling.tag in ("ol", "ul"):
            listed = sibling
            if listed.children and listed.children[-1].text:
                listed.children[-1].children.insert(0, _Node("p"))
                listed.children[-1].text = False
            self.state.append("looselist")
            self._item(listed.add("li"), items.pop(0))
            self.state.pop()
        elif parent.tag in ("ol", "ul"):
            listed = parent
        else:
            listed = parent.add("ol" if first.group(1) else "ul")
        self.state.append("list")
        for item in items:
            within = item[0][1].startswith(_TAB) and listed.children
            self._item(listed.children[-1] if within else listed.add("li"), item)
        self.state.pop()
        return True

    def _item(self, item: _Node, lines: list[tuple[int, str]]) -> None:
        self.blocks(item, [(_Lines(lines), 0, len(lines), 0)])

    def _footnote(self, parent: _Node, block: _Block, queue: deque[_Block]) -> bool:
        """The footnotes extension's ``FootnoteBlockProcessor``: a definition and what is
        indented under it are the note, parsed on its own, later, in a list item."""
        lines, start, end, gap = block
        if (found := lines.find("^", start, end)) < 0:
            return False
        first = found
        while found + 1 < end and lines.find("^", found + 1, found + 2) >= 0:
            found += 1  # definitions of one line each, one after the other
        note = [(lines.at[found], lines.text[found].split("]:", 1)[1].lstrip(" "))]
        following = lines.find("^", found + 1, end)
        if following >= 0:
            note += _undented(lines, found + 1, following)
            queue.appendleft((lines, following, end, 0))
        else:
            note += _undented(lines, found + 1, end)
            while queue:
                more, more_start, more_end, more_gap = queue[0]
                if more_gap > 1 or not more.text[more_start].startswith(_TAB):
                    break
                queue.popleft()
                following = more.find("^", more_start, more_end)
                note += [(-1, ""), *_undented(more, more_start, more_end if following < 0 else following)]
                if following >= 0:
                    queue.appendleft((more, following, more_end, 0))
                    break
        if first > start:
            queue.appendleft((lines, start, first, gap))
        state, self.state = self.state, []
        self.chunk(_Node("li"), _Lines(note))
        self.state = state
        return True


def _tables() -> Any:
    """This thread's table processor of the tables extension (its test keeps state)."""
    processor = getattr(_local, "tables", None)
    if processor is None:
        processor = _local.tables = markdown.Markdown(extensions=["tables"]).parser.blockprocessors["table"]
    return processor


def _unquoted(line: str) -> str:
    if line.strip() == ">":
        return ""
    mark = _QUOTE_MARK.match(line)
    return line if mark is None else line[mark.end():]


def _undented(lines: _Lines, start: int, end: int) -> list[tuple[int, str]]:
    return [(lines.at[index], line[len(_TAB):] if line.startswith(_TAB) else line)
            for index, line in ((index, lines.text[index]) for index in range(start, end))]


def _detabbed(block: _Block, level: int) -> _Block:
    """``block`` without ``level`` indents, on the lines that have them (``looseDetab``)."""
    lines, start, end, gap = block
    if not level:
        return block
    indent = _TAB * level
    return (_Lines([(lines.at[index], text[len(indent):] if text.startswith(indent) else text)
                    for index, text in ((index, lines.text[index]) for index in range(start, end))]),
            0, end - start, gap)


_PLACEHOLDER = [(-1, ""), (-1, "\x02"), (-1, "")]
"""What Python-Markdown leaves of a raw HTML block or a fenced code block for its block
parser: a paragraph of its own."""


def _prepared(lines: list[str], fences: dict[int, int], start: int, end: int,
              last_close: int) -> list[tuple[int, str]]:
    """Lines ``[start, end)`` of a body as Python-Markdown's block parser gets them: tabs
    expanded, lines of spaces emptied, fenced code and raw HTML blocks stashed away (the
    Markdown inside ``<div markdown>`` kept)."""
    ready: list[tuple[int, str]] = []
    index = start
    while index < end:
        line = lines[index]
        if index in fences:
            ready += _PLACEHOLDER
            index = fences[index] + 1
            continue
        opening = _BLOCK_TAG.match(line)
        if opening is not None and (opening.group(2) is None or opening.group(2).lower() in _BLOCK_LEVEL):
            stop = _raw_end(lines, fences, index, end, opening, last_close)
            name = (opening.group(2) or "").lower()
            if stop == end and opening.group(1):
                ready.append((index, _normalized(line)))  # a comment never closed is text
                index += 1
                continue
            if (line.startswith("<") and name and name not in _SPAN_OR_RAW and stop > index
                    and _MARKDOWN_ATTRIBUTE.search(opening.group(3) or "")):
                inside = _prepared(lines, fences, index + 1, stop, last_close)
                ready += [*_PLACEHOLDER, *inside, *_PLACEHOLDER]
            elif line.startswith(" "):
                # The spaces before the tag stay, on a line of their own and not blank: the
                # block goes on with the text before it.
                ready += [(-1, line[:len(line) - len(line.lstrip(" "))]), *_PLACEHOLDER[1:]]
            else:
                ready += _PLACEHOLDER
            index = stop + 1
            continue
        ready.append((index, _normalized(line)))
        index += 1
    return ready


def _normalized(line: str) -> str:
    expanded = line.expandtabs(len(_TAB))
    return expanded if expanded.strip(" ") else ""


def _raw_end(lines: list[str], fences: dict[int, int], start: int, end: int, opening: re.Match[str],
             last_close: int) -> int:
    """The last line of the raw HTML block ``opening`` starts: where the element it opens
    is closed, as Python-Markdown's ``HTMLExtractor`` finds it (``end`` if never). Fenced
    code in it is stashed away before: its tags are none."""
    name = (opening.group(2) or "").lower()
    if opening.group(1) is not None:
        return _comment_end(lines, start, opening.end(), end, last_close)[0]
    if not name or name == "hr" or (opening.group(3) or "").endswith("/"):
        return start
    stack = [name]
    index, at = start, opening.end()
    while index < end:
        if index in fences and index > start:
            index, at = fences[index] + 1, 0
            continue
        tag = _TAG.search(lines[index], at)
        if tag is None:
            index, at = index + 1, 0
            continue
        at = tag.end()
        if tag.group(4):  # a comment hides the tags in it; one never closed is text
            closing, after = _comment_end(lines, index, tag.end(), end, last_close)
            if closing < end:
                index, at = closing, after
        elif tag.group(1):
            closed = tag.group(2).lower()
            if closed in stack:
                while stack.pop() != closed:
                    pass
            if not stack:
                return index
        elif not tag.group(3) and tag.group(2).lower() != "hr":
            stack.append(tag.group(2).lower())
    return end


def _comment_end(lines: list[str], index: int, at: int, end: int, last_close: int) -> tuple[int, int]:
    """Where the HTML comment open at ``at`` of line ``index`` is closed: the line and the
    place after ``-->`` in it (``end`` if never). No line after ``last_close`` holds a
    ``-->``: comments never closed cost no search each."""
    while index < min(end, last_close + 1):
        close = lines[index].find("-->", at)
        if close >= 0:
            return index, close + 3
        index, at = index + 1, 0
    return end, 0


def in_code(lines: list[str]) -> list[bool]:
    """For each line of Markdown, whether the site shows it as code: in a fenced code block
    (its fences included), or in a block indented by four spaces or a tab as
    Python-Markdown reads one (not in a list item's or a footnote's continuation, nor in a
    paragraph's lazy one)."""
    return _in_code(lines, "\n".join(lines))


def _in_code(lines: list[str], body: str) -> list[bool]:
    fences = fenced_blocks(lines) if "```" in body or "~~~" in body else {}
    code = _marked(len(lines), fences)
    if not _MAY_BE_INDENTED.search(body) and not _MAY_BE_INDENTED.match(f"\n{lines[0][:64]}"):
        return code
    last_close = next((index for index in range(len(lines) - 1, -1, -1) if "-->" in lines[index]), -1)
    prepared = _Lines(_prepared(lines, fences, 0, len(lines), last_close))
    _CodeFinder(code).chunk(_Node("root"), prepared)
    return code


_BACKTICKS = re.compile(r"``*")
"""A run of backticks (a literal first: the search skips to it faster than to one repeated)."""
_PARAGRAPH_END = re.compile(r"\n(?=[ \t]*\n)")
"""A newline that ends a paragraph: a line of nothing but spaces and tabs follows it."""


def code_spans(text: str) -> list[tuple[int, int]]:
    """The code spans of ``text`` (start, end), read from left to right: a run of
    backticks (or what is left of it, its first backticks taken for text) opens a span
    that the next run of exactly as many backticks closes, within its paragraph (a blank
    line ends it: backticks left open, a fence never closed, do not take the following
    paragraphs for code). A backslash escapes the character after it: a backtick after a
    backslash is text and opens none, one after two opens one. (Python-Markdown 3.11
    reads a run that no run of its length closes otherwise: it may close it with the
    longest shorter run after it, the extra backticks in the code, and never opens a span
    with what is left of it.)

    Each run is listed once under its length, so its closing run is a binary search
    away. The regular expression this replaces, which the tests still compare it with,
    read on to the end of the paragraph from every backtick of a run never closed:
    20,000 backticks in a row took 2.6–4.6 s, 100,000 took 174 s, runs of 1 to 199
    backticks 6.6 s; they take 1, 5 and 2 ms now, and a body of 700 words with a few code
    spans 16 µs rather than 56 µs (median of ``timeit``).
    """
    runs = [found.span() for found in _BACKTICKS.finditer(text)]
    starts: dict[int, list[int]] = {}
    for start, end in runs:
        starts.setdefault(end - start, []).append(start)
    paragraph_ends = [found.start() for found in _PARAGRAPH_END.finditer(text)] if runs else []
    paragraph_ends.append(len(text))
    paragraph = 0
    spans: list[tuple[int, int]] = []
    at = 0  # where the text not yet in a span, nor in a run tried, begins
    for start, end in runs:
        if start < at:
            continue  # in a span
        if start and text[start - 1] == "\\":
            # The backslashes before a run (none in a span: it ends with a backtick) escape
            # each other in pairs; one left over escapes the run's first backtick.
            before = text[at:start]
            start += (len(before) - len(before.rstrip("\\"))) % 2
        while paragraph_ends[paragraph] < end:
            paragraph += 1
        limit = paragraph_ends[paragraph]
        at = end
        for opening in range(start, end):  # the whole run, then without its first backticks
            same = starts.get(end - opening)
            if same is None:
                continue
            closing = bisect.bisect_left(same, end)
            if closing < len(same) and same[closing] < limit:
                at = same[closing] + end - opening
                spans.append((opening, at))
                break
    return spans


def without_code(body: str, code: list[bool] | None = None) -> str:
    """The Markdown ``body`` with its code blocks (fenced or indented, :func:`in_code`; its
    lines' ``code`` when the caller has them) and code spans (:func:`code_spans`) blanked
    (same length, lines kept), so that what is found in it is found outside code, at its
    place in ``body``.

    The last body's answer is kept (by the body's identity, in each thread): the checks of
    one article's markup, links and images each ask it of the same body in turn."""
    last: tuple[str, str] | None = getattr(_local, "without_code", None) if code is None else None
    if last is not None and last[0] is body:
        return last[1]
    lines = body.split("\n")
    blanked = _in_code(lines, body) if code is None else code
    text = "\n".join(" " * len(line) if shown else line for line, shown in zip(lines, blanked, strict=True))
    if "`" in text:  # not in most bodies
        pieces: list[str] = []
        kept = 0
        for start, end in code_spans(text):
            pieces += [text[kept:start], _BLANKED.sub(" ", text[start:end])]
            kept = end
        pieces.append(text[kept:])
        text = "".join(pieces)
    if code is None:
        _local.without_code = (body, text)
    return text


_BLANKED = re.compile(r"[^\n]")
