"""Safe YAML reading with line numbers, for untrusted case files.

PyYAML composes the document into nodes that carry their position; we turn
the nodes into plain Python data ourselves, recording where every value and
every mapping key stands. Safety:

- only the standard tags (str, int, float, bool, null, map, seq, and
  timestamps kept as text) are accepted: ``!!python/...`` and any other
  application tag is an error, never constructed;
- YAML 1.2 core-schema scalars: only ``true``/``false`` are booleans (``no``,
  ``on`` and ``yes`` stay text), ``.inf``/``.nan`` are not numbers, and dates
  stay text until the model parses them;
- merge keys (``<<``) are not supported (they allow an expansion bomb the
  composer would build before we could count it), duplicate keys are errors;
- files larger than :data:`MAX_BYTES` are refused; aliases are followed but
  the expanded document may hold at most :data:`MAX_NODES` nodes and
  :data:`MAX_DEPTH` levels, so an alias bomb ("billion laughs") is rejected
  after a bounded amount of work and memory. Recursive aliases are errors;
- every text (values and keys) is at most :data:`MAX_TEXT` characters and
  holds no control character other than tab and newline, and no bidi
  embedding, override or isolate (U+202A–U+202E, U+2066–U+2069): such
  characters, which YAML's escapes allow, are errors located at the value
  and naming the character and its position, so nothing downstream (the
  terminal, the reports, the exports) ever sees them;
- every number lies within ±:data:`MAX_NUMBER`.

A value that breaks one of these rules is reported, and replaced in the
data by a harmless stand-in, so that later checks never echo it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from engine.model.errors import UNSAFE_CHARACTERS, Problem, excerpt
from engine.model.parse import MAX_NUMBER

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_NODES",
    "MAX_NUMBER",
    "MAX_TEXT",
    "Located",
    "YamlProblems",
    "read_yaml",
]

MAX_BYTES = 1 << 20
MAX_NODES = 100_000
MAX_DEPTH = 64
#: The longest text (a value or a key), in characters.
MAX_TEXT = 20_000

Path_ = tuple[Hashable, ...]

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"
_NULL = "tag:yaml.org,2002:null"
_TS = "tag:yaml.org,2002:timestamp"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_ALLOWED = {_STR, _INT, _FLOAT, _BOOL, _NULL, _TS, _MAP, _SEQ}


class _TooDeep(Exception):
    def __init__(self, mark: Any):
        self.mark = mark


class _CoreLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core-schema implicit typing (no merges, no timestamps).

    Composition stops at :data:`MAX_DEPTH` levels, before Python's recursion
    limit is anywhere near.
    """

    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012 (PyYAML's own class attribute)
    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH + 1:
                raise _TooDeep(self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_CoreLoader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_CoreLoader.add_implicit_resolver(
    _NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_CoreLoader.add_implicit_resolver(
    _INT, re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789")
)
_CoreLoader.add_implicit_resolver(
    _FLOAT,
    re.compile(r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"),
    list("-+0123456789."),
)


if getattr(yaml, "__with_libyaml__", False):

    class _CoreCLoader(yaml.CSafeLoader):
        """libyaml's parser with the same core-schema resolvers (much faster)."""

        yaml_implicit_resolvers = _CoreLoader.yaml_implicit_resolvers

    _FAST: type | None = _CoreCLoader
else:  # pragma: no cover - PyYAML built without libyaml
    _FAST = None

_OPEN = (yaml.MappingStartEvent, yaml.SequenceStartEvent)
_CLOSE = (yaml.MappingEndEvent, yaml.SequenceEndEvent)


def _check_depth(text: str) -> None:
    """Reject deep nesting from the event stream (iterative), before composing.

    libyaml's composer recurses on the C stack, so depth must be bounded
    before it runs; the event parser itself is a state machine.
    """
    assert _FAST is not None
    loader = _FAST(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, _OPEN):
                depth += 1
                if depth > MAX_DEPTH + 1:
                    raise _TooDeep(event.start_mark)
            elif isinstance(event, _CLOSE):
                depth -= 1
    finally:
        loader.dispose()


class YamlProblems(Exception):
    """Internal: problems found while reading one file (gathered by the loader)."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems)
        self.problems = problems


@dataclass
class Located:
    """Plain data read from a YAML file, with the position of every part.

    ``where(path)`` gives the 1-based (line, column) of the value at ``path``
    (a tuple of mapping keys and list indices); ``where_key(path)`` that of
    the mapping key that ends ``path``. Both fall back to the nearest known
    ancestor, so every problem gets a location.
    """

    data: Any
    file: str
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)  # non-fatal: the data is still usable
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path_) -> tuple[int, int]:
        path = tuple(path)
        while path not in self.values and path:
            path = path[:-1]
        return self.values.get(path, (1, 1))

    def where_key(self, path: Path_) -> tuple[int, int]:
        path = tuple(path)
        return self.keys[path] if path in self.keys else self.where(path)

    def problem(self, path: Path_, message: str, *, key: bool = False) -> Problem:
        line, col = self.where_key(path) if key else self.where(path)
        return Problem(self.file, line, col, format_path(path), message)


def format_path(path: Path_) -> str:
    """``('statements', 2, 'positions', 'nato')`` → ``statements[2].positions.nato``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _line_col(text: str, index: int) -> tuple[int, int]:
    before = text[:index]
    line = before.count("\n") + 1
    return line, index - (before.rfind("\n") + 1) + 1


def read_yaml(path: Path, display: str | None = None) -> Located:
    """Read one YAML file safely; raise :class:`YamlProblems` with located problems."""
    shown = display or str(path)
    node = _compose(_read_text(path, shown), shown)
    if node is None:
        raise _fail(shown, "file is empty; expected a YAML mapping (key: value lines)")
    converter = _Converter(Located(None, shown))
    try:
        converter.located.data = converter.value(node, (), 0, set())
    except RecursionError:
        raise _fail(shown, _TOO_DEEP) from None
    converter.located.problems = converter.problems
    return converter.located


_TOO_DEEP = f"nesting is too deep; at most {MAX_DEPTH} levels are allowed"


def _fail(shown: str, message: str, line: int = 1, col: int = 1) -> YamlProblems:
    return YamlProblems([Problem(shown, line, col, "", message)])


def _read_text(path: Path, shown: str) -> str:
    """The file's text: at most :data:`MAX_BYTES`, UTF-8 (a byte-order mark is dropped)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise _fail(shown, f"cannot read file: {exc.strerror or exc}") from None
    if size > MAX_BYTES:
        raise _fail(
            shown, f"file is {size:,} bytes; the limit is {MAX_BYTES:,} bytes (1 MiB) a file"
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _fail(shown, f"cannot read file: {exc.strerror or exc}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _fail(
            shown, f"not valid UTF-8 text (byte {exc.start}); save the file as UTF-8", line
        ) from None


def _compose(text: str, shown: str) -> yaml.Node | None:
    """The document's node tree (``None`` when empty); syntax errors and deep nesting are located."""
    loader: Any = None
    try:
        if _FAST is not None:
            _check_depth(text)
            loader = _FAST(text)
        else:
            loader = _CoreLoader(text)
        return loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = "; ".join(s for s in (exc.context, exc.problem) if s)
        raise _fail(shown, f"YAML syntax error: {what}", line, col) from None
    except yaml.reader.ReaderError as exc:
        line, col = _line_col(text, exc.position)
        raise _fail(
            shown, f"YAML syntax error: character {exc.character!r} is not allowed", line, col
        ) from None
    except yaml.YAMLError as exc:
        raise _fail(shown, f"YAML syntax error: {exc}") from None
    except _TooDeep as exc:
        raise _fail(shown, _TOO_DEEP, exc.mark.line + 1, exc.mark.column + 1) from None
    except RecursionError:
        raise _fail(shown, _TOO_DEEP) from None
    finally:
        if loader is not None:
            loader.dispose()


_KEY_TAGS = (_STR, _INT, _FLOAT, _BOOL, _NULL, _TS)


@dataclass
class _Converter:
    """Turns nodes into plain data, recording positions; counts nodes to stop alias bombs.

    Refused tags and bad or duplicate keys are recorded in ``problems`` and
    reading goes on; a node budget overrun, too deep nesting or a recursive
    alias stops it (:class:`YamlProblems`).
    """

    located: Located
    problems: list[Problem] = field(default_factory=list)
    budget: int = MAX_NODES

    def value(self, n: yaml.Node, path: Path_, depth: int, active: set[int]) -> Any:
        shown = self.located.file
        self.budget -= 1
        if self.budget < 0:
            raise _fail(
                shown,
                f"the document expands to more than {MAX_NODES:,} nodes (alias expansion "
                "bomb?); write the data out or use fewer aliases",
                *_mark(n),
            )
        if depth > MAX_DEPTH:
            raise _fail(shown, _TOO_DEEP, *_mark(n))
        if id(n) in active:
            raise _fail(shown, "recursive alias: a node contains itself", *_mark(n))
        self.located.values[path] = _mark(n)
        if n.tag not in _ALLOWED:
            self._problem(
                n,
                path,
                f"YAML tag '{n.tag}' is not allowed; only plain YAML data (text, numbers, "
                "true/false, null, lists, mappings) is read",
            )
            return None
        if isinstance(n, yaml.ScalarNode):
            return self._checked(n, path, _scalar(n))
        active.add(id(n))
        try:
            if isinstance(n, yaml.SequenceNode):
                return [
                    self.value(c, (*path, i), depth + 1, active) for i, c in enumerate(n.value)
                ]
            return self._mapping(n, path, depth, active)
        finally:
            active.discard(id(n))

    def _mapping(self, n: yaml.Node, path: Path_, depth: int, active: set[int]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for knode, vnode in n.value:
            if not isinstance(knode, yaml.ScalarNode) or knode.tag not in _KEY_TAGS:
                self._problem(knode, path, "mapping keys must be plain text")
                continue
            key = knode.value
            if key == "<<" and not knode.style:  # plain (unquoted) <<
                self._problem(
                    knode,
                    path,
                    "merge keys ('<<') are not supported; repeat the fields or use an alias for the whole value",
                )
                continue
            if key in out:
                first = self.located.keys.get((*path, key), (0, 0))
                self._problem(
                    knode,
                    (*path, key),
                    f"duplicate key '{key}' (first at line {first[0]}); each key may appear once",
                )
                continue
            key = self._checked(knode, (*path, key), key)
            self.located.keys[(*path, key)] = _mark(knode)
            out[key] = self.value(vnode, (*path, key), depth + 1, active)
        return out

    def _checked(self, n: yaml.Node, path: Path_, value: Any) -> Any:
        """``value``, or a stand-in after reporting a text or number that breaks the limits."""
        if isinstance(value, str):
            bad = UNSAFE_CHARACTERS.search(value)
            if bad is not None:
                self._problem(n, path, unsafe_message(value, bad.start()))
                return UNSAFE_CHARACTERS.sub("?", value[:40])
            if len(value) > MAX_TEXT:
                self._problem(
                    n,
                    path,
                    f"text of {len(value):,} characters ({excerpt(value)}); "
                    f"the limit is {MAX_TEXT:,} characters",
                )
                return value[:40] + "…"
        elif (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and abs(value) > MAX_NUMBER
        ):
            self._problem(
                n,
                path,
                f"number {excerpt(value)} is too large; numbers must lie between "
                f"-{MAX_NUMBER:.0e} and {MAX_NUMBER:.0e}".replace("e+", "e"),
            )
            return None
        return value

    def _problem(self, n: yaml.Node, path: Path_, message: str) -> None:
        self.problems.append(Problem(self.located.file, *_mark(n), format_path(path), message))


def unsafe_message(text: str, index: int) -> str:
    """The message for a control or bidi character at ``index`` of ``text``."""
    code = ord(text[index])
    kind = "bidi control" if code >= 0x202A else "control character"
    return (
        f"text contains the {kind} U+{code:04X} at character {index + 1}; only printable "
        "characters, tab and newline are allowed (write the text without it)"
    )


def _scalar(n: yaml.ScalarNode) -> Any:
    """Construct a scalar; anything that does not parse as its tag stays text."""
    v = n.value
    if n.tag == _NULL:
        return None if v in ("", "~", "null", "Null", "NULL") else v
    if n.tag == _BOOL:
        return {"true": True, "false": False}.get(v.lower(), v)
    try:
        if n.tag == _INT:
            if v.startswith("0o"):
                return int(v[2:], 8)
            if v.startswith("0x"):
                return int(v[2:], 16)
            return int(v)
        if n.tag == _FLOAT:
            x = float(v)
            return x if math.isfinite(x) else v
    except ValueError:
        return v
    return v  # str, and timestamps kept as text
