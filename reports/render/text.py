"""Text for people in the reports: numbers with fixed decimals, safe links, Markdown escaping."""

from __future__ import annotations

import html
import math
import re
from typing import Any
from urllib.parse import quote, urlsplit

__all__ = ["md_escape", "md_link", "num", "plain_or_none", "plural", "safe_url"]


def safe_url(url: str) -> str | None:
    """The URL if it is a plain http(s) address, else ``None`` (never a link).

    Examples
    --------
    >>> safe_url("https://example.org/a b")
    'https://example.org/a%20b'
    >>> safe_url("javascript:alert(1)") is None
    True
    """
    url = (url or "").strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    # percent-encode everything that could end an attribute or start markup (" ' < > ` \\ spaces)
    return quote(url, safe=":/?#[]@!$&()*+,;=%~-._")


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|<>~])")


def md_escape(text: Any) -> str:
    """Escape user text for Markdown: no markup, no raw HTML, no links.

    Examples
    --------
    >>> md_escape("<script>alert(1)</script> *bold*")
    '&lt;script&gt;alert\\\\(1\\\\)&lt;/script&gt; \\\\*bold\\\\*'
    """
    s = html.escape(str(text), quote=False)
    s = _MD_SPECIAL.sub(
        r"\\\1", s.replace("&lt;", "\0lt").replace("&gt;", "\0gt").replace("&amp;", "\0amp")
    )
    s = s.replace("\0lt", "&lt;").replace("\0gt", "&gt;").replace("\0amp", "&amp;")
    return " ".join(s.split())  # newlines would break tables and lists


def md_link(title: str, url: str) -> str:
    """A Markdown link when the URL is safe, else the escaped title and the URL as inert text."""
    target = safe_url(url)
    if target is None:
        return f"{md_escape(title)} ({md_escape(url)})"
    return f"[{md_escape(title)}](<{target.replace('>', '%3E')}>)"


def num(x: Any, digits: int = 2) -> str:
    """A number for people: fixed decimals, '–' for missing."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if isinstance(x, int | float):
        return f"{x:.{digits}f}"
    return str(x)


def plain_or_none(v: Any) -> Any:
    """A numpy scalar as the Python value it holds, NaN as ``None``; other values unchanged."""
    if hasattr(v, "item") and not isinstance(v, str | bytes | tuple):
        v = v.item()
    if isinstance(v, float) and v != v:
        return None
    return v


def plural(n: int, word: str, many: str | None = None) -> str:
    """A count with its noun in the right number: "1 issue", "2 issues", "0 issues".

    Parameters
    ----------
    n : int
    word : str
        The singular noun (a phrase's last word is the one that changes).
    many : str, optional
        The plural when it is not ``word + "s"`` ("party" -> "parties" is handled).

    Examples
    --------
    >>> plural(1, "cluster"), plural(3, "position"), plural(0, "party"), plural(2, "conflict edge")
    ('1 cluster', '3 positions', '0 parties', '2 conflict edges')
    """
    if n == 1:
        return f"{n} {word}"
    if many is None:
        many = (
            word[:-1] + "ies" if word.endswith("y") and word[-2:-1] not in "aeiou" else word + "s"
        )
    return f"{n} {many}"
