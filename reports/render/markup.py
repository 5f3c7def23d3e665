"""The report as HTML and Markdown, from the Jinja templates in ``templates/``."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import jinja2
import markupsafe

import engine
from reports.render.text import md_escape, md_link, num, safe_url

if TYPE_CHECKING:
    from reports.render.content import Figure, Report

__all__ = ["render_html", "render_markdown", "stylesheet", "template"]

_TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("reports.render", "templates"),
    autoescape=jinja2.select_autoescape(
        enabled_extensions=("html", "html.j2"), default_for_string=False
    ),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def template(name: str) -> jinja2.Template:
    """A template of ``reports/render/templates`` (HTML ones autoescaped, undefined names fail)."""
    return _TEMPLATES.get_template(name)


def stylesheet() -> markupsafe.Markup:
    """The report's stylesheet, ``report.css``, for inlining in a page.

    Our own file, not user text: inserted as is (escaping would break quotes
    inside ``<style>``).
    """
    return markupsafe.Markup(_TEMPLATES.loader.get_source(_TEMPLATES, "report.css")[0])  # type: ignore[union-attr]


def _context(rep: Report, figure_src: Callable[[Figure], str]) -> dict[str, Any]:
    return {
        "rep": rep,
        "case": rep.case,
        "at": rep.at.isoformat(),
        "version": engine.__version__,
        "figure_src": figure_src,
        "num": num,
        "safe_url": safe_url,
        "md": md_escape,
        "md_link": md_link,
        "sections": rep.sections,
        "figures": rep.figures,
    }


def render_html(rep: Report) -> str:
    """One self-contained HTML file: inline CSS, figures as SVG data URIs, no scripts, no fetches.

    The agreement zones are tables drawn with CSS (:mod:`reports.render.zone_table`), not
    pictures: the HTML never draws a matplotlib zone chart.
    """
    import base64

    def src(fig: Figure) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(fig.svg.encode("utf-8")).decode(
            "ascii"
        )

    from reports.render.zone_table import zone_table

    return template("report.html.j2").render(
        **_context(rep, src), css=stylesheet(), zone_table=zone_table
    )


def render_markdown(rep: Report, figure_dir: str = "figures") -> tuple[str, dict[str, bytes]]:
    """Markdown text and the figure files it shows (``figure_dir/<name>.svg``).

    Only what the text links to is written: SVG, which every Markdown viewer that shows
    images displays (the PDF has its own, page-sized, PNGs)."""
    files: dict[str, bytes] = {}

    def src(fig: Figure) -> str:
        files[f"{figure_dir}/{fig.name}.svg"] = fig.svg.encode("utf-8")
        return f"{figure_dir}/{fig.name}.svg"

    text = template("report.md.j2").render(**_context(rep, src))
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text, files
