"""Images in articles get their width and height, so that pages do not jump as they load."""

from __future__ import annotations

import html
import struct
import subprocess
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from dateline.bodylinks import relative_links
from dateline.build import build, generate
from dateline.images import ImageSizes, sizes_key, with_sizes
from dateline.sanitize import image_side, sanitize_html
from tests.projects import Project, article

# Image files made here, headers and all: imagesize reads no further than the size.


def png(width: int, height: int) -> bytes:
    """A whole grey PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    rows = (b"\x00" + bytes(width)) * height
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def jpeg(width: int, height: int) -> bytes:
    """A JPEG's start, JFIF and frame headers."""
    frame = struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00"
    jfif = b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    return (b"\xff\xd8\xff\xe0" + struct.pack(">H", len(jfif) + 2) + jfif
            + b"\xff\xc0" + struct.pack(">H", len(frame) + 2) + frame + b"\xff\xd9")


def webp(width: int, height: int) -> bytes:
    """A WebP's RIFF header and its extended-format chunk (the canvas size)."""
    canvas = bytes(4) + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    riff = b"WEBP" + b"VP8X" + struct.pack("<I", len(canvas)) + canvas
    return b"RIFF" + struct.pack("<I", len(riff)) + riff


def gif(width: int, height: int) -> bytes:
    return b"GIF89a" + struct.pack("<HH", width, height) + b"\x00\x00\x00;"


# The sanitiser: sizes in pixels survive, anything else goes.

@pytest.mark.parametrize("value", ["0", "1", "640", "00012", "99999"])
def test_a_size_in_pixels_is_kept(value: str) -> None:
    assert image_side(value) == value
    assert sanitize_html(f'<img src="a.png" alt="" width="{value}" height="{value}">') == \
        f'<img src="a.png" alt="" width="{value}" height="{value}">'


@pytest.mark.parametrize("value", ["", "50%", "10em", "640px", "calc(100% - 1px)", "-1", "+1", " 640", "640 ",
                                   "1e3", "1.5", "100000", "６４０", "javascript:alert(1)", '1" onerror="x'])
def test_any_other_size_is_dropped(value: str) -> None:
    assert image_side(value) is None
    for trusted in (False, True):
        written = html.escape(value)
        cleaned = sanitize_html(f'<img src="a.png" alt="" WIDTH="{written}" height=\'{written}\'>', trusted)
        assert cleaned == '<img src="a.png" alt="">'


def test_only_images_have_sizes() -> None:
    assert sanitize_html('<p width="1" height="2">x</p><td width="3">y</td>') == "<p>x</p>y"
    assert sanitize_html('<table><tr><td width="3">y</td></tr></table>', True) == \
        "<table><tbody><tr><td>y</td></tr></tbody></table>"


def test_a_page_without_sizes_is_cleaned_as_before() -> None:
    assert sanitize_html('<img src="a.png" alt="x" onerror="alert(1)"><script>x</script>') == \
        '<img src="a.png" alt="x">'


# Reading the sizes.

def test_sizes_are_read_from_each_kind_of_image(tmp_path: Path) -> None:
    files = {"a.png": png(64, 48), "b.jpg": jpeg(1200, 800), "c.JPEG": jpeg(3, 4), "d.webp": webp(800, 600),
             "e.gif": gif(16, 9), "broken.png": b"\x89PNG\r\n\x1a\nnot a png", "empty.jpg": b"",
             "huge.png": png(1, 1).replace(struct.pack(">II", 1, 1), struct.pack(">II", 100_000, 1), 1),
             "doc.pdf": b"%PDF-1.4"}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    sizes = ImageSizes(tmp_path)
    assert {name: sizes(name) for name in [*files, "gone.png"]} == {
        "a.png": (64, 48), "b.jpg": (1200, 800), "c.JPEG": (3, 4), "d.webp": (800, 600), "e.gif": (16, 9),
        "broken.png": None, "empty.jpg": None, "huge.png": None, "doc.pdf": None, "gone.png": None}
    (tmp_path / "a.png").write_bytes(png(1, 1))
    assert sizes("a.png") == (64, 48)  # read once a build


# Where they are written in the page's Markdown.

ASSETS = {f"articles/{name}": f"articles/files/{name}" for name in ("a.jpg", "b.png", "doc.pdf")}


def sized(body: str, size: Callable[[str], tuple[int, int] | None] = lambda _path: (640, 427)) -> str:
    links = relative_links(body)
    text, moved = with_sizes(body, links, "articles/x.md", ASSETS, size)
    assert [text[link.start:link.end] for link in moved] == [link.target for link in links]
    return text


@pytest.mark.parametrize(("body", "expected"), [
    ("![Airport](a.jpg)", "![Airport](a.jpg){width=640 height=427}"),
    ('![Airport](<a.jpg> "At dawn") after', '![Airport](<a.jpg> "At dawn"){width=640 height=427} after'),
    ("[![Thumb](a.jpg)](b.png)", "[![Thumb](a.jpg){width=640 height=427}](b.png)"),
    ("![a [nested] alt](a.jpg)", "![a [nested] alt](a.jpg){width=640 height=427}"),
    ("![Styled](a.jpg){: .wide }", "![Styled](a.jpg){: .wide  width=640 height=427}"),
    ('<img src="a.jpg" alt="A">', '<img width="640" height="427" src="a.jpg" alt="A">'),
    ("<IMG alt=A src=a.jpg />", '<IMG width="640" height="427" alt=A src=a.jpg />'),
    ("![Across\n\nparagraphs](a.jpg) ![One](a.jpg)", "![Across\n\nparagraphs](a.jpg) ![One](a.jpg){width=640 height=427}"),
    ("![One](a.jpg) and ![two](b.png)", "![One](a.jpg){width=640 height=427} and ![two](b.png){width=640 height=427}"),
])
def test_an_image_without_a_size_gets_its_files(body: str, expected: str) -> None:
    assert sized(body) == expected


