"""Add city names to an article's ``cities:`` list without touching anything else.

``dateline annotate --write`` edits files people wrote by hand, so a YAML round trip is
out: it would drop comments, reorder keys and requote values. Instead the YAML parser
only says *where* the list is (line and column of each node), and the new names are
spliced in as text, in the list's own style: a block list gets ``  - Name`` lines with
the same indentation, a flow list ``[A, B]`` gets ``, Name`` after its last item. Every
other byte of the file, the body included, stays as it was, line endings too. The result
is read back before it is kept: unless it reads as the old list and the new names, the
file is left alone and the user told to add them by hand.
"""

from __future__ import annotations

import dataclasses
import json
import stat
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from frontmatter.default_handlers import YAMLHandler

from dateline.cities import CityResolver
from dateline.detect import Mention, find_cities, prose_of_markdown
from dateline.errors import Problem, Severity
from dateline.frontmatter_yaml import BOM, FAST_LOADER, Parsed, decode, parse
from dateline.gazetteer import Gazetteer, Place
from dateline.placecheck import describe, how_to_choose
from dateline.placenames import name_key
from dateline.writer import atomic_write


@dataclass(frozen=True)
class Annotation:
    """What ``annotate`` would do to one article file."""

    path: str
    found: tuple[Mention, ...]
    """Every city the body mentions, in order of first mention, with counts."""
    listed: tuple[Place, ...]
    """Places the ``cities:`` list already names (names that resolve), read as ``check``
    reads them; the same names in the text mean these places."""
    additions: tuple[Mention, ...]
    """Found cities the list lacks: what ``--write`` adds, by display name."""
    text: str
    """The file's text with the additions written in (the input itself when none)."""
    problems: tuple[Problem, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.additions) and not any(p.is_error for p in self.problems)


def annotate_text(text: str, path: str, gazetteer: Gazetteer) -> Annotation:
    """Find the cities in one article's body and plan their addition to ``cities:``.

    ``text`` is the file exactly as read (decode the bytes; do not translate newlines),
    so that writing ``Annotation.text`` back changes nothing but the list.
    """
    parsed, problems = parse(text.removeprefix(BOM).replace("\r\n", "\n"), path)
    if parsed is None or any(p.is_error for p in problems):
        return Annotation(path, (), (), (), text, tuple(problems))
    field = parsed.fields.get("cities")
    value = field.value if field is not None else None
    names = [n for n in (value if isinstance(value, list) else [value]) if isinstance(n, str)]
    # Read the list as check does: its unambiguous places decide its namesakes.
    prefer = CityResolver(gazetteer).context(names) if len(names) > 1 else ()
    listed = tuple(p for n in names if (p := gazetteer.resolve(n, prefer).place))
    found = tuple(find_cities(prose_of_markdown(parsed.body), gazetteer, listed))
    ids = {p.id for p in listed}
    taken = {name_key(n) for n in names}
    additions: list[Mention] = []
    for mention in (m for m in found if m.place.id not in ids):
        if name_key(mention.place.name) in taken:  # add_cities would skip it: say why
            problems.append(_name_taken(gazetteer, mention, path, field.line if field else 0))
        else:
            taken.add(name_key(mention.place.name))
            additions.append(mention)
    new_text, more = add_cities(text, [m.place.name for m in additions], path)
    return Annotation(path, found, listed, tuple(additions), new_text, tuple(problems + more))


def _name_taken(gazetteer: Gazetteer, mention: Mention, path: str, line: int) -> Problem:
    """A found place whose name the list already gives another place (the text's
    ``Haidarabad`` is Hyderabad, Pakistan; the list's ``Hyderabad`` is India's)."""
    place = mention.place
    written = how_to_choose(gazetteer, place.name, place)  # as check words it
    return Problem(path, line, "cities", f'the text names {describe(place)} ("{mention.names[0]}"), '
                   f'but "{place.name}" in cities: is another place; to add it, write "{written}"',
                   Severity.WARNING)


