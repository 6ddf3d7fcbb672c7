"""Serve a built graph over the SPARQL 1.1 Protocol with the Oxigraph server.

The ``oxigraph`` PyPI package ships a command-line server, ``oxigraph``, installed next to
the Python interpreter. :func:`prepare_store` loads ``graph.trig`` (or ``graph.ttl``) into an
Oxigraph store folder with ``oxigraph load``, then copies the triples of every named graph
into the default graph (``oxigraph update``), so that the queries of ``queries/`` see all
triples once each without ``GRAPH`` clauses while each article's named graph stays
queryable. :func:`serve` starts ``oxigraph serve-read-only`` (or ``oxigraph serve`` when
writable) on that folder and returns a :class:`Server` handle.

The server listens on the loopback interface only, unless the caller explicitly allows
another host. Oxigraph itself listens on a private loopback address; what clients reach is a small
proxy of kg's (:class:`~kg.serve.proxy.Proxy`, the standard library's ``ThreadingHTTPServer``) in front of it, which

- answers only requests whose ``Host`` header is ``localhost``, an IP address or the ``--host``
  name (a browser page from another site that renamed itself to 127.0.0.1 — DNS rebinding — is
  refused);
- refuses federated queries (``SERVICE``; ``SERVICE`` or ``LOAD`` in updates), which would make the
  server fetch any URL and echo what it got;
- stops a query after ``timeout`` seconds, so an abandoned query does not keep a CPU (and memory)
  busy: Oxigraph is asked to cancel it (``oxigraph serve --timeout-s``), and when it has not
  answered :data:`GRACE` seconds later — Oxigraph 0.5 checks its deadline only at some steps of a
  plan: a sort over a cartesian product runs on, its memory growing — the proxy kills the Oxigraph
  process and starts it again on the same store (queries running at that moment fail with 503).

Oxigraph 0.5 has a (partial) timeout but neither a Host check nor a switch for ``SERVICE``, hence
the proxy.
On Linux the Oxigraph process dies with the process that started it (``PR_SET_PDEATHSIG``), so a
killed ``kg serve`` does not leave it running; the temporary store it leaves (it cannot remove it)
names its owner (:func:`~kg.serve.oxigraph.temporary_folder`), and the next ``kg serve`` removes it
(:func:`~kg.serve.oxigraph.remove_stale_folders`: only such folders, and only when their owner is gone).

The modules: :mod:`~kg.serve.oxigraph` (the binary, :func:`prepare_store`),
:mod:`~kg.serve.proxy` (the front proxy: Host check, SERVICE refusal, timeout),
:mod:`~kg.serve.server` (:func:`serve` and the :class:`Server` handle), :mod:`~kg.serve.pages`
(the query page and the explorer, :func:`~kg.serve.pages.start_front`). kg.serve reads the graph
through the ``oxigraph`` program and never imports spaCy.

Example::

    store = prepare_store("exports/graph.trig", "exports/oxigraph")
    with serve(store, port=7878) as server:
        print(server.url)   # http://127.0.0.1:7878/query
"""

from kg.serve.oxigraph import STORE_MARKER, ServeError, find_oxigraph, is_loopback, prepare_store
from kg.serve.proxy import host_allowed
from kg.serve.server import QUERY_TIMEOUT, Server, serve

__all__ = ["ServeError", "Server", "find_oxigraph", "prepare_store", "serve", "is_loopback", "STORE_MARKER",
           "QUERY_TIMEOUT", "host_allowed"]
