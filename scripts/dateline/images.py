"""Give the images of an article's body their width and height, read from their files.

Without them a browser lays the page out before an image has loaded, then moves all that
follows down as it arrives (146 px on a phone, a Core Web Vitals layout shift). With
them it keeps the image's room from the start; the theme's stylesheet (Material's
``.md-typeset img {max-width: 100%; height: auto}``) still shrinks a wide image to the
text's width, keeping its proportions.

An image kept beside the articles (``![Kandahar airport](photos/airport.jpg)``, or
``<img src="photos/airport.jpg">``) whose size is not written is given the size read
from its file's header (:mod:`imagesize`: PNG, JPEG, GIF, WebP, AVIF; a photo turned by
its EXIF orientation as browsers show it): in the page's Markdown, as ``attr_list``
writes an element's attributes (``![…](…){width=1600 height=1067}``), which every builder
of ``mkdocs.yml`` reads and Dateline's pages need already (``{#headline}``), or in the
tag written in HTML. An image whose ``width`` or ``height`` is written is left as its
author sized it; one on another site (``https://…``) is never fetched; a file whose size
cannot be read gets none, and shows as the browser can.
"""

from __future__ import annotations

import bisect
import dataclasses
import os
import posixpath
import re
from collections.abc import Callable, Mapping
from pathlib import Path

from markdown.extensions.attr_list import get_attrs_and_remainder

from dateline.bodylinks import HTML_ATTRIBUTE, IMAGE_SUFFIXES, meant, resolve
from dateline.mdcode import without_code
from dateline.model import BodyLink
from dateline.sanitize import MAX_IMAGE_SIDE

Size = tuple[int, int]
"""An image's width and height, in pixels."""

SIZED_SUFFIXES = IMAGE_SUFFIXES
"""The images whose size is read: every kind an article may show."""

_BEFORE_TARGET = re.compile(r"\]\([ \t]*<?$")
"""What precedes an inline link's target: ``](``, and the target's ``<`` if it has one."""
_AFTER_TARGET = re.compile(r""">?[ \t]*(?:\n[ \t]*)?(?:"[^"\n]*"|'[^'\n]*'|\([^()\n]*\))?[ \t]*\)""")
"""What follows it up to the closing parenthesis: its ``>``, and a title."""
_ATTRIBUTE_LIST = re.compile(r"\{:?[ ]*([^}\n ][^}\n]*)[ ]*\}")
"""An ``attr_list`` list right after an inline element (the extension's ``INLINE_RE``)."""
_IMG_TAG = re.compile(r"""<img(?:\s+[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*/?>""",
                      re.IGNORECASE)
"""An ``<img>`` tag whole, its attributes' values holding any ``>``; not through another
tag's ``<`` (a tag left open is not read on to the end of the body for each image)."""
_SIZES = ("width", "height")
_LONGEST_ALT = 2_000
"""Most characters looked back through for an image's ``![``: a body of one paragraph
holding thousands of links is not read through again for each."""


class ImageSizes:
    """The size of each image file of the project asked about, read once: a photo many
    articles show is read for the first."""

    def __init__(self, root: Path | str) -> None:
        self._root = os.fspath(root)
        self._known: dict[str, Size | None] = {}

    def __call__(self, path: str) -> Size | None:
        """The size of the image at ``path`` (from the project's folder), or None when the
        file is no image of a kind read (:data:`SIZED_SUFFIXES`), or its header tells no
        size within what the sanitiser keeps (:data:`~dateline.sanitize.MAX_IMAGE_SIDE`)."""
        if path in self._known:
            return self._known[path]
        size = None
        if posixpath.splitext(path)[1].lower() in SIZED_SUFFIXES:
            import imagesize  # only for archives with images: 11 ms of every command otherwise

            # Corrupt, cut short, unreadable: imagesize says (-1, -1) rather than raise.
            width, height = imagesize.get(os.path.join(self._root, path))
            if 0 < width <= MAX_IMAGE_SIDE and 0 < height <= MAX_IMAGE_SIDE:
                size = (width, height)
        self._known[path] = size
        return size


def _file(link: BodyLink, article: str, assets: Mapping[str, str]) -> str | None:
    """The file kept beside the articles that ``link`` of the ``article`` (its path)
    leads to, when it is an image of a kind whose size is read."""
    target = meant(link)
    if target.startswith("/"):
        return None  # from the archive's root: a page, or docs/'s own file
    found = resolve(article, target)[0]
    if found not in assets or posixpath.splitext(found)[1].lower() not in SIZED_SUFFIXES:
        return None
    return found


