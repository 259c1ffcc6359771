"""Split a Markdown file into front matter and body, keeping line numbers.

python-frontmatter does the splitting; we add what it leaves to the caller: a BOM
that hides the opening ``---``, a missing closing ``---`` (silently body text), YAML
errors and duplicate keys, each reported with the line it is on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from frontmatter.default_handlers import YAMLHandler

from dateline.errors import Problem, Severity

_HANDLER = YAMLHandler()
BOM = "\ufeff"
INVALID = object()
"""Value of a field whose YAML could not be built; its problem is already reported."""


@dataclass(frozen=True)
class Field:
    """One front-matter key with its constructed value and where it stands."""

    key: str
    value: Any
    node: yaml.Node
    line: int
    offset: int
    """File line of the front matter's first line, to place nested nodes."""

    def item_lines(self) -> list[int]:
        """File lines of a sequence value's items (the key's line for a scalar)."""
        if isinstance(self.node, yaml.SequenceNode):
            return [self.offset + item.start_mark.line for item in self.node.value]
        return [self.line]

    @property
    def source_text(self) -> str:
        """The value as written, for messages (``no`` rather than ``False``)."""
        if isinstance(self.node, yaml.ScalarNode):
            return str(self.node.value)
        return repr(self.value)


@dataclass(frozen=True)
class Parsed:
    fields: dict[str, Field]
    body: str
    body_line: int
    """File line on which the body starts."""


def decode(data: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """An article file's bytes as text, or the problem naming the first byte that is not UTF-8."""
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return None, [Problem(path, line, "encoding", f"byte 0x{data[error.start]:02X} at position "
                              f"{error.start} is not UTF-8; save the file as UTF-8")]


def parse(text: str, path: str) -> tuple[Parsed | None, list[Problem]]:
    """Parse one article's text (already decoded, newlines normalised)."""
    problems: list[Problem] = []
    if text.startswith(BOM):
        text = text[len(BOM):]
        problems.append(Problem(path, 1, "encoding", "file starts with a UTF-8 byte-order mark; "
                                "it was ignored (save as UTF-8 without BOM)", Severity.WARNING))
    if not _HANDLER.detect(text):
        first = text.lstrip("\n").split("\n", 1)[0]
        hint = ("; it starts with spaces or blank lines, remove them"
                if first.strip().startswith("---") else "")
        problems.append(Problem(path, 1, "front matter",
                                f"missing: the file must start with a line '---'{hint}"))
        return None, problems

    lines = text.split("\n")
    closing = next((i for i in range(1, len(lines))
                    if _HANDLER.FM_BOUNDARY.fullmatch(lines[i])), None)
    if closing is None:
        problems.append(Problem(path, 1, "front matter",
                                "not closed: add a line '---' after the last key"))
        return None, problems

    # Cut at the lines themselves: the handler's own split (its boundary's "\s*$") takes
    # blank lines after the opening '---' with it, and every line number after them
    # would be short by as many.
    fm_text = "\n".join(lines[1:closing])
    body = "\n".join(lines[closing + 1:]).lstrip("\n")
    # The body is the end of the text; count the lines before it (blank ones included).
    body_line = (text.count("\n", 0, len(text) - len(body)) + 1 if body and text.endswith(body)
                 else closing + 2)
    fields, yaml_problems = _fields(fm_text, path, first_line=2)
    problems.extend(yaml_problems)
    if fields is None:
        return None, problems
    return Parsed(fields, body, body_line), problems


def _construct_failure(node: yaml.Node, error: Exception) -> str:
    """Why PyYAML could not build a value, in the user's terms."""
    if node.tag == "tag:yaml.org,2002:timestamp" and isinstance(node, yaml.ScalarNode):
        # PyYAML reads 2021-13-45 as a timestamp and then fails to build it.
        return f'"{node.value}" is not a valid date (use YYYY-MM-DD)'
    tag = _foreign_tag(node)
    if tag is not None:
        # SafeLoader refuses !!python/object and the like: never run, only reported.
        return f"the YAML tag {tag} is not allowed; write plain text, lists and dates"
    if "recursive" in str(error):
        return "refers to itself through a YAML alias (*name); write the value out"
    return f"cannot be read: {error}"


_STANDARD_TAG = "tag:yaml.org,2002:"
_PLAIN_TAGS = {f"{_STANDARD_TAG}{name}" for name in
               ("str", "int", "float", "bool", "null", "timestamp", "seq", "map")}


def _foreign_tag(node: yaml.Node) -> str | None:
    """The first tag in ``node`` that plain YAML text does not produce."""
    stack = [node]
    seen: set[int] = set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if current.tag not in _PLAIN_TAGS:
            return current.tag.replace(_STANDARD_TAG, "!!")
        if isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)
        elif isinstance(current, yaml.MappingNode):
            stack.extend(item for pair in current.value for item in pair)
    return None


