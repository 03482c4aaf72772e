"""Read a YAML file into plain Python data while remembering the line of every value, and the
one shape of a problem found in a data file.

`faq-bot check` and the safety rules loader must point at the exact line of a problem, which
plain `yaml.safe_load` forgets. Values are built from the composed node tree instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

Path_ = tuple[str | int, ...]
# libyaml's composer, where PyYAML was built with it, is many times faster; both keep every
# node's line.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a data file, and where."""

    file: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else str(self.file)
        return f"{where}: {self.message}"


class YamlError(Exception):
    """A file that cannot be read or parsed, with where it went wrong."""

    def __init__(self, file: Path, line: int | None, message: str) -> None:
        super().__init__(message)
        self.file, self.line, self.message = file, line, message


@dataclass
class YamlDoc:
    """Parsed data plus a map from each value's path (keys and indexes) to its line."""

    file: Path
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)

    def line(self, *path: str | int) -> int:
        """The line of the value at `path`, or of its nearest ancestor that has one."""
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)


def _build(node: yaml.Node, path: Path_, lines: dict[Path_, int], file: Path,
           seen: set[int] | None = None) -> Any:
    seen = set() if seen is None else seen
    if id(node) in seen:
        # An alias: FAQ files never need one, and expanding them invites "billion laughs".
        raise YamlError(file, node.start_mark.line + 1, "anchors and aliases (&name, *name) are "
                        "not allowed in these files; write the value out")
    seen.add(id(node))
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlError(file, key_node.start_mark.line + 1, "a mapping key must be text")
            key = key_node.value
            if key in out:
                raise YamlError(
                    file, key_node.start_mark.line + 1, f"the key {key!r} appears twice here"
                )
            out[key] = _build(value_node, (*path, key), lines, file, seen)
            lines[(*path, key)] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, (*path, i), lines, file, seen) for i, item in enumerate(node.value)]
    try:
        return yaml.SafeLoader("").construct_object(node)
    except (yaml.YAMLError, ValueError, TypeError) as exc:  # unknown tag, impossible date, ...
        raise YamlError(file, node.start_mark.line + 1,
                        f"this value cannot be read ({str(exc).splitlines()[0]}); "
                        "write it as plain text in quotes") from None


def read_yaml(file: Path) -> YamlDoc:
    """Parse `file`; raise YamlError naming the file and line when it cannot be read."""
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise YamlError(file, None, "the file is missing") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise YamlError(file, None, f"the file cannot be read: {exc}") from None
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise YamlError(file, line, f"malformed YAML: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise YamlError(file, None, f"malformed YAML: {exc}") from None
    doc = YamlDoc(file, None)
    if node is not None:
        doc.data = _build(node, (), doc.lines, file)
    return doc
