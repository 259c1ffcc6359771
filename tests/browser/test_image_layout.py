"""Article images in Chromium: the room is kept before the image arrives, and nothing
below it moves (the sizes read from the file, :mod:`dateline.images`)."""

from __future__ import annotations

from typing import Any

import pytest

from dateline.build import build
from tests.browser.conftest import serve
from tests.projects import Project, article
from tests.test_image_sizes import PAGE, png

pytestmark = [pytest.mark.browser, pytest.mark.slow]



def test_the_text_below_an_image_does_not_move_as_it_loads(project: Project, page: Any) -> None:
    project.write("2021/kandahar/index.md", article(title="Kandahar", cities="[Kandahar]",
                                                    body="Before.\n\n![Runway](runway.png)\n\nAfter.\n"))
    project.write("2021/kandahar/runway.png", png(1200, 800))
    build(project.settings)
    held: list[Any] = []
    page.set_viewport_size({"width": 375, "height": 700})  # a phone: the image is shrunk to the text's width
    page.route("**/runway.png", lambda route: held.append(route))  # the image waits until let go
    where = """() => { const image = document.querySelector('article img');
        const after = [...document.querySelectorAll('article p')].find(p => p.textContent === 'After.');
        const box = image.getBoundingClientRect();
        return [box.width, box.height, after.getBoundingClientRect().top, image.naturalWidth]; }"""
    with serve(project.site) as url:
        page.goto(f"{url}{PAGE.removesuffix('index.html')}", wait_until="domcontentloaded")
        for _wait in range(500):
            if held:
                break
            page.wait_for_timeout(20)
        assert held, "the page never asked for its image"
        width, height, below, natural = page.evaluate(where)
        assert natural == 0  # not loaded yet
        assert 300 < width < 375 and height == pytest.approx(width * 800 / 1200, abs=1)
        held[0].continue_()
        page.wait_for_function("() => document.querySelector('article img').naturalWidth > 0")
        assert page.evaluate(where) == [width, height, below, 1200]