FAST_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser where PyYAML has it: about ten times faster on front matter. Values
are still built by PyYAML's safe constructor, so they are the same either way."""


def _fields(source: str, path: str, first_line: int) -> tuple[dict[str, Field] | None, list[Problem]]:
    # Control characters: libyaml accepts some that PyYAML's reader refuses; such text
    # goes to the pure parser, which reports them.
    if FAST_LOADER is not yaml.SafeLoader and not yaml.reader.Reader.NON_PRINTABLE.search(source):
        try:
            fast = FAST_LOADER(source)
            try:
                return _read_mapping(fast, fast.get_single_node(), path, first_line)
            finally:
                fast.dispose()
        except yaml.YAMLError:
            pass  # the pure parser below words the error the way every message is tested
    return _fields_pure(source, path, first_line)


def _fields_pure(source: str, path: str, first_line: int) -> tuple[dict[str, Field] | None, list[Problem]]:
    try:
        # The reader refuses control characters as soon as it is made: inside the try.
        loader = yaml.SafeLoader(source)
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as error:
        # "while scanning a quoted scalar" points at where the trouble began, the
        # problem mark often at the end of the text: the first helps the user more.
        mark = error.context_mark or error.problem_mark
        line = first_line + (mark.line if mark else 0)
        what = f"{error.context}, {error.problem}" if error.context else error.problem
        return None, [Problem(path, line, "front matter", f"invalid YAML: {what}")]
    except yaml.reader.ReaderError as error:  # a control character, refused before parsing
        line = first_line + source.count("\n", 0, error.position)
        return None, [Problem(path, line, "front matter", f"a control character (U+{error.character:04X}) "
                              "is not allowed; remove it")]
    except yaml.YAMLError as error:
        return None, [Problem(path, first_line, "front matter", f"invalid YAML: {error}")]
    try:
        return _read_mapping(loader, root, path, first_line)
    finally:
        loader.dispose()


def _read_mapping(loader: yaml.SafeLoader, root: yaml.Node | None, path: str,
                  first_line: int) -> tuple[dict[str, Field] | None, list[Problem]]:
    if root is None:
        return {}, []
    if not isinstance(root, yaml.MappingNode):
        kind = "a list" if isinstance(root, yaml.SequenceNode) else "plain text"
        return None, [Problem(path, first_line + root.start_mark.line, "front matter",
                              f"must be 'key: value' lines, found {kind}")]

    fields: dict[str, Field] = {}
    problems: list[Problem] = []
    for key_node, value_node in root.value:
        line = first_line + key_node.start_mark.line
        if not isinstance(key_node, yaml.ScalarNode) or key_node.tag != "tag:yaml.org,2002:str":
            # A list or mapping as a key has no readable name of its own.
            label = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else "front matter"
            problems.append(Problem(path, line, label, "keys must be words such as 'title'"))
            continue
        key = key_node.value
        if key in fields:
            problems.append(Problem(path, line, key,
                                    f"appears twice (first on line {fields[key].line})"))
            continue
        try:
            value = loader.construct_object(value_node, deep=True)
        except (ValueError, TypeError, yaml.YAMLError) as error:
            problems.append(Problem(path, line, key, _construct_failure(value_node, error)))
            value = INVALID
        fields[key] = Field(key, value, value_node, line, first_line)
    return fields, problems
