"""Bodies shaped to stall a quadratic reading are read at once: code spans are found in
one pass (:func:`dateline.mdcode.code_spans` finds the spans the regular expression it
replaced found, on bodies of every shape), and so are a fence line's spaces, closing tags
that close nothing and the lines of many links. No timings are asserted: the inputs are
large enough that the old readings would make these tests take seconds to minutes (the
figures are in the docstrings of what was changed)."""

from __future__ import annotations

import random
import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from dateline.bodylinks import body_links
from dateline.htmlbalance import unbalanced
from dateline.mdcode import _FENCE, code_spans, fenced_blocks, in_code, without_code

OLD_CODE_SPAN = re.compile(r"(?=[\\`])(?:\\.|(`+)(?!`)(?:[^\n]|\n(?![ \t]*\n))*?(?<!`)\1(?!`))")
"""The regular expression :func:`code_spans` replaces: a code span (group 1 its opening
backticks) or a backslash escape, searched for from left to right."""


def old_code_spans(text: str) -> list[tuple[int, int]]:
    return [found.span() for found in OLD_CODE_SPAN.finditer(text) if found.group(1)]


def old_without_code(body: str) -> str:
    """What :func:`without_code` made of ``body`` before the change."""
    lines = body.split("\n")
    text = "\n".join(" " * len(line) if shown else line for line, shown in zip(lines, in_code(lines), strict=True))
    return OLD_CODE_SPAN.sub(lambda found: re.sub(r"[^\n]", " ", found.group(0)) if found.group(1)
                             else found.group(0), text)


_PIECES = ["`", "`", "``", "```", "````", "\\", "\\\\", "\\`", "a", "word", " ", "\t", "\n", "\n\n",
           "\n \t\n", "\n  ", "\r", "<div>", "</div>", "![](x.png)"]


@settings(max_examples=1000)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
@example("```a`")  # a run longer than the one after it: its last backtick opens
@example("``a```b`")
@example("x ``a\\```b`")  # an escaped backtick, then the rest of its run
@example("\\\\\\`a` `b`")  # three backslashes: the backtick is escaped
@example("`a\n \t\nb`")  # a blank line (of spaces and a tab) ends the paragraph
@example("`a\n  b`\n  ")
def test_code_spans_are_those_the_old_regular_expression_found(text: str) -> None:
    assert code_spans(text) == old_code_spans(text)
    assert without_code(text) == old_without_code(text)


def test_code_spans_agree_with_the_old_regular_expression_on_long_bodies() -> None:
    """Long bodies (the same ones every run), where runs find their match far away or
    never, across many paragraphs."""
    for seed in range(300):
        chosen = random.Random(seed)
        weights = [chosen.random() for _ in _PIECES]
        text = "".join(chosen.choices(_PIECES, weights, k=chosen.randint(50, 600)))
        assert code_spans(text) == old_code_spans(text), seed


def test_a_body_of_100000_backticks_is_read_at_once() -> None:
    # Quadratic, this took three minutes.
    body = "Lede.\n\n" + "`" * 100_000 + "\n\nThe end: <div>\n"
    assert code_spans(body) == []
    assert without_code(body) == body
    assert unbalanced(body) != []  # the <div> after them is still found


def test_runs_of_one_and_two_backticks_in_turn_pair_up() -> None:
    body = "` `` " * 40_000  # 120,000 backticks: each run closed by the next of its length
    spans = code_spans(body)
    assert spans[:4] == [(0, 6), (7, 14), (15, 21), (22, 29)]
    assert len(spans) == 26_666  # two in every three repeats: the last leaves its runs open
    assert without_code(body).strip(" `") == ""


def test_runs_never_closed_do_not_read_on_to_the_end() -> None:
    # Runs of 1 to 450 backticks, none matched (100,000 backticks); then paragraphs,
    # each with runs left open: the blank line between them ends each.
    growing = "".join("`" * length + " <b> " for length in range(1, 451))
    assert code_spans(growing) == []
    paragraphs = "` a `` b ``` <i>\n\n" * 20_000  # each run would close one in the next paragraph
    assert code_spans(paragraphs) == []
    assert without_code(paragraphs) == paragraphs
    closed = paragraphs + "``` x ```"
    assert code_spans(closed) == [(len(paragraphs), len(closed))]


def test_escapes_before_long_runs() -> None:
    def body(backslashes: int) -> str:
        return "\\" * backslashes + "`" * 50_000 + " x " + "`" * 50_000 + "\n"

    # Backslashes in pairs are text: the run after them opens a span the second closes.
    assert code_spans(body(50_000)) == [(50_000, len(body(50_000)) - 1)]
    # One more escapes the run's first backtick: the rest of it is too short to match.
    assert code_spans(body(50_001)) == []


OLD_FENCE = re.compile(r"""(`{3,}|~{3,})[ ]*(?:\{(.*)\}|\.?[\w#.+-]*[ ]*(?:hl_lines=(["']).*?\3[ ]*)?)$""")
"""The fence line as read before its spaces were taken possessively."""


@given(st.lists(st.sampled_from(["`", "```", "~~~", " ", "  ", "{", "}", ".", "py", "#", "hl_lines=", '"',
                                 "'", "1 2", "\t"]), max_size=14).map("".join))
def test_a_fence_line_is_read_as_before(line: str) -> None:
    old = OLD_FENCE.match(line)
    new = _FENCE.match(line)
    assert (old and (old.span(), old.groups())) == (new and (new.span(), new.groups()))


def test_a_fence_followed_by_100000_spaces_is_read_at_once() -> None:
    # Quadratic, 20,000 spaces took 9 s.
    assert fenced_blocks(["```" + " " * 100_000 + "!", "text", "```"]) == {}
    assert fenced_blocks(["```" + " " * 100_000, "code", "```"]) == {0: 2}


def test_closing_tags_that_close_nothing_after_many_open_ones() -> None:
    # 20,000 open elements, then 20,000 closing tags of another: each was compared with
    # every open one (16 s).
    found = unbalanced("<div>" * 20_000 + "</span>" * 20_000)
    assert sorted({message.split(" ", 1)[0]: None for _line, message in found}) == ["</span>", "<div>"]
    assert len(found) == 40_000
    assert unbalanced("<div><b>" * 10_000 + "</div>" * 10_000) == [
        (1, "<b> is never closed, so what follows it on the page would be inside it; close it (</b>)")] * 10_000


def test_the_lines_of_many_links_are_counted_once() -> None:
    # Each link's line was counted from the top of the body: these 50,000 links took 12 s.
    body = "".join(f"[part {index}](#part-{index})\n" for index in range(50_000))
    within = body_links(body, body_line=7)[1]
    assert len(within) == 50_000
    assert [(link.target, link.line) for link in within[::10_000]] == [
        (f"#part-{index}", 7 + index) for index in range(0, 50_000, 10_000)]
