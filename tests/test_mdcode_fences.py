"""Fences as the site's Python-Markdown (fenced_code, as mkdocs.yml sets it up) reads them:
a fence never closed, or indented by one to three spaces, makes no code block, so what
follows it is markup and is checked as such."""

from __future__ import annotations

import pytest

from dateline.mdcode import fenced_blocks, in_code, without_code
from dateline.pages import demote_headings
from tests.projects import Project
from tests.test_markup_outside_code import _words, never_closed, numbered, rendered, warnings_of


@pytest.mark.parametrize(("lines", "blocks"), [
    (["```", "@", "```"], {0: 2}),
    (["```", "```"], {0: 1}),
    (["```", "@"], {}),  # never closed
    (["```python", "@", "", "@"], {}),
    ([" ```", "@", " ```"], {}),  # indented: a code span in a paragraph
    (["   ~~~", "@", "   ~~~"], {}),
    (["```", "@", "   ```", "@", "```"], {0: 4}),  # an indented fence closes nothing
    (["```", "@", "````", "@"], {}),  # nor a longer one
    (["````", "@", "```", "````"], {0: 3}),
    (["```", "@", "~~~", "```"], {0: 3}),
    (["```", "@", "```py", "```"], {0: 3}),  # a fence with a language closes nothing
    (["~~~", "@", "```", "@", "```"], {2: 4}),  # the first never closed, the second is
    (["```python", "@", "```"], {0: 2}),
    (["```\t", "@", "```  "], {0: 2}),  # tabs and spaces after the fence
    (["```python extra words", "@", "```"], {}),
    (["``` {.python}", "@", "```"], {0: 2}),
    (["```{.py } x}", "@", "```"], {}),  # attributes the renderer cannot read
])
def test_fenced_blocks_are_those_python_markdown_renders(lines: list[str], blocks: dict[int, int]) -> None:
    body = numbered(lines)
    assert fenced_blocks(body.split("\n")) == blocks
    in_blocks = {index for opening, closing in blocks.items() for index in range(opening, closing + 1)}
    assert sorted(_words(body).in_code_block) == sorted(index for index in in_blocks if "@" in lines[index])
    assert [index for index, shown in enumerate(in_code(body.split("\n"))) if shown] == sorted(in_blocks)


def test_html_after_a_fence_never_closed_is_checked(project: Project) -> None:
    body = "The source:\n\n```html\n<div class=\"box\">\n\nThe end.\n"
    assert "<pre>" not in rendered(body)
    assert warnings_of(project, body) == [never_closed(10, "div")]


def test_a_heading_after_a_fence_never_closed_steps_down() -> None:
    body = "Lede.\n\n```\n\n# Section\n\nText.\n"
    assert '<h1 id="section">' in rendered(body)
    assert demote_headings(body) == "Lede.\n\n```\n\n## Section\n\nText.\n"


def test_an_indented_fence_is_no_fence(project: Project) -> None:
    # Within one paragraph its backticks make a code span, which is not checked; past a
    # blank line the span is over, and the image is an image.
    spanned = "Lede.\n\n  ```\n  ![](x.png)\n  ```\n"
    assert "<code>![](x.png)</code>" in rendered(spanned)
    assert "![" not in without_code(spanned)
    assert warnings_of(project, spanned) == []
    body = "Lede.\n\n  ```\n  the map\n\n  ![](map.png)\n\n  ```\n"
    assert '<img alt="" src="map.png"' in rendered(body)
    assert [message.split(": ", 2)[:2] for message in warnings_of(project, body, "alternative text")] == [
        ["articles/story.md:12", "body"]]


def test_a_heading_between_indented_fences_steps_down() -> None:
    body = "Lede.\n\n   ```\n\n# Section\n\n   ```\n"
    assert '<h1 id="section">' in rendered(body)
    assert demote_headings(body) == "Lede.\n\n   ```\n\n## Section\n\n   ```\n"
