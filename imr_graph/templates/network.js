// imr-graph network view: filters, tooltips, labels, focus and case lists over data embedded
// in this page. Every string from a letter is set with textContent or drawn on the canvas:
// never as markup.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("view-data").textContent);
  const meta = data.meta;
  const byId = new Map(data.nodes.map((n) => [n.id, n]));
  const roleIndex = new Map(meta.roles.map((key, k) => [key, meta.roleIndex[k]]));
  const state = { focus: null, hover: null, shown: new Map() };  // shown: node id → current count

  function control(id) {
    return document.getElementById(id);
  }

  function selected() {
    const role = control("role") ? control("role").value : "all";  // "all": each item once
    const year = control("year") ? control("year").value : "all";
    const boxes = document.querySelectorAll("#sources input");
    const sources = new Set(Array.from(boxes).filter((b) => b.checked).map((b) => b.value));
    return {
      role: role === "all" ? meta.anyRole : roleIndex.get(role),
      year: year === "all" ? null : Number(year),
      outcome: control("outcome") ? control("outcome").value : "all",
      sources: boxes.length ? sources : null,
    };
  }

  // Items upheld and overturned among the facts that pass the role and year filters.
  function count(facts, f) {
    let upheld = 0;
    let overturned = 0;
    for (const [role, year, up, over] of facts) {
      if (role === f.role && (f.year === null || year === f.year)) {
        upheld += up;
        overturned += over;
      }
    }
    return { upheld, overturned, items: upheld + overturned };
  }

  function weight(c, f) {
    return f.outcome === "upheld" ? c.upheld : f.outcome === "overturned" ? c.overturned : c.items;
  }

  // Sizes on the page's fixed scale (the Python side's `scaled`): never relative to what is shown.
  function scaled(items, scale) {
    return scale[0] + scale[1] * Math.log10(Math.max(items, 1));
  }

  // Wilson score interval for a proportion (95%), as the Python side computes it.
  function wilson(k, n) {
    if (n === 0) return [0, 0];
    const z = 1.959963984540054;
    const p = k / n;
    const denom = 1 + (z * z) / n;
    const centre = (p + (z * z) / (2 * n)) / denom;
    const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
    return [Math.max(0, centre - half), Math.min(1, centre + half)];
  }

  function percent(x) {
    return (100 * x).toFixed(1) + "%";
  }

  function shareColour(share, alpha) {
    const stops = meta.shareStops;
    for (let k = 1; k < stops.length; k++) {
      if (share <= stops[k][0] || k === stops.length - 1) {
        const [a, ca] = stops[k - 1];
        const [b, cb] = stops[k];
        const t = Math.max(0, Math.min(1, (share - a) / (b - a)));
        const mix = ca.map((v, i) => Math.round(v + t * (cb[i] - v)));
        return "rgba(" + mix.join(",") + "," + alpha + ")";
      }
    }
    return "rgba(0,0,0," + alpha + ")";
  }

  function tooltip(heading, lines, c, examples) {
    const box = document.createElement("div");
    const title = document.createElement("strong");
    title.textContent = heading;
    box.appendChild(title);
    const add = (text) => {
      const line = document.createElement("div");
      line.textContent = text;
      box.appendChild(line);
    };
    lines.forEach(add);
    if (c) {
      add(c.items + " items: " + c.upheld + " upheld, " + c.overturned + " overturned");
      if (c.items > 0) {
        const [low, high] = wilson(c.overturned, c.items);
        add("Overturned " + percent(c.overturned / c.items) + " (95% CI " + percent(low) + "–" + percent(high) + ")");
      }
    }
    if (examples && examples.length) add("Cases: " + examples.join(", ") + (meta.labels ? " (click for the list)" : ""));
    return box;
  }

  const nodes = new vis.DataSet(data.nodes.map((n) => Object.assign({}, n, { title: undefined })));
  const edges = new vis.DataSet(data.edges.map((e) => Object.assign({}, e, { title: undefined })));
  const network = new vis.Network(
    document.getElementById("network"),
    { nodes: nodes, edges: edges },
    data.options
  );

  // -- labels on demand: the nodes asked for first, then the most items, none overlapping --
  const measure = document.createElement("canvas").getContext("2d");
  measure.font = "normal " + meta.font[0] + "px " + meta.font[1];

  // Where a node's label goes (canvas pixels): under its shape, centred, one line high.
  function labelBox(id) {
    const n = byId.get(id);
    const size = nodes.get(id).size || meta.nodeScale[0];
    const half = Math.max(measure.measureText(n.short).width, 2 * size) / 2 + 3;
    const top = n.y + size;
    return { left: n.x - half, right: n.x + half, top: top, bottom: top + meta.font[0] * 1.4 + 6 };
  }

  function overlap(a, b) {
    return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  }

  function neighbours(id) {
    const found = [];
    for (const e of edges.get({ filter: (e) => !e.hidden && (e.from === id || e.to === id) })) {
      found.push(e.from === id ? e.to : e.from);
    }
    return found.sort((a, b) => (state.shown.get(b) || 0) - (state.shown.get(a) || 0));
  }

  function placeLabels() {
    if (!meta.labels) return [];
    const first = [];
    for (const id of [state.hover, state.focus]) {
      if (id !== null && state.shown.has(id)) first.push(id, ...neighbours(id));
    }
    const ranked = Array.from(state.shown.keys()).sort((a, b) => state.shown.get(b) - state.shown.get(a));
    const boxes = [];
    const labelled = new Set();
    const wanted = new Set(first);
    for (const id of [...first, ...ranked]) {
      if (labelled.has(id) || (!wanted.has(id) && labelled.size >= meta.labels)) continue;
      const box = labelBox(id);
      if (boxes.some((b) => overlap(b, box))) continue;
      boxes.push(box);
      labelled.add(id);
    }
    nodes.update(data.nodes.map((n) => ({ id: n.id, label: labelled.has(n.id) ? n.short : "" })));
    return Array.from(labelled);
  }

  // -- the side list: the letters behind the clicked node, filtered like the page --
  function listCases(id, f) {
    const box = control("cases");
    if (!box) return;
    const list = control("case-list");
    list.replaceChildren();
    if (id === null) {
      box.hidden = true;
      return;
    }
    const n = byId.get(id);
    box.hidden = false;
    control("cases-title").textContent = n.full;
    const text = control("case-filter").value.trim().toLowerCase();
    let shown = 0;
    for (const [caseNumber, year, overturned, roles] of n.cases) {
      if (f.role !== meta.anyRole && !(roles & (1 << f.role))) continue;
      if (f.year !== null && year !== f.year) continue;
      if ((f.outcome === "upheld" && overturned) || (f.outcome === "overturned" && !overturned)) continue;
      if (text && !caseNumber.toLowerCase().includes(text)) continue;
      const said = (overturned ? "overturned" : "upheld") + (year ? ", " + year : "");
      list.appendChild(imrCaseEntry(caseNumber, overturned, meta.casePages[caseNumber], said));
      shown += 1;
    }
    const listed = n.cases.length ? new Set(n.cases.map((c) => c[0])).size : 0;
    let said = shown + " shown of " + listed + " letters listed";
    if (n.letters > listed) {
      const all = n.letters.toLocaleString("en-US");
      said += meta.fromStatistics ? " (at least " + all + " letters cite it)" : " (the lowest case numbers of " + all + ")";
    }
    control("cases-count").textContent = said + ".";
    control("cases-all").textContent =
      n.letters > listed && n.unit ? "Every case: imr-graph query cases-citing --unit " + n.unit : "";
  }

  function apply() {
    const f = selected();
    const visible = new Set();
    const edgeUpdates = [];
    const focusLinks = new Set();
    for (const e of data.edges) {
      const a = byId.get(e.from);
      const b = byId.get(e.to);
      const sourceOk = (n) => f.sources === null || n.kind !== "guideline" || f.sources.has(n.sourceKey);
      let hidden = !(sourceOk(a) && sourceOk(b));
      const update = { id: e.id };
      let alpha = 0.85;
      if (e.facts.length) {
        const c = count(e.facts, f);
        const w = weight(c, f);
        hidden = hidden || w === 0;
        update.title = tooltip(a.full + " — " + b.full, e.detail, c, e.examples);
        update.width = scaled(w, meta.edgeScale);
        if (state.focus !== null && e.from !== state.focus && e.to !== state.focus) alpha = 0.08;
        if (meta.edgeColour === "share" && c.items > 0) {
          update.color = { color: shareColour(c.overturned / c.items, alpha) };
        }
      } else if (e.detail.length) {
        update.title = tooltip(a.full + " — " + b.full, e.detail, null, []);
      }
      update.hidden = hidden;
      if (!hidden) {
        visible.add(e.from);
        visible.add(e.to);
        if (e.from === state.focus || e.to === state.focus) {
          focusLinks.add(e.from);
          focusLinks.add(e.to);
        }
      }
      edgeUpdates.push(update);
    }
    if (state.focus !== null && !visible.has(state.focus)) state.focus = null;
    state.shown = new Map();
    const nodeUpdates = data.nodes.map((n) => {
      const hidden = !visible.has(n.id) && !(n.kind === "letter");
      const update = { id: n.id, hidden: hidden };
      if (state.focus !== null) update.opacity = focusLinks.has(n.id) ? 1 : 0.15;
      else update.opacity = 1;
      if (n.facts.length) {
        const c = count(n.facts, f);
        update.title = tooltip(n.full, n.detail, c, n.examples);
        if (meta.sizeByItems) update.size = scaled(weight(c, f), meta.nodeScale);
        if (!hidden) state.shown.set(n.id, weight(c, f));
      } else {
        update.title = tooltip(n.full, n.detail, null, n.examples);
        if (!hidden) state.shown.set(n.id, 0);
      }
      return update;
    });
    nodes.update(nodeUpdates);
    edges.update(edgeUpdates);
    placeLabels();
    listCases(state.focus, f);
    const shownNodes = nodeUpdates.filter((u) => !u.hidden).length;
    const shownEdges = edgeUpdates.filter((u) => !u.hidden).length;
    control("status").textContent = shownNodes + " nodes and " + shownEdges + " links shown";
    return { nodes: shownNodes, edges: shownEdges };
  }

  // Click a node: its neighbourhood stays bright, the rest fades, its letters are listed.
  function focus(id) {
    state.focus = id;
    if (id === null) network.unselectAll();
    else network.selectNodes([id]);
    return apply();
  }

  function search() {
    const text = control("search").value.trim().toLowerCase();
    const list = control("matches");
    list.replaceChildren();
    if (!text) return;
    const found = nodes.get({ filter: (n) => !n.hidden && n.full.toLowerCase().includes(text) });
    found.slice(0, 12).forEach((n) => {
      const entry = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = n.full;
      button.addEventListener("click", () => {
        if (meta.labels) focus(n.id);
        network.selectNodes([n.id]);
        network.focus(n.id, { scale: 1.2, animation: false });
      });
      entry.appendChild(button);
      list.appendChild(entry);
    });
    if (found.length === 0) list.textContent = "No visible node matches.";
    if (found.length) network.selectNodes(found.map((n) => n.id));
  }

  document.querySelectorAll("#panel select, #sources input").forEach((el) => el.addEventListener("change", apply));
  control("search").addEventListener("input", search);
  if (meta.labels) {
    network.on("click", (p) => focus(p.nodes.length ? p.nodes[0] : null));
    network.on("hoverNode", (p) => {
      state.hover = p.node;
      placeLabels();
    });
    network.on("blurNode", () => {
      state.hover = null;
      placeLabels();
    });
    control("case-filter").addEventListener("input", () => listCases(state.focus, selected()));
    control("cases-close").addEventListener("click", () => focus(null));
  }
  apply();
  network.once("afterDrawing", () => {
    window.imrView.drawn = performance.now();
  });
  window.imrView = {
    network: network,
    nodes: nodes,
    edges: edges,
    apply: apply,
    focus: focus,
    placeLabels: placeLabels,
    hover: (id) => {
      state.hover = id;
      return placeLabels();
    },
    wilson: wilson,
    drawn: null,
  };
})();
