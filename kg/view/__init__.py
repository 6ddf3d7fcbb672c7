"""The explorer: ``graph.html``, one offline page to search, filter and read the graph.

The page is rendered by pyvis (its ``Network`` object carries the vis-network options and
its Jinja environment inlines the vis-network library shipped inside the pyvis package)
from the template ``kg/assets/explorer.html``; the explorer's own script and style
(``kg/assets/explorer.js``, ``explorer.css``) and the data are inlined too, so the file
makes no request anywhere. The data is the knowledge network of :func:`view_network`
(actors, places, events with their evidence and mentions) as plain JSON, embedded in a
``<script type="application/json">`` element with ``<``, ``>`` and ``&`` escaped; the
script writes every piece of text into the page with ``textContent``, never as HTML.

In the page: a search box over labels and aliases (``skos:prefLabel``, ``skos:altLabel``),
facets (event type and family, actor, place with every place located in it, dates), a
timeline to brush, a map of the places with coordinates over country outlines
(``kg/data/levant_outline.json``, Natural Earth), an evidence panel (the sentence with the
mention highlighted, the article id, the character offsets, the sources) and the network.
Up to :data:`DETAIL_EVENTS` selected events the network shows every event; beyond, a
summary (the most active actors, events grouped by place and month) that expands on demand.

The package: :mod:`~kg.view.styles` (how each class is drawn), :mod:`~kg.view.filters`
(:func:`filter_network`), :mod:`~kg.view.network` (:func:`view_network`, :func:`load_view_graph`),
:mod:`~kg.view.layout` (seeded positions), :mod:`~kg.view.data` (:func:`explorer_data`),
:mod:`~kg.view.options` (vis-network options) and :mod:`~kg.view.page` (:func:`render_html`,
:func:`write_html`). It reads the graph through schema, rdf, store and analyse only; never spaCy.
"""

from __future__ import annotations

from kg.view.data import (
    DETAIL_EVENTS,
    OUTLINE,
    STATIC_LAYOUT_NODES,
    SUMMARY_ACTORS,
    SUMMARY_GROUPS,
    explorer_data,
)
from kg.view.filters import FilterError, cap_events, cap_note, filter_network
from kg.view.layout import spring_positions
from kg.view.network import load_view_graph, view_network
from kg.view.page import ASSETS, external_references, is_kg_page, page_target, render_html, write_html
from kg.view.styles import GROUP_SHAPE, PALETTE, SHAPES, STYLES, Style

__all__ = [
    "is_kg_page",
    "page_target",
    "STYLES",
    "PALETTE",
    "SHAPES",
    "GROUP_SHAPE",
    "DETAIL_EVENTS",
    "SUMMARY_ACTORS",
    "SUMMARY_GROUPS",
    "Style",
    "FilterError",
    "filter_network",
    "cap_events",
    "cap_note",
    "view_network",
    "load_view_graph",
    "explorer_data",
    "spring_positions",
    "STATIC_LAYOUT_NODES",
    "write_html",
    "render_html",
    "external_references",
    "ASSETS",
    "OUTLINE",
]
