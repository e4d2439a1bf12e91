// imr-graph network view: filters, tooltips and search over data embedded in this page.
// Every string from a letter is set with textContent or drawn on the canvas: never as markup.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("view-data").textContent);
  const meta = data.meta;
  const byId = new Map(data.nodes.map((n) => [n.id, n]));
  const roleIndex = new Map(meta.roles.map((key, k) => [key, meta.roleIndex[k]]));

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

  function shareColour(share) {
    const stops = meta.shareStops;
    for (let k = 1; k < stops.length; k++) {
      if (share <= stops[k][0] || k === stops.length - 1) {
        const [a, ca] = stops[k - 1];
        const [b, cb] = stops[k];
        const t = Math.max(0, Math.min(1, (share - a) / (b - a)));
        const mix = ca.map((v, i) => Math.round(v + t * (cb[i] - v)));
        return "rgb(" + mix.join(",") + ")";
      }
    }
    return "rgb(0,0,0)";
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
    if (examples && examples.length) add("Cases: " + examples.join(", "));
    return box;
  }

  const nodes = new vis.DataSet(data.nodes.map((n) => Object.assign({}, n, { title: undefined })));
  const edges = new vis.DataSet(data.edges.map((e) => Object.assign({}, e, { title: undefined })));
  const network = new vis.Network(
    document.getElementById("network"),
    { nodes: nodes, edges: edges },
    data.options
  );

  function apply() {
    const f = selected();
    const visible = new Set();
    const edgeUpdates = [];
    for (const e of data.edges) {
      const a = byId.get(e.from);
      const b = byId.get(e.to);
      const sourceOk = (n) => f.sources === null || n.kind !== "guideline" || f.sources.has(n.sourceKey);
      let hidden = !(sourceOk(a) && sourceOk(b));
      let update = { id: e.id };
      if (e.facts.length) {
        const c = count(e.facts, f);
        const w = weight(c, f);
        hidden = hidden || w === 0;
        update.title = tooltip(a.label + " — " + b.label, e.detail, c, e.examples);
        update.value = w;
        if (meta.edgeColour === "share" && c.items > 0) {
          update.color = { color: shareColour(c.overturned / c.items), opacity: 0.85 };
        }
      } else if (e.detail.length) {
        update.title = tooltip(a.label + " — " + b.label, e.detail, null, []);
      }
      update.hidden = hidden;
      if (!hidden) {
        visible.add(e.from);
        visible.add(e.to);
      }
      edgeUpdates.push(update);
    }
    const nodeUpdates = data.nodes.map((n) => {
      const hidden = !visible.has(n.id) && !(n.kind === "letter");
      const update = { id: n.id, hidden: hidden };
      if (n.facts.length) {
        const c = count(n.facts, f);
        update.title = tooltip(n.label, n.detail, c, n.examples);
        if (meta.sizeByItems) update.value = Math.max(weight(c, f), 1);
      } else {
        update.title = tooltip(n.label, n.detail, null, n.examples);
      }
      return update;
    });
    nodes.update(nodeUpdates);
    edges.update(edgeUpdates);
    const shownNodes = nodeUpdates.filter((u) => !u.hidden).length;
    const shownEdges = edgeUpdates.filter((u) => !u.hidden).length;
    control("status").textContent = shownNodes + " nodes and " + shownEdges + " links shown";
    return { nodes: shownNodes, edges: shownEdges };
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
  apply();
  network.once("afterDrawing", () => {
    window.imrView.drawn = performance.now();
  });
  window.imrView = { network: network, nodes: nodes, edges: edges, apply: apply, wilson: wilson, drawn: null };
})();
