/* kg serve's query page (kg/serve/pages.py renders it).
 *
 * Data (<script id="q-data">): the contract's prefixes and the named queries of queries/ (name,
 * title, question, parameters, text). The query goes to ./query on the same origin (SPARQL 1.1
 * Protocol, POST, JSON results); IRIs are shown as CURIEs of the contract's prefixes, literals
 * by their lexical form. A parameter is bound by a VALUES clause put first in the query's
 * outer WHERE group (as `kg query -p` does); a label is first looked up among the
 * skos:prefLabel / skos:altLabel values. Text reaches the page through textContent only.
 */
(function () {
  "use strict";

  const D = JSON.parse(document.getElementById("q-data").textContent);
  const PREFIXES = D.prefixes;  // [[prefix, iri], ...]
  const QUERIES = D.queries;
  const XSD = "http://www.w3.org/2001/XMLSchema#";
  const $ = (id) => document.getElementById(id);
  const text = $("q-text");
  let last = null;

  function header() {
    return PREFIXES.map(([p, iri]) => "PREFIX " + p + ": <" + iri + ">").join("\n") + "\n";
  }

  /** The query with every contract prefix declared (those it declares itself are kept). */
  function withPrefixes(query) {
    const declared = new Set([...query.matchAll(/^\s*PREFIX\s+([A-Za-z][\w-]*)?:/gim)].map((m) => m[1] || ""));
    const missing = PREFIXES.filter(([p]) => !declared.has(p)).map(([p, iri]) => "PREFIX " + p + ": <" + iri + ">");
    if (!missing.length) return query;
    const lines = query.split("\n");
    let k = 0;
    while (k < lines.length && lines[k].startsWith("#")) k += 1;  // after the query's header comments
    return lines.slice(0, k).concat(missing, lines.slice(k)).join("\n");
  }

  function curie(iri) {
    let best = null;
    for (const [p, ns] of PREFIXES) if (iri.startsWith(ns) && (!best || ns.length > best[1].length)) best = [p, ns];
    if (!best) return "<" + iri + ">";
    const local = iri.slice(best[1].length);
    return /^[\w./-]*$/.test(local) ? best[0] + ":" + local : "<" + iri + ">";
  }

  function el(tag, attrs, content) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "class") node.className = v;
      else node.setAttribute(k, v);
    }
    if (content !== undefined && content !== null) node.textContent = String(content);
    return node;
  }

  // ------------------------------------------------------------ named queries and parameters

  for (const q of QUERIES) $("q-named").appendChild(el("option", {value: q.name}, q.title + " — " + q.name));

  function pick(name) {
    const q = QUERIES.find((x) => x.name === name);
    $("q-params").textContent = "";
    $("q-question").textContent = q ? q.question : "";
    text.value = q ? withPrefixes(q.text) : header() + "\nSELECT ?type (COUNT(DISTINCT ?e) AS ?events) WHERE {\n" +
      "  ?e a ckg:Event ; a ?type .\n  FILTER (?type != ckg:Event)\n} GROUP BY ?type ORDER BY DESC(?events)\n";
    if (!q) return;
    for (const p of q.params) {
      const row = el("div", {class: "q-param"});
      row.append(el("label", {for: "q-param-" + p.name}, "?" + p.name),
        el("input", {id: "q-param-" + p.name, "data-param": p.name, type: "text", placeholder: "tous"}),
        el("small", null, p.description));
      $("q-params").appendChild(row);
    }
  }

  $("q-named").addEventListener("change", (evt) => pick(evt.target.value));

  function literal(value) {
    return '"' + value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\r/g, "\\r") + '"';
  }

  const IRI = /^[A-Za-z][A-Za-z0-9+.-]*:(\/\/)?[^\s<>"{}|\\^`]+$/;

  /** The RDF terms a parameter value stands for (a label may name several entities). */
  async function terms(value) {
    let v = value.trim();
    if (v.startsWith("<") && v.endsWith(">")) v = v.slice(1, -1);
    const curieMatch = /^([A-Za-z][\w-]*):([^\s<>"{}|\\^`]*)$/.exec(v);
    if (curieMatch) {
      const ns = PREFIXES.find(([p]) => p === curieMatch[1]);
      if (ns) return {terms: ["<" + ns[1] + curieMatch[2] + ">"]};
    }
    if (IRI.test(v) && /^(https?|urn):/.test(v)) return {terms: ["<" + v + ">"]};
    const date = /^(\d{4})(-(\d{2})(-(\d{2}))?)?$/.exec(v);
    if (date) return {terms: [literal(v) + "^^<" + XSD + (date[5] ? "date" : date[3] ? "gYearMonth" : "gYear") + ">"]};
    if (/^[+-]?\d+$/.test(v)) return {terms: [literal(v) + "^^<" + XSD + "integer>"]};
    const lookup = "SELECT DISTINCT ?e WHERE { ?e <http://www.w3.org/2004/02/skos/core#prefLabel>|" +
      "<http://www.w3.org/2004/02/skos/core#altLabel> ?l . FILTER (LCASE(STR(?l)) = LCASE(" + literal(v) + ")) } ORDER BY ?e";
    const found = await sparql(lookup);
    const iris = found.results.bindings.map((b) => b.e).filter((t) => t.type === "uri").map((t) => "<" + t.value + ">");
    if (iris.length) return {terms: iris};
    return {terms: [literal(v)], warning: "aucune entité nommée « " + v + " » : lié comme texte (aucune ligne attendue)"};
  }

  /** ``query`` with ``VALUES ?name { terms }`` first in its outer WHERE group. */
  function withValues(query, bindings) {
    const lines = query.split("\n");
    let offset = 0;
    for (const line of lines) {
      if (!line.trimStart().startsWith("#")) {
        const m = /\bWHERE\s*\{/i.exec(line);
        if (m) {
          const at = offset + m.index + m[0].length;
          const values = bindings.map(([name, list]) => " VALUES ?" + name + " { " + list.join(" ") + " }").join("");
          return query.slice(0, at) + values + query.slice(at);
        }
      }
      offset += line.length + 1;
    }
    throw new Error("no WHERE { in the query: cannot bind parameters");
  }

  // ------------------------------------------------------------ running

  async function sparql(query) {
    const response = await fetch("query", {
      method: "POST",
      headers: {"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
      body: query,
    });
    const body = await response.text();
    if (!response.ok) throw new Error("HTTP " + response.status + " : " + body.trim().slice(0, 2000));
    return JSON.parse(body);
  }

  function show(result, seconds) {
    const box = $("q-results");
    box.textContent = "";
    if (typeof result.boolean === "boolean") {
      box.appendChild(el("p", null, "ASK : " + (result.boolean ? "vrai" : "faux")));
      return;
    }
    const vars = result.head.vars;
    const rows = result.results.bindings;
    $("q-status").textContent = rows.length + " ligne" + (rows.length === 1 ? "" : "s") + " en " + seconds.toFixed(2) + " s";
    const table = el("table", {id: "q-table"});
    const head = el("tr");
    vars.forEach((v) => head.appendChild(el("th", null, v)));
    table.appendChild(el("thead")).appendChild(head);
    const tbody = table.appendChild(el("tbody"));
    for (const row of rows) {
      const tr = el("tr");
      for (const v of vars) {
        const t = row[v];
        const td = el("td");
        if (t && t.type === "uri") {
          td.className = "q-iri";
          td.textContent = curie(t.value);
          td.title = t.value;
        } else if (t) {
          td.textContent = t.value;
          if (t.datatype && /(integer|decimal|double|float)$/.test(t.datatype)) td.className = "q-num";
          if (t.datatype || t["xml:lang"]) td.title = t.datatype ? curie(t.datatype) : "@" + t["xml:lang"];
        }
        tr.appendChild(td);
      }
      tbody.appendChild(tr);
    }
    box.appendChild(table);
  }

  async function run() {
    $("q-error").hidden = true;
    $("q-status").textContent = "…";
    const started = performance.now();
    try {
      let query = text.value;
      const bindings = [];
      const warnings = [];
      for (const input of document.querySelectorAll("#q-params input")) {
        if (!input.value.trim()) continue;
        const bound = await terms(input.value);
        if (bound.warning) warnings.push("?" + input.dataset.param + " : " + bound.warning);
        bindings.push([input.dataset.param, bound.terms]);
      }
      if (bindings.length) query = withValues(query, bindings);
      const result = await sparql(query);
      last = result;
      show(result, (performance.now() - started) / 1000);
      $("q-csv").disabled = !result.head || !result.results;
      if (warnings.length) {
        $("q-error").textContent = warnings.join("\n");
        $("q-error").hidden = false;
      }
    } catch (err) {
      $("q-status").textContent = "";
      $("q-error").textContent = String(err.message || err);
      $("q-error").hidden = false;
    }
  }

  /** A binding as a CSV cell, made safe as kg.store.csv_cell makes kg's CSV files (OWASP, CSV
   * injection): a numeric literal stays as it is (-3); any other value starting with = + - @, a tab
   * or a carriage return gets a leading ' so a spreadsheet keeps it text, and bidirectional
   * overrides are written as visible \u202e escapes. Then quoted when it must be. */
  function csvCell(term) {
    let value = term ? term.value : "";
    const type = term && term.type === "literal" && term.datatype || "";
    const numeric = type.startsWith(XSD) && /(integer|decimal|double|float|int|long|short|byte)$/i.test(type)
      && /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value);
    if (!numeric) {
      value = value.replace(/[\u202a-\u202e\u2066-\u2069]/g,
        (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
      if (/^[=+\-@\t\r]/.test(value)) value = "'" + value;
    }
    return /[",\n\r]/.test(value) ? '"' + value.replace(/"/g, '""') + '"' : value;
  }

  $("q-csv").addEventListener("click", () => {
    if (!last || !last.results) return;
    const vars = last.head.vars;
    const lines = [vars.join(",")].concat(last.results.bindings.map((row) =>
      vars.map((v) => csvCell(row[v])).join(",")));
    const link = el("a", {href: URL.createObjectURL(new Blob([lines.join("\r\n") + "\r\n"], {type: "text/csv"})),
      download: ($("q-named").value || "query") + ".csv"});
    link.click();
  });
  $("q-run").addEventListener("click", run);
  text.addEventListener("keydown", (evt) => {
    if (evt.key === "Enter" && (evt.ctrlKey || evt.metaKey)) {
      evt.preventDefault();
      run();
    }
  });
  $("q-endpoint").textContent = new URL("query", location.href).href;
  pick("");
  window.kgQuery = {run: run, pick: pick, withValues: withValues};
})();
