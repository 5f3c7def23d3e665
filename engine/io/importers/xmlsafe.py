"""Safe XML for the GENIUS reader: expat with DTDs refused, bounded depth, located elements."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.parsers import expat

from engine.model.errors import CaseError, Problem

__all__ = ["MAX_XML_DEPTH", "Xml", "looks_like_xml", "parse_xml"]

#: Deepest XML nesting accepted.
MAX_XML_DEPTH = 64


class _Refused(Exception):
    def __init__(self, line: int, column: int, message: str):
        super().__init__(message)
        self.line, self.column, self.message = line, column, message


@dataclass
class Xml:
    """A parsed XML file: its root and where each element starts."""

    file: str
    data: bytes
    root: ET.Element
    where: dict[ET.Element, tuple[int, int]]

    def at(self, el: ET.Element | None) -> tuple[int, int]:
        if el is None:
            return (1, 1)
        return self.where.get(el, (1, 1))


def parse_xml(path: Path, data: bytes) -> Xml:
    """Parse with expat into an ElementTree, recording positions; DTDs are refused."""
    file = str(path)
    parser = expat.ParserCreate()
    builder = ET.TreeBuilder()
    where: dict[ET.Element, tuple[int, int]] = {}
    _set_handlers(parser, builder, where)
    try:
        parser.Parse(data, True)
        root = builder.close()
    except expat.ExpatError as exc:
        raise CaseError(
            [
                Problem(
                    file,
                    max(exc.lineno, 1),
                    exc.offset + 1,
                    "",
                    f"XML syntax error: {expat.ErrorString(exc.code)}",
                )
            ]
        ) from None
    except _Refused as exc:
        raise CaseError([Problem(file, max(exc.line, 1), exc.column, "", exc.message)]) from None
    except (LookupError, ValueError) as exc:  # e.g. an unknown encoding in the XML declaration
        raise CaseError(
            [Problem(file, max(parser.CurrentLineNumber, 1), 1, "", f"cannot read the XML: {exc}")]
        ) from None
    return Xml(file, data, root, where)


def _set_handlers(
    parser: Any, builder: ET.TreeBuilder, where: dict[ET.Element, tuple[int, int]]
) -> None:
    """Build the tree with ``builder``, record where each element starts, refuse DTDs and depth."""
    depth = 0

    def here() -> tuple[int, int]:
        return parser.CurrentLineNumber, parser.CurrentColumnNumber + 1

    def start(tag: str, attrs: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_XML_DEPTH:
            raise _Refused(*here(), f"elements are nested deeper than {MAX_XML_DEPTH} levels")
        where[builder.start(tag, attrs)] = here()

    def end(tag: str) -> None:
        nonlocal depth
        depth -= 1
        builder.end(tag)

    def refuse(*_: Any) -> None:
        raise _Refused(
            *here(),
            "DOCTYPE and ENTITY declarations are refused: GENIUS files need none, and entities "
            "can expand without bound; remove the declaration",
        )

    def refuse_external(*_: Any) -> int:
        refuse()
        return 0  # pragma: no cover - refuse() raises

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse_external
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True


def looks_like_xml(data: bytes) -> bool:
    """True when the first non-blank byte is ``<`` (or the data start with a UTF-16 byte-order mark)."""
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") or head.startswith(b"\xff\xfe") or head.startswith(b"\xfe\xff")
