/* The explorer of kg (the kg.view package renders it into graph.html).
 *
 * Reads the JSON of <script id="kg-data"> (entities, events, styles, limits, map outline) and
 * drives the vis-network instance that pyvis's template made (globals `network`, `nodes`,
 * `edges`). One state (filters, view mode, expanded groups, pinned nodes) → one selection of
 * events → the network (every event up to limits.detail, else a summary: the most active
 * actors, events grouped by place and month), the timeline, the map, the facet counts.
 * Text from the graph reaches the page through textContent only, never as HTML.
 * window.kgReady becomes true once the first drawing is done (tests wait for it).
 */
(function () {
  "use strict";

  performance.mark("kg-script");
  const D = JSON.parse(document.getElementById("kg-data").textContent);
  performance.mark("kg-parsed");
  const ENT = D.entities;
  const EVT = D.events;
  const STYLES = D.styles;
  const LIM = D.limits;
  const SVGNS = "http://www.w3.org/2000/svg";
  const FAMILIES = ["Battle", "RemoteViolence", "ViolenceAgainstCivilians", "StrategicDevelopment",
    "CasualtyReport", "Event"];
  const KIND_TITLES = {actor: "Acteurs", place: "Lieux", event: "Événements (par famille)"};
  const ROLE_TEXT = {agent: "agent", target: "cible", reportedBy: "source", disputedBy: "démenti",
    place: "lieu", locatedIn: "dans", affiliatedWith: "membre de"};
  const EDGE_STYLE = {
    agent: {color: "#8c1c13", dashes: false, width: 1.6},
    target: {color: "#333333", dashes: false, width: 1.2},
    reportedBy: {color: "#5b8bd0", dashes: [4, 4], width: 1},
    disputedBy: {color: "#b000b0", dashes: [2, 3], width: 1.2},
    place: {color: "#9a9a9a", dashes: [1, 3], width: 1},
    locatedIn: {color: "#c9d6e3", dashes: false, width: 1},
    affiliatedWith: {color: "#c9c9c9", dashes: [6, 3], width: 1},
  };
  const SMALL = new Set(["Site", "Neighbourhood"]);

  // ------------------------------------------------------------------ helpers

  /** Like kg.gazetteer.norm: case, accents, apostrophes, hyphens, a leading French article. */
  function norm(text) {
    return String(text)
      .replace(/[\u2019\u2018\u02bc`]/g, "'").replace(/[œŒ]/g, "oe").replace(/[æÆ]/g, "ae")
      .normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[-_\s]+/g, " ").trim()
      .replace(/^(?:l'|le |la |les |du |des |de la |de l'|d')/, "").trim();
  }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "class") node.className = value;
      else node.setAttribute(key, value);
    }
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function svgEl(tag, attrs) {
    const node = document.createElementNS(SVGNS, tag);
    for (const [key, value] of Object.entries(attrs || {})) node.setAttribute(key, value);
    return node;
  }

  function fmt(n) {
    return Number(n).toLocaleString("fr-FR");
  }

  function plural(n, one, many) {
    return fmt(n) + " " + (n === 1 ? one : many);
  }

  function byLabel(a, b) {
    return a.label < b.label ? -1 : a.label > b.label ? 1 : 0;
  }

  /** An SVG icon of a vis-network shape, as the legend and the lists draw it. */
  function icon(shape, colour, size) {
    const s = size || 14;
    const box = svgEl("svg", {width: s, height: s, viewBox: "-7 -7 14 14", "data-shape": shape});
    const paint = {fill: colour, stroke: "#444", "stroke-width": 0.8};
    const poly = (points) => svgEl("polygon", Object.assign({points: points}, paint));
    let mark;
    if (shape === "dot") mark = svgEl("circle", Object.assign({r: 5.5}, paint));
    else if (shape === "square") mark = svgEl("rect", Object.assign({x: -5, y: -5, width: 10, height: 10}, paint));
    else if (shape === "triangle") mark = poly("0,-6 6,5 -6,5");
    else if (shape === "triangleDown") mark = poly("0,6 6,-5 -6,-5");
    else if (shape === "diamond") mark = poly("0,-6.5 6.5,0 0,6.5 -6.5,0");
    else if (shape === "hexagon") mark = poly("6,0 3,5.2 -3,5.2 -6,0 -3,-5.2 3,-5.2");
    else if (shape === "star") mark = poly("0,-6.5 1.6,-2 6.3,-2 2.5,0.9 3.9,5.4 0,2.7 -3.9,5.4 -2.5,0.9 -6.3,-2 -1.6,-2");
    else mark = svgEl("circle", Object.assign({r: 5}, paint));
    box.appendChild(mark);
    return box;
  }

  // ------------------------------------------------------------------ indices

  const byId = new Map();
  ENT.forEach((e, i) => {
    e.i = i;
    e.events = [];
    e.children = [];
    e.aliases = e.aliases || [];
    e.norms = [norm(e.label)].concat(e.aliases.map(norm));
    byId.set(e.id, {entity: e});
  });
  EVT.forEach((ev, j) => {
    ev.j = j;
    ev.roles = new Map();
    const add = (list, role) => (list || []).forEach((i) => {
      if (!ev.roles.has(i)) ev.roles.set(i, []);
      ev.roles.get(i).push(role);
    });
    add(ev.agents, "agent");
    add(ev.targets, "target");
    add(ev.sources, "reportedBy");
    add(ev.disputed, "disputedBy");
    if (ev.place !== undefined) add([ev.place], "place");
    ev.roles.forEach((_, i) => ENT[i].events.push(j));
    ev.month = ev.date && ev.date.length >= 7 ? ev.date.slice(0, 7) : null;
    ev.sentences = ev.sentences || [];
    ev.mentions = ev.mentions || [];
    ev.articles = ev.articles || [];
    byId.set(ev.id, {event: ev});
  });
  ENT.forEach((e) => (e.in || []).forEach((p) => ENT[p].children.push(e.i)));
  performance.mark("kg-indexed");

  const withinMemo = new Map();
  /** A place and every place located in it (transitively). */
  function within(i) {
    if (withinMemo.has(i)) return withinMemo.get(i);
    const inside = new Set([i]);
    const stack = [i];
    while (stack.length) {
      for (const c of ENT[stack.pop()].children) {
        if (!inside.has(c)) {
          inside.add(c);
          stack.push(c);
        }
      }
    }
    withinMemo.set(i, inside);
    return inside;
  }

  /** The place and the places it lies in, nearest first. */
  function chain(i) {
    const out = [i];
    const seen = new Set(out);
    let current = i;
    while ((ENT[current].in || []).length) {
      current = ENT[current].in[0];
      if (seen.has(current)) break;
      seen.add(current);
      out.push(current);
    }
    return out;
  }

  /** The place an event is summarised under: sites and districts roll up to their town. */
  function rollUp(i) {
    for (const p of chain(i)) if (!SMALL.has(ENT[p].cls)) return p;
    return i;
  }

  /** Where a place is drawn on the map: itself, or the nearest place it lies in with coordinates. */
  function mapPlace(i) {
    for (const p of chain(i)) if (ENT[p].lat !== undefined && ENT[p].long !== undefined) return p;
    return null;
  }

  const TYPES = [...new Set(EVT.map((ev) => ev.cls))].sort();
  const FAMILY_OF = {};
  EVT.forEach((ev) => (FAMILY_OF[ev.cls] = ev.fam));

  // ------------------------------------------------------------------ state and selection

  const state = {
    since: null, until: null, off: new Set(), actor: null, place: null,
    mode: "auto", expanded: new Set(), pinned: new Set(), pinnedEvents: new Set(), selected: null,
  };

  function inRange(ev) {
    for (const value of [ev.date, ev.start]) {
      if (!value) continue;
      if (state.since && value.slice(0, state.since.length) < state.since) continue;
      if (state.until && value.slice(0, state.until.length) > state.until) continue;
      return true;
    }
    return false;
  }

  function involves(ev, i) {
    const roles = ev.roles.get(i);
    return !!roles && roles.some((r) => r !== "place");
  }

  /** Event indices passing every filter (``skip`` names one facet to ignore, for its counts). */
  function selection(skip) {
    const inside = state.place === null ? null : within(state.place);
    const out = [];
    for (const ev of EVT) {
      if (skip !== "types" && state.off.has(ev.cls)) continue;
      if (skip !== "dates" && (state.since || state.until) && !inRange(ev)) continue;
      if (state.actor !== null && !involves(ev, state.actor)) continue;
      if (inside !== null && !(ev.place !== undefined && inside.has(ev.place))) continue;
      out.push(ev.j);
    }
    return out;
  }

  // ------------------------------------------------------------------ network drawing

  function entityCount(e, selected) {
    let n = 0;
    for (const j of e.events) if (selected.has(j)) n += 1;
    return n;
  }

  function entityTip(e, count) {
    const lines = [e.label + " — " + e.cls];
    if (e.aliases.length) lines.push("alias : " + e.aliases.slice(0, 6).join(", ") + (e.aliases.length > 6 ? "…" : ""));
    if ((e.in || []).length) lines.push("dans : " + chain(e.i).slice(1).map((p) => ENT[p].label).join(" › "));
    lines.push(plural(count, "événement sélectionné", "événements sélectionnés") + " (sur " + fmt(e.events.length) + ")");
    return lines.join("\n");
  }

  function eventTip(ev) {
    const lines = [ev.cls + " (" + ev.fam + ")", (ev.date || "non daté") + (ev.place !== undefined ? " · " + ENT[ev.place].label : "")];
    const names = (list) => (list || []).map((i) => ENT[i].label).join(", ");
    if ((ev.agents || []).length) lines.push("agents : " + names(ev.agents));
    if ((ev.targets || []).length) lines.push("cibles : " + names(ev.targets));
    if ((ev.sources || []).length) lines.push("sources : " + names(ev.sources));
    if (ev.tolls) lines.push("bilan : " + ev.tolls);
    for (const m of ev.mentions.slice(0, 3)) lines.push("article " + m[0] + " · char=" + m[1] + "," + m[2]);
    if (!ev.mentions.length && ev.articles.length) lines.push("article " + ev.articles.join(", "));
    if (ev.sentences.length) {
      const s = ev.sentences[0];
      lines.push("« " + (s.length > 220 ? s.slice(0, 220) + "…" : s) + " »");
    }
    lines.push("(cliquer pour les preuves)");
    return lines.join("\n");
  }

  function entityNode(e, count) {
    const style = STYLES[e.style];
    return {
      id: e.id, label: e.label, shape: style.shape, color: style.colour, style: e.style, kind: e.kind,
      cls: e.cls, size: Math.min(34, 9 + 3 * Math.sqrt(count)), title: entityTip(e, count), x: e.x, y: e.y,
      font: {size: 18},
    };
  }

  function eventNode(ev, labelled) {
    const style = STYLES[ev.fam];
    return {
      id: ev.id, label: labelled ? ev.cls + (ev.date ? "\n" + ev.date : "") : "", shape: style.shape,
      color: style.colour, style: ev.fam, kind: "event", cls: ev.cls, size: 9, title: eventTip(ev),
      x: ev.x, y: ev.y, font: {size: 13, color: "#444"},
    };
  }

  function edge(from, to, role, extra) {
    const style = EDGE_STYLE[role];
    return Object.assign({
      id: role + "|" + from + "|" + to, from: from, to: to, role: role, title: ROLE_TEXT[role],
      color: {color: style.color, highlight: "#000000", hover: "#000000", inherit: false},
      dashes: style.dashes, width: style.width,
    }, extra || {});
  }

  /** Edges of one event: actors → event (agent, source), event → targets, deniers, place. */
  function eventEdges(ev, drawn) {
    const out = [];
    ev.roles.forEach((roles, i) => {
      const e = ENT[i];
      if (!drawn.has(e.id)) return;
      for (const role of roles) {
        if (role === "agent" || role === "reportedBy") out.push(edge(e.id, ev.id, role));
        else out.push(edge(ev.id, e.id, role));
      }
    });
    return out;
  }

  function placeEdges(drawn) {
    const out = [];
    for (const e of ENT) {
      if (!drawn.has(e.id)) continue;
      for (const p of e.in || []) if (drawn.has(ENT[p].id)) out.push(edge(e.id, ENT[p].id, "locatedIn"));
      for (const a of e.aff || []) if (drawn.has(ENT[a].id)) out.push(edge(e.id, ENT[a].id, "affiliatedWith"));
    }
    return out;
  }

  /** Every selected event with its actors, places and the places those lie in. */
  function detailGraph(sel) {
    const selected = new Set(sel);
    for (const j of state.pinnedEvents) selected.add(j);
    const events = [...selected].sort((a, b) => a - b).map((j) => EVT[j]);
    const wanted = new Set(state.pinned);
    for (const ev of events) {
      ev.roles.forEach((roles, i) => {
        if (roles.includes("place")) chain(i).forEach((p) => wanted.add(p));
        else wanted.add(i);
      });
    }
    const entities = [...wanted].sort((a, b) => a - b).map((i) => ENT[i]);
    const drawn = new Set(entities.map((e) => e.id).concat(events.map((ev) => ev.id)));
    const list = entities.filter((e) => e.kind === "place").concat(entities.filter((e) => e.kind === "actor"))
      .map((e) => entityNode(e, entityCount(e, selected)));
    const labelled = events.length <= 30;
    events.forEach((ev) => list.push(eventNode(ev, labelled)));
    let links = placeEdges(drawn);
    events.forEach((ev) => (links = links.concat(eventEdges(ev, drawn))));
    return {nodes: list, edges: links, text: plural(events.length, "événement", "événements") + ", " +
      plural(entities.length, "acteur ou lieu", "acteurs et lieux") + " (tout le détail)"};
  }

  function groupKey(ev) {
    const place = ev.place === undefined ? -1 : rollUp(ev.place);
    return place + "|" + (ev.month || (ev.date ? ev.date.slice(0, 4) : "sans date"));
  }

  /** Events of a selection grouped by place (districts and sites in their town) and month. */
  function groupsOf(sel) {
    const groups = new Map();
    for (const j of sel) {
      const key = groupKey(EVT[j]);
      if (!groups.has(key)) {
        const [place, when] = key.split("|");
        groups.set(key, {key: key, id: "group:" + key, place: Number(place), when: when, events: []});
      }
      groups.get(key).events.push(j);
    }
    return groups;
  }

  function rankGroups(groups) {
    return [...groups.values()].sort((a, b) => b.events.length - a.events.length ||
      (a.when < b.when ? 1 : a.when > b.when ? -1 : 0) || (a.key < b.key ? -1 : 1));
  }

  function groupNode(g, labelled) {
    const families = {};
    g.events.forEach((j) => (families[EVT[j].fam] = (families[EVT[j].fam] || 0) + 1));
    const main = Object.keys(families).sort((a, b) => families[b] - families[a] || (a < b ? -1 : 1))[0];
    const where = g.place >= 0 ? ENT[g.place].label : "lieu inconnu";
    const lines = [where + " — " + g.when, plural(g.events.length, "événement", "événements") + " :"];
    Object.keys(families).sort().forEach((f) => lines.push("  " + f + " " + families[f]));
    lines.push("(cliquer pour développer)");
    const anchor = g.place >= 0 ? ENT[g.place] : {x: 0, y: 0};
    const n = g.events.length;
    return {
      id: g.id, label: labelled ? where + "\n" + g.when + " · " + n : "", shape: D.group.shape, color: STYLES[main].colour,
      style: "group", family: main, kind: "group", size: Math.min(34, 10 + 3 * Math.sqrt(n)),
      title: lines.join("\n"), x: anchor.x + 30 * Math.cos(n), y: anchor.y + 30 * Math.sin(n), font: {size: 16},
    };
  }

  /** The summary: top actors, events grouped by place and month, their places; expanded groups in full. */
  function summaryGraph(sel) {
    const selected = new Set(sel);
    const groups = groupsOf(sel);
    const ranked = rankGroups(groups);
    // the largest groups; groups of undated events take at most a third of the places
    const shown = new Map();
    let undatedSlots = Math.floor(LIM.groups / 3);
    for (const g of ranked) {
      if (shown.size >= LIM.groups) break;
      if (g.when === "sans date") {
        if (undatedSlots <= 0) continue;
        undatedSlots -= 1;
      }
      shown.set(g.key, g);
    }
    // what the user asked for: expanded groups, pinned nodes and their largest groups
    for (const key of state.expanded) if (groups.has(key)) shown.set(key, groups.get(key));
    for (const i of state.pinned) {
      ranked.filter((g) => g.events.some((j) => EVT[j].roles.has(i))).slice(0, 3).forEach((g) => shown.set(g.key, g));
    }
    for (const j of state.pinnedEvents) {
      const key = groupKey(EVT[j]);
      if (groups.has(key)) {
        shown.set(key, groups.get(key));
        state.expanded.add(key);
      }
    }
    // actors by events where they act or are targeted
    const activity = new Map();
    for (const j of sel) {
      EVT[j].roles.forEach((roles, i) => {
        if (roles.some((r) => r === "agent" || r === "target")) activity.set(i, (activity.get(i) || 0) + 1);
      });
    }
    const actors = new Set([...activity.keys()].sort((a, b) => activity.get(b) - activity.get(a) ||
      byLabel(ENT[a], ENT[b])).slice(0, LIM.actors));
    const places = new Set();
    const expandedEvents = [];
    for (const g of shown.values()) {
      if (g.place >= 0) places.add(g.place);
      if (state.expanded.has(g.key)) {
        for (const j of g.events) {
          expandedEvents.push(EVT[j]);
          EVT[j].roles.forEach((roles, i) => {
            if (roles.includes("place")) chain(i).forEach((p) => { if (p === g.place || SMALL.has(ENT[p].cls)) places.add(p); });
            else actors.add(i);
          });
        }
      }
    }
    for (const i of state.pinned) (ENT[i].kind === "actor" ? actors : places).add(i);
    const entities = [...places].sort((a, b) => a - b).concat([...actors].sort((a, b) => a - b)).map((i) => ENT[i]);
    const drawn = new Set(entities.map((e) => e.id));
    const list = entities.map((e) => entityNode(e, entityCount(e, selected)));
    let links = placeEdges(drawn);
    const groupList = [...shown.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
    const labelled = new Set(rankGroups(new Map(groupList.map((g) => [g.key, g]))).slice(0, LIM.labels).map((g) => g.key));
    for (const g of groupList) {
      if (state.expanded.has(g.key)) continue;
      list.push(groupNode(g, labelled.has(g.key)));
      drawn.add(g.id);
      if (g.place >= 0) links.push(edge(g.id, ENT[g.place].id, "place"));
      const roleCount = new Map();
      for (const j of g.events) {
        EVT[j].roles.forEach((roles, i) => {
          if (!actors.has(i)) return;
          for (const role of roles) {
            if (role !== "agent" && role !== "target") continue;
            const key = role + "|" + i;
            roleCount.set(key, (roleCount.get(key) || 0) + 1);
          }
        });
      }
      // the group's main participants only: its 3 most frequent (actor, role) pairs that account
      // for at least a sixth of its events (a summary, not every link)
      const floor = Math.max(1, Math.ceil(g.events.length / 6));
      [...roleCount.entries()].filter(([, n]) => n >= floor)
        .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 3).forEach(([key, n]) => {
        const [role, i] = key.split("|");
        const who = ENT[Number(i)];
        const title = who.label + " : " + ROLE_TEXT[role] + " de " + plural(n, "événement", "événements");
        const extra = {title: title, width: Math.min(6, 1 + Math.log2(n)), value: n};
        links.push(role === "agent" ? edge(who.id, g.id, role, extra) : edge(g.id, who.id, role, extra));
      });
    }
    expandedEvents.sort((a, b) => a.j - b.j);
    expandedEvents.forEach((ev) => {
      list.push(eventNode(ev, expandedEvents.length <= 60));
      drawn.add(ev.id);
    });
    expandedEvents.forEach((ev) => (links = links.concat(eventEdges(ev, drawn))));
    const folded = groupList.filter((g) => !state.expanded.has(g.key)).length;
    let text = "Résumé de " + plural(sel.length, "événement", "événements") + " : les " + folded + " plus grands groupes lieu × mois sur " +
      fmt(groups.size) + " (hexagones, cliquer pour développer), les " + plural(actors.size, "acteur", "acteurs") +
      " les plus actifs, " + plural(places.size, "lieu", "lieux");
    if (expandedEvents.length) text += ", " + plural(expandedEvents.length, "événement développé", "événements développés");
    return {nodes: list, edges: links, text: text};
  }

  let generation = 0;
  const afterDraw = [];

  function markReady() {
    if (!window.kgReady) window.kgReadyAt = performance.now();
    window.kgReady = true;
    while (afterDraw.length) afterDraw.shift()();
  }

  function drawNetwork(sel) {
    const refused = state.mode === "detail" && sel.length > LIM.detailMax;
    const detail = (state.mode === "detail" && !refused) || (state.mode === "auto" && sel.length <= LIM.detail);
    const graph = detail ? detailGraph(sel) : summaryGraph(sel);
    if (refused) graph.text += " — le détail se limite à " + fmt(LIM.detailMax) + " événements : filtrez d'abord";
    const physics = graph.nodes.length > 1 && graph.nodes.length <= LIM.static;
    if (!physics) graph.nodes.forEach((n) => (n.physics = false));
    const gen = ++generation;
    network.setOptions({physics: {enabled: false}});
    nodes.clear();
    edges.clear();
    performance.mark("kg-graph");
    nodes.add(graph.nodes);
    edges.add(graph.edges);
    document.getElementById("kg-shown").textContent = "Affiché : " + graph.text +
      (graph.nodes.length ? "" : " — aucun événement ne répond aux filtres");
    if (physics) {
      network.once("stabilizationIterationsDone", () => {
        if (gen !== generation) return;
        network.setOptions({physics: {enabled: false}});
        network.fit();
        markReady();
      });
      network.setOptions({physics: {enabled: true}});
      network.stabilize(Math.max(60, Math.min(200, 4000 / graph.nodes.length)));
    } else {
      network.fit();
      network.redraw();
      markReady();
    }
  }

  // ------------------------------------------------------------------ facets

  function renderTypes() {
    const counts = {};
    for (const j of selection("types")) counts[EVT[j].cls] = (counts[EVT[j].cls] || 0) + 1;
    const box = document.getElementById("kg-types");
    box.textContent = "";
    for (const family of FAMILIES) {
      const types = TYPES.filter((t) => FAMILY_OF[t] === family);
      if (!types.length) continue;
      const block = el("div", {class: "kg-family"});
      const head = el("label");
      const all = el("input", {type: "checkbox", "data-family": family});
      const on = types.filter((t) => !state.off.has(t)).length;
      all.checked = on === types.length;
      all.indeterminate = on > 0 && on < types.length;
      all.addEventListener("change", () => {
        types.forEach((t) => (all.checked ? state.off.delete(t) : state.off.add(t)));
        update();
      });
      head.append(all, icon(STYLES[family].shape, STYLES[family].colour, 12), el("span", null, family),
        el("span", {class: "kg-count"}, fmt(types.reduce((n, t) => n + (counts[t] || 0), 0))));
      block.appendChild(head);
      const inner = el("div", {class: "kg-typelist"});
      for (const t of types) {
        const row = el("label");
        const box1 = el("input", {type: "checkbox", "data-type": t});
        box1.checked = !state.off.has(t);
        box1.addEventListener("change", () => {
          if (box1.checked) state.off.delete(t);
          else state.off.add(t);
          update();
        });
        row.append(box1, el("span", null, t), el("span", {class: "kg-count"}, fmt(counts[t] || 0)));
        inner.appendChild(row);
      }
      block.appendChild(inner);
      box.appendChild(block);
    }
  }

  function renderLegend() {
    const box = document.getElementById("kg-legend");
    box.textContent = "";
    const present = new Set(ENT.map((e) => e.style).concat(EVT.map((ev) => ev.fam)));
    for (const kind of ["actor", "place", "event"]) {
      const keys = Object.keys(STYLES).filter((k) => STYLES[k].kind === kind && present.has(k));
      if (!keys.length) continue;
      box.appendChild(el("div", {class: "kg-kind"}, KIND_TITLES[kind]));
      for (const k of keys) {
        const item = el("span", {class: "kg-item", "data-style": k, "data-shape": STYLES[k].shape,
          "data-colour": STYLES[k].colour});
        item.append(icon(STYLES[k].shape, STYLES[k].colour), el("span", null, k));
        box.appendChild(item);
      }
    }
    if (EVT.length > LIM.detail) {
      box.appendChild(el("div", {class: "kg-kind"}, "Résumé"));
      const item = el("span", {class: "kg-item", "data-style": "group", "data-shape": D.group.shape});
      item.append(icon(D.group.shape, "#dddddd"), el("span", null, "événements d'un lieu en un mois (couleur : famille la plus fréquente)"));
      box.appendChild(item);
    }
    box.appendChild(el("div", {class: "kg-kind"}, "Liens"));
    for (const role of ["agent", "target", "reportedBy", "disputedBy", "place", "locatedIn", "affiliatedWith"]) {
      const style = EDGE_STYLE[role];
      const item = el("span", {class: "kg-item", "data-role": role});
      const line = svgEl("svg", {width: 26, height: 8});
      const attrs = {x1: 1, y1: 4, x2: 25, y2: 4, stroke: style.color, "stroke-width": style.width + 0.6};
      if (style.dashes) attrs["stroke-dasharray"] = style.dashes.join(" ");
      line.appendChild(svgEl("line", attrs));
      item.append(line, el("span", null, ROLE_TEXT[role]));
      box.appendChild(item);
    }
  }

  function fillDatalists() {
    for (const kind of ["actor", "place"]) {
      const list = document.getElementById("kg-" + kind + "-list");
      const entities = ENT.filter((e) => e.kind === kind && e.events.length).sort(byLabel);
      for (const e of entities) {
        list.appendChild(el("option", {value: e.label}, e.cls + " · " + plural(e.events.length, "événement", "événements")));
        for (const alias of e.aliases) list.appendChild(el("option", {value: alias}, "→ " + e.label));
      }
    }
  }

  /** The entities of a kind a typed name designates: exact label or alias (normalised). */
  function resolveName(text, kind) {
    const wanted = norm(text);
    const exact = ENT.filter((e) => e.kind === kind && norm(e.label) === wanted);
    if (exact.length) return exact;
    return ENT.filter((e) => e.kind === kind && e.norms.includes(wanted));
  }

  function bindNameFacet(kind) {
    const input = document.getElementById("kg-" + kind);
    input.addEventListener("change", () => {
      const text = input.value.trim();
      input.setCustomValidity("");
      if (!text) {
        state[kind] = null;
        update();
        return;
      }
      const found = resolveName(text, kind);
      if (found.length === 1) {
        state[kind] = found[0].i;
        input.value = found[0].label;
        update();
        return;
      }
      const hints = searchMatches(text, kind).slice(0, 3).map((m) => m.entity.label);
      input.setCustomValidity(found.length ? "nom ambigu" : "inconnu");
      input.title = (found.length ? "« " + text + " » désigne plusieurs " + kind + "s"
        : "aucun " + (kind === "actor" ? "acteur" : "lieu") + " « " + text + " »") +
        (hints.length ? " ; essayez : " + hints.join(", ") : "");
      input.reportValidity();
    });
  }

  function setDateInputs() {
    document.getElementById("kg-since").value = state.since || "";
    document.getElementById("kg-until").value = state.until || "";
  }

  function bindDates() {
    const check = /^\d{4}(-\d{2}(-\d{2})?)?$/;
    const error = document.getElementById("kg-date-error");
    for (const name of ["since", "until"]) {
      const input = document.getElementById("kg-" + name);
      input.addEventListener("change", () => {
        const value = input.value.trim();
        if (value && !check.test(value)) {
          error.textContent = "« " + value + " » : donnez une date AAAA, AAAA-MM ou AAAA-MM-JJ";
          error.hidden = false;
          return;
        }
        error.hidden = true;
        state[name] = value || null;
        update();
      });
    }
  }

  // ------------------------------------------------------------------ timeline

  function monthsBetween(first, last) {
    const out = [];
    let y = Number(first.slice(0, 4));
    let m = Number(first.slice(5, 7));
    const end = last.slice(0, 7);
    for (;;) {
      const key = y + "-" + String(m).padStart(2, "0");
      out.push(key);
      if (key >= end || out.length > 1200) break;
      m += 1;
      if (m > 12) {
        m = 1;
        y += 1;
      }
    }
    return out;
  }

  const timeline = {months: [], brushing: null};

  function renderTimeline() {
    const box = document.getElementById("kg-timeline");
    box.textContent = "";
    const base = selection("dates");
    const dated = base.map((j) => EVT[j]).filter((ev) => ev.month || (ev.start && ev.start.length >= 7));
    const W = Math.max(200, box.clientWidth);
    const H = Math.max(80, box.clientHeight);
    const root = svgEl("svg", {viewBox: "0 0 " + W + " " + H, id: "kg-timeline-svg"});
    box.appendChild(root);
    const undated = base.filter((j) => !EVT[j].date && !EVT[j].start).length;
    const yearOnly = base.length - dated.length - undated;
    const note = svgEl("text", {x: W - 4, y: 11, "text-anchor": "end", "font-size": 11, fill: "#666"});
    note.textContent = plural(dated.length, "événement daté au mois", "événements datés au mois") +
      (yearOnly ? " · " + fmt(yearOnly) + " à l'année seule" : "") + (undated ? " · " + fmt(undated) + " sans date" : "");
    root.appendChild(note);
    if (!dated.length) {
      timeline.months = [];
      return;
    }
    const monthOf = (ev) => ev.month || ev.start.slice(0, 7);
    const keys = dated.map(monthOf).sort();
    const months = monthsBetween(keys[0], keys[keys.length - 1]);
    timeline.months = months;
    const index = new Map(months.map((m, i) => [m, i]));
    const stacks = months.map(() => ({}));
    for (const ev of dated) {
      const s = stacks[index.get(monthOf(ev))];
      s[ev.fam] = (s[ev.fam] || 0) + 1;
    }
    const totals = stacks.map((s) => Object.values(s).reduce((a, b) => a + b, 0));
    const max = Math.max(1, ...totals);
    const left = 34;
    const right = 6;
    const top = 16;
    const bottom = 18;
    const bw = (W - left - right) / months.length;
    const ys = (v) => H - bottom - (v / max) * (H - top - bottom);
    timeline.geometry = {left: left, bw: bw};
    // integer ticks
    const step = Math.max(1, Math.ceil(max / 4));
    for (let v = 0; v <= max; v += step) {
      root.appendChild(svgEl("line", {x1: left, x2: W - right, y1: ys(v), y2: ys(v), stroke: "#eee"}));
      const t = svgEl("text", {x: left - 4, y: ys(v) + 4, "text-anchor": "end", "font-size": 10, fill: "#777"});
      t.textContent = fmt(v);
      root.appendChild(t);
    }
    months.forEach((m, i) => {
      let acc = 0;
      for (const fam of FAMILIES) {
        const n = stacks[i][fam];
        if (!n) continue;
        const rect = svgEl("rect", {x: left + i * bw + (bw > 3 ? 0.5 : 0), width: Math.max(0.8, bw - (bw > 3 ? 1 : 0)),
          y: ys(acc + n), height: ys(acc) - ys(acc + n), fill: STYLES[fam].colour, "data-month": m});
        const tip = svgEl("title");
        tip.textContent = m + " : " + plural(totals[i], "événement", "événements");
        rect.appendChild(tip);
        root.appendChild(rect);
        acc += n;
      }
    });
    // year labels, spaced so they do not overlap
    const years = months.map((m, i) => [m, i]).filter(([m], i) => i === 0 || m.endsWith("-01"));
    const every = Math.max(1, Math.ceil(34 / (bw * 12)));
    years.forEach(([m, i], k) => {
      if (k % every && k !== 0) return;
      const x = left + i * bw;
      root.appendChild(svgEl("line", {x1: x, x2: x, y1: H - bottom, y2: H - bottom + 4, stroke: "#999"}));
      const t = svgEl("text", {x: x + 2, y: H - 4, "font-size": 10, fill: "#555"});
      t.textContent = months.length <= 24 ? m : m.slice(0, 4);
      root.appendChild(t);
    });
    root.appendChild(svgEl("line", {x1: left, x2: W - right, y1: H - bottom, y2: H - bottom, stroke: "#999"}));
    // the brushed period
    const brush = svgEl("rect", {id: "kg-brush", y: top - 4, height: H - top - bottom + 4, fill: "rgba(30,110,200,.18)",
      stroke: "#1e6ec8", "stroke-width": 1, visibility: "hidden"});
    root.appendChild(brush);
    if (state.since || state.until) {
      const from = state.since ? months.findIndex((m) => m >= state.since.slice(0, 7)) : 0;
      let to = months.length - 1;
      if (state.until) {
        const after = months.findIndex((m) => m > state.until.slice(0, 7));
        to = after === -1 ? months.length - 1 : after - 1;
      }
      if (from !== -1 && to >= from) showBrush(from, to);
    }
    root.addEventListener("pointerdown", brushStart);
    root.addEventListener("pointermove", brushMove);
    root.addEventListener("pointerup", brushEnd);
  }

  function showBrush(a, b) {
    const brush = document.getElementById("kg-brush");
    const g = timeline.geometry;
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    brush.setAttribute("x", g.left + lo * g.bw);
    brush.setAttribute("width", Math.max(1, (hi - lo + 1) * g.bw));
    brush.setAttribute("visibility", "visible");
  }

  function monthAt(evt) {
    const root = document.getElementById("kg-timeline-svg");
    const r = root.getBoundingClientRect();
    const x = (evt.clientX - r.left) * (root.viewBox.baseVal.width / r.width);
    const i = Math.floor((x - timeline.geometry.left) / timeline.geometry.bw);
    return Math.max(0, Math.min(timeline.months.length - 1, i));
  }

  function brushStart(evt) {
    if (!timeline.months.length) return;
    evt.currentTarget.setPointerCapture(evt.pointerId);
    timeline.brushing = {from: monthAt(evt), x: evt.clientX, moved: false};
  }

  function brushMove(evt) {
    const b = timeline.brushing;
    if (!b) return;
    if (Math.abs(evt.clientX - b.x) > 3) b.moved = true;
    if (b.moved) showBrush(b.from, monthAt(evt));
  }

  function brushEnd(evt) {
    const b = timeline.brushing;
    timeline.brushing = null;
    if (!b) return;
    if (!b.moved) {
      state.since = state.until = null;
    } else {
      const to = monthAt(evt);
      state.since = timeline.months[Math.min(b.from, to)];
      state.until = timeline.months[Math.max(b.from, to)];
    }
    setDateInputs();
    update();
  }

  // ------------------------------------------------------------------ map

  function renderMap(sel) {
    const box = document.getElementById("kg-map");
    box.textContent = "";
    const [west, south, east, north] = D.outline.bbox;
    const k = Math.cos(((south + north) / 2) * Math.PI / 180);
    const W = (east - west) * k;
    const H = north - south;
    const px = (lon) => (lon - west) * k;
    const py = (lat) => north - lat;
    const root = svgEl("svg", {viewBox: "0 0 " + W.toFixed(3) + " " + H.toFixed(3), preserveAspectRatio: "xMidYMid meet",
      id: "kg-map-svg"});
    box.appendChild(root);
    root.appendChild(svgEl("rect", {x: 0, y: 0, width: W, height: H, fill: "#dde9f3"}));
    for (const country of D.outline.countries) {
      const d = country.rings.map((ring) => "M" + ring.map((p) => px(p[0]).toFixed(3) + " " + py(p[1]).toFixed(3))
        .join("L") + "Z").join("");
      const path = svgEl("path", {d: d, fill: country.iso === "760" ? "#f7f1e3" : "#ececec", stroke: "#8c8c8c",
        "stroke-width": 0.8, "vector-effect": "non-scaling-stroke", "data-country": country.name});
      root.appendChild(path);
    }
    for (const country of D.outline.countries) {
      const ring = country.rings.reduce((a, b) => (b.length > a.length ? b : a));
      const cx = ring.reduce((s, p) => s + p[0], 0) / ring.length;
      const cy = ring.reduce((s, p) => s + p[1], 0) / ring.length;
      const t = svgEl("text", {x: px(cx), y: py(cy), "text-anchor": "middle", "font-size": 0.32,
        fill: country.iso === "760" ? "#a08a5a" : "#a5a5a5", "font-style": "italic", "pointer-events": "none"});
      t.textContent = country.name;
      root.appendChild(t);
    }
    // events by the place they are drawn at
    const counts = new Map();
    let unplaced = 0;
    let national = 0;
    let outside = 0;
    for (const j of sel) {
      const ev = EVT[j];
      if (ev.place === undefined) {
        unplaced += 1;
        continue;
      }
      if (ENT[ev.place].cls === "Country") {
        national += 1;
        continue;
      }
      const at = mapPlace(ev.place);
      if (at === null || ENT[at].cls === "Country") {
        unplaced += 1;
        continue;
      }
      const e = ENT[at];
      if (e.long < west || e.long > east || e.lat < south || e.lat > north) {
        outside += 1;
        continue;
      }
      counts.set(at, (counts.get(at) || 0) + 1);
    }
    const ranked = [...counts.keys()].sort((a, b) => counts.get(b) - counts.get(a) || byLabel(ENT[a], ENT[b]));
    const maxCount = Math.max(1, ...counts.values());
    const radius = (n) => 0.05 + 0.32 * Math.sqrt(n / maxCount);
    [...ranked].reverse().forEach((i) => {
      const e = ENT[i];
      const n = counts.get(i);
      const dot = svgEl("circle", {cx: px(e.long), cy: py(e.lat), r: radius(n), fill: STYLES[e.style].colour,
        "fill-opacity": 0.75, stroke: "#ffffff", "stroke-width": 0.8, "vector-effect": "non-scaling-stroke",
        class: "kg-map-place", "data-id": e.id, "data-count": n});
      const tip = svgEl("title");
      tip.textContent = e.label + " (" + e.cls + ") — " + plural(n, "événement", "événements") +
        " ici ou dans un lieu qu'il contient sans coordonnées";
      dot.appendChild(tip);
      dot.addEventListener("click", () => {
        setFacet("place", i);
        showEntity(e);
      });
      root.appendChild(dot);
    });
    // labels of the busiest places, skipping any that would overlap one already placed
    const boxes = [];
    let placed = 0;
    ranked.slice(0, 30).forEach((i) => {
      if (placed >= 8) return;
      const e = ENT[i];
      const text = e.label + " " + fmt(counts.get(i));
      const x = px(e.long) + radius(counts.get(i)) + 0.05;
      const box = {x0: x, x1: x + 0.17 * text.length, y0: py(e.lat) - 0.2, y1: py(e.lat) + 0.14};
      if (boxes.some((b) => b.x0 < box.x1 && box.x0 < b.x1 && b.y0 < box.y1 && box.y0 < b.y1)) return;
      boxes.push(box);
      placed += 1;
      const t = svgEl("text", {x: x, y: py(e.lat) + 0.1, "font-size": 0.3,
        fill: "#222", stroke: "#ffffff", "stroke-width": 2.5, "paint-order": "stroke", "vector-effect": "non-scaling-stroke",
        "pointer-events": "none"});
      t.textContent = text;
      root.appendChild(t);
    });
    const parts = [];
    if (national) parts.push(fmt(national) + " à l'échelle d'un pays");
    if (outside) parts.push(fmt(outside) + " hors cadre");
    if (unplaced) parts.push(fmt(unplaced) + " sans coordonnées");
    if (parts.length) {
      const t = svgEl("text", {x: 0.08, y: H - 0.12, "font-size": 0.27, fill: "#555"});
      t.textContent = "Hors carte : " + parts.join(", ");
      root.appendChild(t);
    }
    const credit = svgEl("text", {x: W - 0.06, y: 0.3, "font-size": 0.22, fill: "#777", "text-anchor": "end"});
    credit.textContent = "Frontières : Natural Earth";
    root.appendChild(credit);
  }

  // ------------------------------------------------------------------ details panel

  function entityLink(i) {
    const e = ENT[i];
    const a = el("button", {class: "kg-link", type: "button"}, e.label);
    a.addEventListener("click", () => focusEntity(i));
    return a;
  }

  function eventLink(j) {
    const ev = EVT[j];
    const a = el("button", {class: "kg-link", type: "button"},
      ev.cls + " · " + (ev.date || "non daté") + (ev.place !== undefined ? " · " + ENT[ev.place].label : ""));
    a.addEventListener("click", () => focusEvent(j));
    return a;
  }

  function row(dl, term, content) {
    if (content === null || content === undefined || content === "" || (Array.isArray(content) && !content.length)) return;
    dl.appendChild(el("dt", null, term));
    const dd = el("dd");
    if (Array.isArray(content)) {
      content.forEach((item, k) => {
        if (k) dd.append(", ");
        dd.append(item);
      });
    } else {
      dd.append(content);
    }
    dl.appendChild(dd);
  }

  function panel() {
    const box = document.getElementById("kg-details");
    box.textContent = "";
    return box;
  }

  /** A sentence with ``anchor`` marked (its first occurrence), as DOM nodes. */
  function marked(sentence, anchor) {
    const quote = el("blockquote");
    const at = anchor ? sentence.indexOf(anchor) : -1;
    if (at < 0) {
      quote.textContent = "« " + sentence + " »";
      return quote;
    }
    quote.append("« " + sentence.slice(0, at), el("mark", null, anchor), sentence.slice(at + anchor.length) + " »");
    return quote;
  }

  function showEvent(ev) {
    state.selected = ev.id;
    const box = panel();
    box.setAttribute("data-kind", "event");
    box.setAttribute("data-id", ev.id);
    const h = el("h3");
    h.append(icon(STYLES[ev.fam].shape, STYLES[ev.fam].colour), " " + ev.cls);
    box.appendChild(h);
    const dl = el("dl");
    row(dl, "Famille", ev.fam);
    row(dl, "Date", ev.date || "non datée");
    if (ev.start || ev.end) row(dl, "Période", (ev.start || "?") + " – " + (ev.end || "?"));
    if (ev.place !== undefined) {
      const links = chain(ev.place).map(entityLink);
      const path = el("span");
      links.forEach((a, k) => {
        if (k) path.append(" › ");
        path.append(a);
      });
      row(dl, "Lieu", path);
    }
    row(dl, "Agents", (ev.agents || []).map(entityLink));
    row(dl, "Cibles", (ev.targets || []).map(entityLink));
    row(dl, "Sources", (ev.sources || []).map(entityLink));
    row(dl, "Démenti par", (ev.disputed || []).map(entityLink));
    row(dl, "Bilan", ev.tolls);
    if (ev.conf !== undefined) row(dl, "Confiance", ev.conf.toFixed(2));
    row(dl, "Articles", ev.articles.join(", "));
    box.appendChild(dl);
    box.appendChild(el("h3", null, "Preuves"));
    const used = new Set();
    for (const [article, begin, end, anchor] of ev.mentions) {
      const div = el("div", {class: "kg-evidence", "data-article": article, "data-begin": begin, "data-end": end});
      let k = ev.sentences.findIndex((s, n) => !used.has(n) && anchor && s.includes(anchor));
      if (k < 0) k = ev.sentences.findIndex((s) => anchor && s.includes(anchor));
      if (k >= 0) {
        used.add(k);
        div.appendChild(marked(ev.sentences[k], anchor));
      }
      div.appendChild(el("div", {class: "kg-ref"}, "article " + article + " · char=" + begin + "," + end +
        (anchor ? " · « " + anchor + " »" : "")));
      box.appendChild(div);
    }
    ev.sentences.forEach((s, n) => {
      if (used.has(n)) return;
      const div = el("div", {class: "kg-evidence"});
      div.appendChild(marked(s, null));
      div.appendChild(el("div", {class: "kg-ref"}, "article " + (ev.articles.join(", ") || "?")));
      box.appendChild(div);
    });
    if (!ev.mentions.length && !ev.sentences.length) box.appendChild(el("p", {class: "kg-muted"}, "Aucune preuve dans ce graphe."));
    box.appendChild(el("p", {class: "kg-ref kg-muted"}, ev.id));
  }

  function showEntity(e) {
    state.selected = e.id;
    const box = panel();
    box.setAttribute("data-kind", e.kind);
    box.setAttribute("data-id", e.id);
    const h = el("h3");
    h.append(icon(STYLES[e.style].shape, STYLES[e.style].colour), " " + e.label);
    box.appendChild(h);
    const selected = new Set(selection());
    const dl = el("dl");
    row(dl, "Classe", e.cls);
    row(dl, "Alias", e.aliases.join(", "));
    if ((e.in || []).length) {
      const path = el("span");
      chain(e.i).slice(1).forEach((p, k) => {
        if (k) path.append(" › ");
        path.append(entityLink(p));
      });
      row(dl, "Dans", path);
    }
    row(dl, "Membre de", (e.aff || []).map(entityLink));
    if (e.lat !== undefined) row(dl, "Coordonnées", e.lat.toFixed(3) + ", " + e.long.toFixed(3));
    const inside = e.kind === "place" ? within(e.i) : null;
    const events = e.kind === "place"
      ? EVT.filter((ev) => ev.place !== undefined && inside.has(ev.place)).map((ev) => ev.j)
      : e.events.filter((j) => involves(EVT[j], e.i));
    row(dl, "Événements", fmt(events.filter((j) => selected.has(j)).length) + " sélectionnés sur " + fmt(events.length) +
      (e.kind === "place" ? " (ici et dans les lieux qu'il contient)" : ""));
    box.appendChild(dl);
    const buttons = el("div", {class: "kg-buttons"});
    const filter = el("button", {type: "button"}, state[e.kind] === e.i ? "Retirer ce filtre" : "Filtrer sur ce " + (e.kind === "actor" ? "acteur" : "lieu"));
    filter.addEventListener("click", () => {
      setFacet(e.kind, state[e.kind] === e.i ? null : e.i);
      showEntity(e);
    });
    buttons.appendChild(filter);
    box.appendChild(buttons);
    const list = el("ul", {class: "kg-events"});
    events.filter((j) => selected.has(j))
      .sort((a, b) => ((EVT[b].date || "") < (EVT[a].date || "") ? -1 : (EVT[b].date || "") > (EVT[a].date || "") ? 1 : a - b))
      .slice(0, 40).forEach((j) => {
        const li = el("li");
        li.appendChild(eventLink(j));
        list.appendChild(li);
      });
    if (list.childNodes.length) {
      box.appendChild(el("h3", null, "Événements sélectionnés" + (events.length > 40 ? " (40 plus récents)" : "")));
      box.appendChild(list);
    }
    box.appendChild(el("p", {class: "kg-ref kg-muted"}, e.id));
  }

  function showGroup(key, sel) {
    const group = groupsOf(sel).get(key);
    if (!group) return;
    const box = panel();
    box.setAttribute("data-kind", "group");
    box.setAttribute("data-id", group.id);
    box.appendChild(el("h3", null, (group.place >= 0 ? ENT[group.place].label : "lieu inconnu") + " — " + group.when));
    box.appendChild(el("p", null, plural(group.events.length, "événement", "événements") +
      " (le lieu, les quartiers et les sites qu'il contient, ce mois-là)"));
    const buttons = el("div", {class: "kg-buttons"});
    const fold = el("button", {type: "button"}, state.expanded.has(key) ? "Replier" : "Développer");
    fold.addEventListener("click", () => {
      if (state.expanded.has(key)) state.expanded.delete(key);
      else state.expanded.add(key);
      update();
      showGroup(key, selection());
    });
    buttons.appendChild(fold);
    box.appendChild(buttons);
    const list = el("ul", {class: "kg-events"});
    group.events.slice(0, 60).forEach((j) => {
      const li = el("li");
      li.appendChild(eventLink(j));
      list.appendChild(li);
    });
    box.appendChild(list);
  }

  // ------------------------------------------------------------------ search

  /** Entities whose label or an alias contains the text (normalised), best first. */
  function searchMatches(text, kind) {
    const wanted = norm(text);
    if (!wanted) return [];
    const found = [];
    for (const e of ENT) {
      if (kind && e.kind !== kind) continue;
      let best = 9;
      let via = 0;
      e.norms.forEach((t, k) => {
        const rank = t === wanted ? 0 : t.startsWith(wanted) ? 1 : t.includes(" " + wanted) ? 2 : t.includes(wanted) ? 3 : 9;
        if (rank < best) {
          best = rank;
          via = k;
        }
      });
      if (best < 9) found.push({entity: e, rank: best, alias: via > 0 ? e.aliases[via - 1] : null});
    }
    found.sort((a, b) => a.rank - b.rank || b.entity.events.length - a.entity.events.length || byLabel(a.entity, b.entity));
    return found.slice(0, 12);
  }

  const search = {input: document.getElementById("kg-search"), list: document.getElementById("kg-results"), hits: [], active: 0};

  function renderResults() {
    const {list, hits} = search;
    list.textContent = "";
    list.hidden = !search.input.value.trim();
    if (!hits.length) {
      list.appendChild(el("li", {class: "kg-muted"}, "aucun acteur ni lieu de ce nom"));
      return;
    }
    hits.forEach((hit, k) => {
      const e = hit.entity;
      const li = el("li", {role: "option", "data-id": e.id, class: k === search.active ? "kg-active" : ""});
      li.append(icon(STYLES[e.style].shape, STYLES[e.style].colour), el("span", null, e.label));
      if (hit.alias) li.appendChild(el("span", {class: "kg-alias"}, "alias « " + hit.alias + " »"));
      li.appendChild(el("span", {class: "kg-count"}, e.cls + " · " + fmt(e.events.length)));
      li.addEventListener("mousedown", (evt) => {
        evt.preventDefault();
        choose(k);
      });
      list.appendChild(li);
    });
  }

  function choose(k) {
    const hit = search.hits[k];
    if (!hit) return;
    search.list.hidden = true;
    search.input.value = hit.entity.label;
    focusEntity(hit.entity.i);
  }

  search.input.addEventListener("input", () => {
    search.hits = searchMatches(search.input.value);
    search.active = 0;
    renderResults();
  });
  search.input.addEventListener("keydown", (evt) => {
    if (evt.key === "ArrowDown" || evt.key === "ArrowUp") {
      evt.preventDefault();
      const n = search.hits.length;
      if (n) search.active = (search.active + (evt.key === "ArrowDown" ? 1 : n - 1)) % n;
      renderResults();
    } else if (evt.key === "Enter") {
      evt.preventDefault();
      if (!search.hits.length) search.hits = searchMatches(search.input.value);
      choose(search.active);
    } else if (evt.key === "Escape") {
      search.list.hidden = true;
    }
  });
  search.input.addEventListener("blur", () => setTimeout(() => (search.list.hidden = true), 150));

  // ------------------------------------------------------------------ focusing and selecting

  function whenDrawn(fn) {
    if (window.kgReady && afterDraw.length === 0 && !pending) fn();
    else afterDraw.push(fn);
  }

  function focusId(id) {
    whenDrawn(() => {
      if (!nodes.get(id)) return;
      network.selectNodes([id]);
      network.focus(id, {scale: Math.max(network.getScale(), 0.9), animation: false});
    });
  }

  function focusEntity(i) {
    const e = ENT[i];
    state.pinned.add(i);
    update();
    focusId(e.id);
    showEntity(e);
  }

  function focusEvent(j) {
    const ev = EVT[j];
    state.pinnedEvents.add(j);
    update();
    focusId(ev.id);
    showEvent(ev);
  }

  function setFacet(kind, i) {
    state[kind] = i;
    document.getElementById("kg-" + kind).value = i === null ? "" : ENT[i].label;
    update();
  }

  network.on("click", (params) => {
    if (!params.nodes.length) return;
    const id = params.nodes[0];
    const hit = byId.get(id);
    if (hit && hit.event) showEvent(hit.event);
    else if (hit && hit.entity) showEntity(hit.entity);
    else if (String(id).startsWith("group:")) {
      const key = String(id).slice(6);
      state.expanded.add(key);
      update();
      showGroup(key, selection());
    }
  });

  // ------------------------------------------------------------------ update loop

  let pending = false;

  function update() {
    window.kgReady = false;
    pending = true;
    const sel = selection();
    document.getElementById("kg-counts").textContent = plural(EVT.length, "événement", "événements") + " · " +
      plural(ENT.filter((e) => e.kind === "actor").length, "acteur", "acteurs") + " · " +
      plural(ENT.filter((e) => e.kind === "place").length, "lieu", "lieux") + " — " + fmt(sel.length) + " sélectionnés";
    renderTypes();
    performance.mark("kg-types");
    renderTimeline();
    performance.mark("kg-timeline");
    renderMap(sel);
    performance.mark("kg-map");
    pending = false;
    drawNetwork(sel);
  }

  function reset() {
    Object.assign(state, {since: null, until: null, actor: null, place: null, mode: state.mode});
    state.off.clear();
    state.expanded.clear();
    state.pinned.clear();
    state.pinnedEvents.clear();
    for (const id of ["kg-actor", "kg-place", "kg-search"]) document.getElementById(id).value = "";
    setDateInputs();
    document.getElementById("kg-date-error").hidden = true;
    update();
  }

  document.getElementById("kg-reset").addEventListener("click", reset);
  document.getElementById("kg-mode").addEventListener("change", (evt) => {
    state.mode = evt.target.value;
    update();
  });
  let resizeTimer = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => {
      renderTimeline();
      renderMap(selection());
    }, 150);
  });

  bindNameFacet("actor");
  bindNameFacet("place");
  bindDates();
  fillDatalists();
  renderLegend();
  update();

  window.kgExplorer = {state: state, update: update, search: searchMatches, selection: selection, norm: norm};
})();
