"""Dateline's icon set (overrides/.icons/dateline/): empty <svg> elements that
docs/stylesheets/dateline.css draws. Every icon mkdocs.yml names must have its element
and its shape, and each shape must still be the Material icon it stands for."""

from __future__ import annotations

import re
from pathlib import Path

import material
import yaml

from tests.projects import REPO

MATERIAL_ICONS = Path(material.__file__).parent / "templates" / ".icons"
RULE = re.compile(r"\.dl-icon-([\w-]+) \{ /\* ([\w-]+/[\w-]+) \*/\s*--dl-icon: url\('data:image/svg\+xml;"
                  r"charset=utf-8,(<svg.*?</svg>)'\);")


def named_icons() -> set[str]:
    theme = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))["theme"]
    names = set(theme["icon"].values()) | {option["toggle"]["icon"] for option in theme["palette"]}
    return {name.removeprefix("dateline/") for name in names if name.startswith("dateline/")}


def test_every_icon_named_in_mkdocs_yml_has_an_element_and_a_shape() -> None:
    shapes = {name for name, _, _ in RULE.findall((REPO / "docs/stylesheets/dateline.css").read_text())}
    names = named_icons()
    assert names == {"logo", "menu", "night", "sun", "search", "back", "top"}
    assert names <= shapes
    for name in names:
        element = (REPO / "overrides/.icons/dateline" / f"{name}.svg").read_text(encoding="utf-8").strip()
        assert element == f'<svg class="dl-icon dl-icon-{name}" viewBox="0 0 24 24"></svg>'


def test_the_shapes_are_the_material_icons_they_replace() -> None:
    rules = RULE.findall((REPO / "docs/stylesheets/dateline.css").read_text(encoding="utf-8"))
    assert len(rules) == 7
    for name, icon, svg in rules:
        shipped = (MATERIAL_ICONS / f"{icon}.svg").read_text(encoding="utf-8").strip()
        assert svg == shipped, f".dl-icon-{name} no longer matches Material's {icon}"
        assert "#" not in svg and "'" not in svg  # both would end or break the data: address