def yaml_text(name: str) -> str:
    """``name`` as a YAML scalar: plain where YAML reads it back unchanged, else quoted."""
    try:
        plain_ok = yaml.safe_load(name) == name and "#" not in name and "\n" not in name
    except yaml.YAMLError:
        plain_ok = False
    return name if plain_ok and name.strip() == name else json.dumps(name, ensure_ascii=False)


def _newline(line: str) -> str:
    return "\r\n" if line.endswith("\r\n") else "\n"


def add_cities(text: str, names: Sequence[str], path: str = "") -> tuple[str, list[Problem]]:
    """``text`` with ``names`` appended to its ``cities:`` (created if missing).

    Names already listed (in any spelling that folds to the same key) are skipped.
    On a problem (no front matter, invalid YAML, ``cities`` not a list of names) the text
    comes back unchanged with the problems; ``annotate`` then reports them like ``check``.
    """
    bom = BOM if text.startswith(BOM) else ""
    normalised = text[len(bom):].replace("\r\n", "\n")
    parsed, problems = parse(normalised, path)
    errors = [p for p in problems if p.is_error]
    if parsed is None or errors:
        return text, errors or problems
    field = parsed.fields.get("cities")
    existing: list[str] = []
    if field is not None and field.value is not None:
        value = field.value if isinstance(field.value, list) else [field.value]
        if not all(isinstance(v, str) for v in value):
            return text, [Problem(path, field.line, "cities",
                                  "is not a list of names; add the cities by hand")]
        existing = value
    seen = {name_key(n) for n in existing}
    new = []
    for name in names:
        if name_key(name) not in seen:
            seen.add(name_key(name))
            new.append(name)
    if not new:
        return text, []

    lines = text[len(bom):].splitlines(keepends=True)
    items = [yaml_text(n) for n in new]
    closing = _closing_line(lines)
    if closing is None:  # parse() found it: a guard, never a crash
        return text, [_by_hand(path, 1, "front matter", "its closing '---' line is not clear")]
    if field is None:
        nl = _newline(lines[0])
        lines[closing:closing] = [f"cities:{nl}", *(f"  - {item}{nl}" for item in items)]
    elif (key_and_node := _cities_nodes(lines[1:closing])) is None:
        return text, [_by_hand(path, field.line, "cities", "cannot be found in the front matter")]
    elif not _splice(lines, key_and_node[1], key_and_node[0].start_mark.line + 1, items):
        return text, [_by_hand(path, field.line, "cities", "is written over several lines")]
    result = bom + "".join(lines)
    if not _reads_as(result, parsed, existing + new):
        return text, [_by_hand(path, field.line if field else closing + 1, "cities",
                               "is written in a way annotate cannot add to")]
    return result, []


def _by_hand(path: str, line: int, field: str, why: str) -> Problem:
    return Problem(path, line, field, f"{why}; add the cities by hand")


def _closing_line(lines: list[str]) -> int | None:
    """Index of the front matter's closing line, found by the rule ``check`` uses
    (``----`` and ``---`` with spaces close it too; a later ``---`` is the body's)."""
    boundary = YAMLHandler.FM_BOUNDARY
    return next((i for i in range(1, len(lines)) if boundary.fullmatch(lines[i])), None)


def _cities_nodes(front_matter: list[str]) -> tuple[yaml.Node, yaml.Node] | None:
    """The ``cities`` key's node and its value's, from our own parse of exactly the
    front-matter lines, so that a node's line is its index in the file's lines less one.

    The parser is the one ``check`` reads front matter with: libyaml takes a tab after
    ``title:``, which PyYAML's own parser refuses, and a file ``check`` accepts must not
    fail here. None if it reads the lines otherwise after all (reported, never a crash)."""
    try:
        root = yaml.compose("".join(front_matter).replace("\r\n", "\n"), Loader=FAST_LOADER)
    except yaml.YAMLError:
        return None
    if not isinstance(root, yaml.MappingNode):
        return None
    return next(((k, v) for k, v in root.value if k.value == "cities"), None)