def sizes_key(links: tuple[BodyLink, ...], article: str, assets: Mapping[str, str],
              size_of: Callable[[str], Size | None]) -> str:
    """The sizes of the images the article's ``links`` lead to, for the key of its page
    (:mod:`dateline.pagememo`): a file replaced by one of another size remakes the page."""
    sizes = []
    for link in links:
        found = _file(link, article, assets)
        if found is not None:
            size = size_of(found)
            sizes.append("-" if size is None else f"{size[0]}x{size[1]}")
    return " ".join(sizes)


def with_sizes(body: str, links: tuple[BodyLink, ...], article: str, assets: Mapping[str, str],
               size_of: Callable[[str], Size | None]) -> tuple[str, tuple[BodyLink, ...]]:
    """``body`` with the size of each image of ``links`` that leads to a file kept beside
    the articles (``assets``, as :attr:`dateline.model.Links.assets`) and has no size
    written, and ``links`` where they are in it; ``article``: the article's path."""
    masked: str | None = None
    insertions: list[tuple[int, str]] = []
    for link in links:
        found = _file(link, article, assets)
        if found is None:
            continue
        if link.html:
            where = _in_tag(body, link)
        else:
            if masked is None:
                masked = without_code(body)
            where = _after_image(body, masked, link)
        size = size_of(found) if where is not None else None
        if where is None or size is None:
            continue
        at, own_list = where
        width, height = size
        if link.html:
            insertions.append((at, f' width="{width}" height="{height}"'))
        else:
            sizes = f"width={width} height={height}"
            insertions.append((at, f"{{{sizes}}}" if own_list else f" {sizes}"))
    if not insertions:
        return body, links
    insertions.sort()
    parts, at = [], 0
    for position, text in insertions:
        parts += [body[at:position], text]
        at = position
    parts.append(body[at:])
    offsets = [position for position, _text in insertions]
    lengths = [0]
    for _position, text in insertions:
        lengths.append(lengths[-1] + len(text))
    # No insertion falls inside a target: each link moves by those before it.
    moved = []
    for link in links:
        shift = lengths[bisect.bisect_right(offsets, link.start)]
        moved.append(dataclasses.replace(link, start=link.start + shift, end=link.end + shift))
    return "".join(parts), tuple(moved)


def _in_tag(body: str, link: BodyLink) -> tuple[int, bool] | None:
    """Where the sizes go in the ``<img>`` tag whose ``src`` is ``link`` (right after its
    name), unless it has a ``width`` or ``height``, or ``link`` is another tag's."""
    start = body.rfind("<", 0, link.start)  # an <img src>'s attributes before src hold no "<"
    tag = _IMG_TAG.match(body, start) if start >= 0 else None
    if tag is None or tag.end() <= link.start:
        return None
    names = {name.lower() for name in HTML_ATTRIBUTE.findall(tag.group(0)[4:])}
    if names & set(_SIZES):
        return None
    return start + 4, False


def _after_image(body: str, masked: str, link: BodyLink) -> tuple[int, bool] | None:
    """Where the sizes go after the Markdown image whose target is ``link``, and whether
    as a list of their own (else into the image's ``attr_list`` list, before its ``}``),
    unless ``link`` is a link's, a reference's definition, or the image has a size."""
    before = _BEFORE_TARGET.search(body, max(0, link.start - 40), link.start)
    after = _AFTER_TARGET.match(body, link.end)
    if before is None or after is None or not _is_image(masked, before.start()):
        return None
    written = _ATTRIBUTE_LIST.match(body, after.end())
    if written is None:
        return after.end(), True
    attributes, _rest = get_attrs_and_remainder(written.group(1))
    if any(name in _SIZES for name, _value in attributes):
        return None
    return written.end() - 1, False


def _escaped(text: str, at: int) -> bool:
    """Whether the character at ``at`` is escaped: an odd number of backslashes before."""
    count = 0
    while at - count > 0 and text[at - count - 1] == "\\":
        count += 1
    return count % 2 == 1


def _is_image(masked: str, closing: int) -> bool:
    """Whether the ``]`` at ``closing`` (in the body with its code blanked) closes an
    image's ``![…]``: its ``[`` found back within the paragraph, brackets nested."""
    depth = 0
    at = closing
    while at >= max(0, closing - _LONGEST_ALT):
        char = masked[at]
        if char == "\n":
            end = masked.find("\n", at + 1)
            if not masked[at + 1:end if end >= 0 else None].strip():
                return False  # a blank line: the paragraph's start
        if char in "[]" and not _escaped(masked, at):
            depth += 1 if char == "]" else -1
            if depth == 0:
                return at > 0 and masked[at - 1] == "!" and not _escaped(masked, at - 1)
        at -= 1
    return False
