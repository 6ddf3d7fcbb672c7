"""The explorer page: :func:`render_html` and :func:`write_html` make ``graph.html``.

The page is rendered by pyvis from the template ``kg/assets/explorer.html`` with the explorer's
script and style and the data of :func:`kg.view.data.explorer_data` inlined; nothing in it points
to another host (:func:`external_references` checks). Imports rdflib (a graph may be given),
pyvis and jinja2 (inside :func:`_network`) and the view's own modules; never spaCy.
"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path

import networkx as nx
from rdflib import Graph

from kg.store.atomic import atomic_write
from kg.view.data import explorer_data
from kg.view.network import view_network
from kg.view.options import vis_options

__all__ = ["ASSETS", "external_references", "render_html", "write_html"]

#: The template, script and style of the page; ``parents[1]`` of this file is ``kg/``.
ASSETS = Path(__file__).resolve().parents[1] / "assets"

_VIS = "lib/vis-9.1.2"

_EXTERNAL = re.compile(r"""\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", re.IGNORECASE)
_SOURCE_MAP = re.compile(r"//# sourceMappingURL=[^\s<]*")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _visible(text: object) -> str:
    """``text`` with bidirectional overrides (U+202A-U+202E, U+2066-U+2069), which would show the
    text in another order, written as visible ``\\u202e`` escapes."""
    return _BIDI.sub(lambda m: f"\\u{ord(m.group(0)):04x}", str(text))


def _escape(text: object) -> str:
    """HTML-escape ``text`` (bidi overrides made visible); also hides ``href`` from pyvis's
    link-popup detection."""
    return html.escape(_visible(text), quote=True).replace("href", "hr&#101;f")


def _json_for_script(data: object) -> str:
    """JSON safe inside a ``<script>`` element: ``<``, ``>``, ``&`` escaped."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # bidirectional overrides would show a label in another order: the page shows them as "\u202e"
    text = _BIDI.sub(lambda m: f"\\\\u{ord(m.group(0)):04x}", text)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _asset(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def _network():
    """The pyvis network: its options and its Jinja environment (our template first, then
    pyvis's own templates, where the vis-network library lives)."""
    from jinja2 import Environment, FileSystemLoader
    from pyvis.network import Network

    page = Network(height="100%", width="100%", directed=True, cdn_resources="in_line")
    page.options = vis_options()
    page.templateEnv = Environment(loader=FileSystemLoader([str(ASSETS), page.template_dir]), autoescape=False)
    page.path = "explorer.html"
    return page


def external_references(page: str) -> list[str]:
    """``src=``/``href=`` attributes of ``page`` that point to another host.

    Parameters
    ----------
    page : str
        HTML text.

    Returns
    -------
    list of str
        The offending snippets (empty for an offline page).

    Examples
    --------
    >>> external_references('<script src="https://cdn.example/x.js"></script>')
    ['src="https://']
    >>> external_references('<script>var a = 1;</script>')
    []
    """
    return [m.group(0) for m in _EXTERNAL.finditer(page)]


def render_html(g: Graph | nx.MultiDiGraph, *, title: str = "kg", note: str | None = None) -> str:
    """The explorer page of ``g``.

    Parameters
    ----------
    g : rdflib.Graph or networkx.MultiDiGraph
        A graph following the contract (may be empty), or a network from
        :func:`view_network` (perhaps cut by :func:`filter_network`).
    title : str
        Page title and heading.
    note : str, optional
        A line under the title, e.g. what a build left out of the page.

    Returns
    -------
    str
        One self-contained HTML page (see the module's docstring).

    Raises
    ------
    RuntimeError
        If an external reference slipped into the page.
    """
    net = g if isinstance(g, nx.MultiDiGraph) else view_network(g)
    page = _network()
    page.templateEnv.globals.update(
        kg_title=html.escape(title, quote=True),
        kg_note=html.escape(note or "", quote=True),
        kg_data=_json_for_script(explorer_data(net, title=title, note=note)),
        kg_css=_asset("explorer.css"),
        kg_js=_asset("explorer.js"),
        kg_vis=_VIS,
    )
    text = _SOURCE_MAP.sub("", page.generate_html(name="graph.html"))
    leftovers = external_references(text)
    if leftovers:
        raise RuntimeError(f"view: external references in the page: {leftovers[:3]}")
    return text


def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file in the same folder
    (:func:`kg.store.atomic.atomic_write`, kg's one atomic writer)."""
    with atomic_write(path, "wb", encoding=None, fsync=False) as out:
        out.write(text.encode("utf-8"))


#: what every page kg writes holds in its head (how kg tells its own page from a file of the user's)
GENERATOR = b'<meta name="generator" content="kg">'


def is_kg_page(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a page kg wrote (its first kilobyte names kg as its generator)."""
    try:
        with open(path, "rb") as fh:
            return GENERATOR in fh.read(1024)
    except OSError:
        return False


def page_target(graph: str | os.PathLike[str], path: str | os.PathLike[str] | None = None, option: str = "-o") -> Path:
    """Where ``kg view`` (and the API's ``view()``) writes the page of ``graph``: ``path``, or
    ``view.html`` beside the graph — never a file of a build (:func:`kg.store.integrity.refuse_build_file`)
    nor, by default, a ``view.html`` that kg did not write (:class:`~kg.errors.UsageError`)."""
    from kg.errors import UsageError
    from kg.store.integrity import refuse_build_file, refuse_other_suffix

    if path is None:
        g = Path(graph)
        path = (g if g.is_dir() else g.parent) / "view.html"
        if path.exists() and not is_kg_page(path):  # the default name, but a file of the user's
            raise UsageError(f"{path} is not a page kg wrote; give the page another name ({option} FILE.html)")
    refuse_build_file(path, option)
    refuse_other_suffix(path, (".html", ".htm"), "an HTML page", option)
    return Path(path)


def write_html(
    g: Graph | nx.MultiDiGraph, path: str | os.PathLike[str], *, title: str = "kg", note: str | None = None
) -> Path:
    """Write the explorer page of ``g`` to ``path`` atomically.

    Parameters
    ----------
    g : rdflib.Graph or networkx.MultiDiGraph
        A graph following the contract (may be empty), or a network from
        :func:`view_network` (see :func:`filter_network`).
    path : str or os.PathLike
        Output file; its folder is created if needed. Nothing else is written
        next to it.
    title : str
        Page title and heading.
    note : str, optional
        A line under the title.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    path = Path(path)
    _write_atomic(path, render_html(g, title=title, note=note))
    return path
