"""Writing a network to GraphML or GEXF (attributes flattened so both writers accept them).

Imports rdflib, networkx and kg.namespace/kg.rdf readers only (never spaCy nor the extraction stages).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import networkx as nx

from kg.store.atomic import atomic_write

__all__ = [
    "export_network",
    "xml_text",
]

# the characters XML 1.0 cannot hold, even escaped (C0 controls but tab and line breaks, surrogates,
# U+FFFE and U+FFFF): an article may carry them into a label or an event's evidence
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    r"""``text`` as XML 1.0 can hold it: each character it cannot (a control character, U+FFFE)
    written as a visible ``\uXXXX``, as the CSV files write bidirectional overrides.

    >>> xml_text("Idleb\x01 \ufffe")
    'Idleb\\u0001 \\ufffe'
    """
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def _flat(value: object) -> object:
    """A GraphML/GEXF-friendly attribute value (lists joined, None as "", text XML 1.0 can hold)."""
    if value is None:
        return ""
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return xml_text("; ".join(str(v) for v in items))
    if isinstance(value, str):
        return xml_text(value)
    if isinstance(value, bool | int | float):
        return value
    return xml_text(str(value))


def export_network(net: nx.Graph, path: str | os.PathLike[str]) -> Path:
    """Write a network as GraphML or GEXF, chosen by the file suffix.

    Parameters
    ----------
    net : networkx.Graph
        Any projection or :func:`knowledge_network`; list attributes are joined
        with ``"; "`` and missing values written as ``""`` so both writers take them.
    path : str or os.PathLike
        ``*.graphml`` or ``*.gexf``; the folder is created if needed.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ValueError
        For another suffix.
    kg.errors.OutputError
        When ``path`` cannot be written (a part of it is a file, no permission).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".graphml", ".gexf"):
        raise ValueError(f"{path}: export to .graphml or .gexf")
    flat = net.__class__()
    flat.graph.update({k: _flat(v) for k, v in net.graph.items()})
    flat.add_nodes_from((u, {k: _flat(v) for k, v in d.items()}) for u, d in net.nodes(data=True))
    if net.is_multigraph():
        flat.add_edges_from(
            (u, v, k, {a: _flat(x) for a, x in d.items()}) for u, v, k, d in net.edges(keys=True, data=True)
        )
    else:
        flat.add_edges_from((u, v, {a: _flat(x) for a, x in d.items()}) for u, v, d in net.edges(data=True))
    with atomic_write(path, "wb", encoding=None) as fh:
        if suffix == ".graphml":
            nx.write_graphml(flat, fh)
        else:
            nx.write_gexf(flat, fh)
    return path