def _reads_as(text: str, before: Parsed, cities: list[str]) -> bool:
    """Whether ``text`` reads as ``before`` with ``cities`` for its list and nothing else
    changed: the last guard, so that a list written in a way the splicing did not foresee
    is reported and left alone, never written out broken."""
    after, problems = parse(text.removeprefix(BOM).replace("\r\n", "\n"), "")
    if after is None or any(p.is_error for p in problems) or after.body != before.body:
        return False
    expected = {key: field.value for key, field in before.fields.items()} | {"cities": cities}
    return {key: field.value for key, field in after.fields.items()} == expected


def _splice(lines: list[str], node: yaml.Node, key_index: int, items: list[str]) -> bool:
    """Insert ``items`` into the value ``node`` of the key on ``lines[key_index]``."""
    def at(mark: yaml.Mark) -> int:
        return mark.line + 1  # the opening "---" is lines[0]

    if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
        first, last = node.value[0], node.value[-1]
        prefix = lines[at(first.start_mark)][:first.start_mark.column]
        if prefix.strip() != "-":  # an item not on its own dash line: use the usual form
            prefix = "  - "
        after = at(last.end_mark)
        # A plain scalar ends on its own line; a quoted or block one may end at column 0 below.
        if last.end_mark.column == 0 and after > at(last.start_mark):
            after -= 1
        nl = _newline(lines[after])
        lines[after + 1:after + 1] = [f"{prefix}{item}{nl}" for item in items]
        return True
    if isinstance(node, yaml.SequenceNode):
        # Right after the last item, not before the "]": a trailing comma ("[Herat,]"),
        # spaces, a comment or a line break may come between them.
        mark = node.value[-1].end_mark if node.value else node.end_mark
        row, column = at(mark), mark.column if node.value else mark.column - 1  # or at "]"
        line = lines[row]
        joined = ", ".join(items)
        lines[row] = f"{line[:column]}{', ' if node.value else ''}{joined}{line[column:]}"
        return True
    if node.start_mark.line != node.end_mark.line:
        return False
    if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null" \
            and node.start_mark.index == node.end_mark.index:
        nl = _newline(lines[key_index])
        lines[key_index + 1:key_index + 1] = [f"  - {item}{nl}" for item in items]
    else:  # a single name or an explicit null written on the key's line
        row = at(node.start_mark)
        start, end = node.start_mark.column, node.end_mark.column
        line = lines[row]
        old = [] if node.tag == "tag:yaml.org,2002:null" else [line[start:end]]
        lines[row] = f"{line[:start]}[{', '.join(old + items)}]{line[end:]}"
    return True


def article_paths(paths: Sequence[Path]) -> tuple[list[Path], list[Problem]]:
    """The article files named, folders searched for ``*.md``; a missing path is a problem."""
    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.md") if not any(
                part.startswith(".") for part in p.relative_to(path).parts)))
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem(str(path), 0, "path", "not found"))
    return files, problems


def annotate_file(path: Path, display: str, gazetteer: Gazetteer, *, write: bool) -> Annotation:
    """Plan (and with ``write``, make) the additions for one file, byte-exact elsewhere.

    A file that cannot be read (a folder named ``*.md``, a dangling link) or written (a
    read-only file or folder, a full disk) is a problem of its own, so that the other
    files are still annotated."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # reading a pipe would wait for a writer
            odd = Problem(display, 0, "file", "is not a plain file; skipped")
            return Annotation(display, (), (), (), "", (odd,))
        data = path.read_bytes()
    except OSError as error:
        reason = (error.strerror or type(error).__name__).lower()
        unreadable = Problem(display, 0, "file", f"cannot be read ({reason})")
        return Annotation(display, (), (), (), "", (unreadable,))
    text, problems = decode(data, display)
    if text is None:
        return Annotation(display, (), (), (), "", tuple(problems))
    result = annotate_text(text, display, gazetteer)
    if write and result.changed:
        try:
            atomic_write(path, result.text.encode("utf-8"))
        except OSError as error:  # read-only, a full disk: said, and the other files done
            reason = (error.strerror or type(error).__name__).lower()
            refused = Problem(display, 0, "file", f"cannot be written ({reason}); its cities were not added")
            return dataclasses.replace(result, problems=(*result.problems, refused))
    return result