@pytest.mark.parametrize("body", [
    "![Sized](a.jpg){width=320}",  # the author's size
    "![Sized](a.jpg){: height=200 .x}",
    '<img src="a.jpg" alt="A" width="320" height="213">',
    '<img src="a.jpg" alt="A" height="50%">',  # the author's, which the sanitiser drops
    "[A link](a.jpg), not an image",
    '<a href="a.jpg">a link</a>',
    "\\![An escaped mark](a.jpg): a link",
    "`![Code](a.jpg)` and\n\n    ![code](a.jpg)\n",
    "![Remote](https://example.org/a.jpg) ![Other](//example.org/a.jpg)",
    "![From the root](/assets/a.jpg)",
    "![A document](doc.pdf)",
    "![By reference][ref]\n\n[ref]: a.jpg\n",
])
def test_other_images_and_links_are_left_as_written(body: str) -> None:
    assert sized(body) == body


def test_an_image_whose_size_is_unknown_is_left_as_written() -> None:
    assert sized("![Broken](a.jpg) ![Fine](b.png)", lambda path: (1, 2) if path.endswith("png") else None) == \
        "![Broken](a.jpg) ![Fine](b.png){width=1 height=2}"


def test_the_page_key_holds_the_sizes() -> None:
    body = "![A](a.jpg) [doc](doc.pdf) ![B](b.png)"
    links = relative_links(body)
    assert sizes_key(links, "articles/x.md", ASSETS, lambda path: (1, 2) if path.endswith("png") else None) == \
        "- 1x2"


# Real builds.

BODY = """\
![Airport at dawn](photos/airport.png)

![Runway](runway.jpg "The runway")

<figure markdown>
<img src="photos/map.webp" alt="Map of the offensive">
</figure>

![Author sized](photos/airport.png){width=320 height=213}

![Percent](runway.jpg){width=50% height=10em}

<img src="runway.jpg" alt="Bad sizes" width="calc(100px)" height="javascript:alert(1)">

![Remote](https://example.org/photo.jpg)

![Broken](broken.png)
"""
PAGE = "articles/2021/08/13/kandahar/index.html"


def image_sizes(page: str) -> dict[str, tuple[str | None, str | None]]:
    images = BeautifulSoup(page, "html.parser").select("article img")
    return {str(img["alt"]): (img.get("width"), img.get("height")) for img in images}  # type: ignore[misc]


def write_article(project: Project) -> None:
    project.write("2021/kandahar/index.md", article(title="Kandahar", cities="[Kandahar]", body=BODY))
    project.write("2021/kandahar/photos/airport.png", png(64, 43))
    project.write("2021/kandahar/runway.jpg", jpeg(1200, 800))
    project.write("2021/kandahar/photos/map.webp", webp(800, 600))
    project.write("2021/kandahar/broken.png", b"\x89PNG\r\n\x1a\ncut short")


@pytest.mark.slow
def test_a_build_sizes_the_images_and_remakes_a_page_whose_image_changed(project: Project) -> None:
    write_article(project)
    build(project.settings)
    page = project.site / PAGE
    assert image_sizes(page.read_text(encoding="utf-8")) == {
        "Airport at dawn": ("64", "43"), "Runway": ("1200", "800"), "Map of the offensive": ("800", "600"),
        "Author sized": ("320", "213"), "Percent": (None, None), "Bad sizes": (None, None),
        "Remote": (None, None), "Broken": (None, None)}
    assert "![Airport at dawn](../../../files/2021/kandahar/photos/airport.png){width=64 height=43}" in \
        (project.docs / "articles/2021/08/13/kandahar.md").read_text(encoding="utf-8")

    # A new photo under the same name: the page memo's key holds the sizes.
    project.write("2021/kandahar/photos/airport.png", png(30, 20))
    result = build(project.settings)
    assert result.rendered is not None  # a build of the changes, not of everything
    sizes = image_sizes(page.read_text(encoding="utf-8"))
    assert sizes["Airport at dawn"] == ("30", "20")
    assert sizes["Author sized"] == ("320", "213")


ZENSICAL = Path(sys.executable).with_name("zensical")


@pytest.mark.slow
def test_zensical_builds_the_sized_images(project: Project) -> None:
    project.write("2021/kandahar/index.md", article(title="Kandahar", cities="[Kandahar]",
                                                    body="![Airport](airport.png) <img src=airport.png alt=Tag>\n"))
    project.write("2021/kandahar/airport.png", png(64, 43))
    generate(project.settings)
    result = subprocess.run([str(ZENSICAL), "build", "-f", "mkdocs.yml"], cwd=project.root,
                            capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert image_sizes((project.site / PAGE).read_text(encoding="utf-8")) == {
        "Airport": ("64", "43"), "Tag": ("64", "43")}
