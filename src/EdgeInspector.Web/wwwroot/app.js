// EdgeInspector web view: the fleet page (/) and a device page (/device/ID), fed by server-sent events.
// Plain JS, no build step, no CDN: the line has no internet.
"use strict";

const main = document.getElementById("main");
const link = document.getElementById("link");
const crumbs = document.getElementById("crumbs");
// Measured in the page: verdict timestamp (device clock) to arrival here; the browser test reads these.
window.eiLatencies = [];
window.eiThumbnailLatencies = [];

function h(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "style") e.style.cssText = v; // CSSOM, which the page's CSP (no inline style attributes) allows
    else e.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
  return e;
}
const num = (v, d = 1) => (typeof v === "number" ? String(Number(v.toFixed(d))) : "-");
const pct = (v) => (typeof v === "number" ? (v * 100).toFixed(1) + " %" : "-");
const enc = encodeURIComponent;
function model(m) {
  if (!m) return "-";
  return `${m.name} v${m.version}${m.origin ? " (" + m.origin + ")" : ""}${m.precision && m.precision !== "fp32" ? " " + m.precision : ""}`;
}
function camera(c) { return c ? `${c.backend} ${c.connected ? "up" : "DOWN"}${c.dropped ? ", " + c.dropped + " dropped" : ""}` : "-"; }
function health(hl) {
  if (!hl) return "-";
  const parts = [];
  const t = hl.temperatures_c ? Math.max(...Object.values(hl.temperatures_c)) : null;
  if (t !== null && isFinite(t)) parts.push(`${num(t)} °C`);
  if (typeof hl.gpu_load_pct === "number") parts.push(`GPU ${num(hl.gpu_load_pct, 0)} %`);
  if (typeof hl.memory_used_mb === "number") parts.push(`mem ${hl.memory_used_mb}/${hl.memory_total_mb ?? "?"} MB`);
  if (typeof hl.disk_free_mb === "number") parts.push(`disk ${Math.round(hl.disk_free_mb / 1024)} GB free`);
  return parts.join(" · ") || "-";
}
function threshold(t) { return t ? `${num(t.image, 3)} (${t.source})` : "-"; }
function stateBadge(s) { const st = (s && s.state) || "unknown"; return h("span", { class: "state " + st }, st); }

function connect(url, handlers) {
  const es = new EventSource(url);
  es.onopen = () => { link.textContent = "live"; link.className = "link up"; };
  es.onerror = () => { link.textContent = "reconnecting…"; link.className = "link down"; };
  for (const [type, fn] of Object.entries(handlers)) es.addEventListener(type, (e) => fn(JSON.parse(e.data)));
  return es;
}

async function getJson(url) {
  const r = await fetch(url, { headers: { Accept: "application/json" } });
  if (!r.ok) throw new Error(`${url}: ${r.status}`);
  return r.json();
}

// ---------------------------------------------------------------- fleet page
async function fleetPage() {
  document.title = "Fleet · EdgeInspector";
  crumbs.textContent = "fleet";
  const rows = new Map();
  const tbody = h("tbody");
  const empty = h("p", { class: "muted" }, "No device has published a status on this broker yet.");
  main.append(h("h2", {}, "Devices"), h("div", { class: "wrap" }, h("table", { id: "fleet" },
    h("thead", {}, h("tr", {}, ["device", "state", "model", "provider", "camera", "fps", "inspected", "NG", "error", "NG rate (window)", "p99 ms", "threshold", "health", "last error"].map((c) => h("th", {}, c)))),
    tbody)), empty);

  function upsert(d) {
    let row = rows.get(d.device);
    if (!row) { row = { status: null, stats: null }; rows.set(d.device, row); }
    if (d.status !== undefined) row.status = d.status;
    if (d.stats) row.stats = d.stats;
    draw();
  }
  function draw() {
    empty.hidden = rows.size > 0;
    tbody.replaceChildren(...[...rows.keys()].sort().map((id) => {
      const { status: s, stats: w } = rows.get(id);
      const c = (s && s.counters) || {};
      return h("tr", { "data-device": id },
        h("td", {}, h("a", { href: "/device/" + enc(id) }, id)), h("td", {}, stateBadge(s)), h("td", {}, model(s && s.model)),
        h("td", {}, (s && s.execution_provider) || "-"), h("td", {}, camera(s && s.camera)), h("td", {}, num(s && s.fps)),
        h("td", {}, c.inspected ?? "-"), h("td", {}, c.ng ?? "-"), h("td", {}, c.error ?? "-"),
        h("td", {}, w && w.window ? `${pct(w.ng_rate)} of ${w.window}` : "-"), h("td", {}, num(s && s.latency_ms && s.latency_ms.p99)),
        h("td", {}, threshold(s && s.threshold)), h("td", { class: "wrap" }, health(s && s.health)), h("td", { class: "err" }, (s && s.last_error) || ""));
    }));
  }
  (await getJson("/api/fleet")).forEach(upsert);
  connect("/api/events", {
    status: upsert,
    stats: (list) => list.forEach((d) => upsert({ device: d.device, stats: d.stats })),
  });
}

// ---------------------------------------------------------------- device page
async function devicePage(id) {
  document.title = `${id} · EdgeInspector`;
  crumbs.replaceChildren(h("a", { href: "/" }, "fleet"), " / ", id);
  const cards = h("div", { class: "cards", id: "cards" });
  const stream = h("div", { class: "stream", id: "stream" });
  const gallery = h("div", { class: "stream", id: "gallery" });
  const hist = h("div", { class: "hist", id: "histogram" });
  const rate = h("div", { class: "card" });
  const snapshot = h("div", { class: "snapshot", id: "snapshot" }, h("span", { class: "muted" }, "No snapshot yet."));
  const log = h("ul", { class: "log", id: "actions" });
  const answer = h("div", { class: "answer", id: "answer" });
  const parts = new Map(); // verdict id -> element
  let status = null;

  const thrInput = h("input", { id: "threshold", type: "number", min: "0", max: "1", step: "0.001", required: true, "aria-label": "image threshold" });
  const enrollInput = h("input", { id: "enroll-parts", type: "number", min: "1", max: "1000", step: "1", value: "20", "aria-label": "parts to enroll" });
  const actions = h("div", {},
    h("form", { class: "action", id: "snapshot-form", onsubmit: (e) => act(e, "snapshot", {}) }, h("button", { type: "submit" }, "Snapshot (next part, full resolution)")),
    h("form", { class: "action", id: "threshold-form", onsubmit: (e) => act(e, "set-threshold", { image_threshold: Number(thrInput.value) }) },
      h("label", { for: "threshold" }, "Image threshold"), thrInput, h("button", { type: "submit" }, "Set threshold")),
    h("form", { class: "action", id: "enroll-form", onsubmit: (e) => {
        if (!confirm(`Enroll a new memory bank from the next ${enrollInput.value} parts? They must all be good parts.`)) { e.preventDefault(); return; }
        act(e, "enroll", { parts: Number(enrollInput.value) }); } },
      h("label", { for: "enroll-parts" }, "Enroll from the next"), enrollInput, h("span", {}, "good parts"), h("button", { type: "submit" }, "Enroll")),
    answer,
    h("p", { class: "muted" }, "Rollback and model pushes are signed on the workstation (edge-inspector rollback / push), never from a browser."));

  main.append(
    h("h2", {}, "Status"), cards,
    h("div", { class: "grid2" },
      h("section", {}, h("h2", {}, "Live parts"), stream),
      h("section", {}, h("h2", {}, "Actions"), actions, h("h2", {}, "Window"), rate,
        h("h2", {}, "Score histogram (0.5 = threshold)"), hist, h("div", { class: "axis" }, h("span", {}, "0"), h("span", {}, "0.5"), h("span", {}, "1")),
        h("h2", {}, "Snapshot"), snapshot, h("h2", {}, "Action log"), log)),
    h("h2", {}, "NG gallery"), gallery);

  function card(k, v) { return h("div", { class: "card" }, h("div", { class: "k" }, k), h("div", { class: "v" }, v)); }
  function drawStatus(s) {
    status = s;
    if (!s) { cards.replaceChildren(h("p", { class: "muted" }, "No status yet.")); return; }
    const c = s.counters || {};
    cards.replaceChildren(
      card("state", stateBadge(s)), card("model", model(s.model)), card("provider", s.execution_provider || "-"),
      card("camera", camera(s.camera)), card("fps", num(s.fps)), card("inspected / OK / NG / error", `${c.inspected ?? "-"} / ${c.ok ?? "-"} / ${c.ng ?? "-"} / ${c.error ?? "-"}`),
      card("latency p50 / p99", `${num(s.latency_ms && s.latency_ms.p50)} / ${num(s.latency_ms && s.latency_ms.p99)} ms`),
      h("div", { class: "card", id: "threshold-card" }, h("div", { class: "k" }, "threshold"), h("div", { class: "v" }, threshold(s.threshold))),
      card("health", health(s.health)), card("uptime", s.uptime_s !== undefined ? `${Math.floor(s.uptime_s / 3600)} h ${Math.floor((s.uptime_s % 3600) / 60)} min` : "-"),
      card("last error", s.last_error || "none"));
    if (s.threshold && document.activeElement !== thrInput && !thrInput.value) thrInput.value = s.threshold.image;
  }
  function drawStats(w) {
    if (!w) return;
    rate.replaceChildren(h("div", { class: "k" }, `last ${w.window} parts`), h("div", { class: "v", id: "ng-rate" }, `NG ${pct(w.ng_rate)} · error ${w.error}`));
    const max = Math.max(1, ...w.histogram);
    hist.replaceChildren(...w.histogram.map((n, i) => h("div", { class: i >= w.histogram.length / 2 ? "over" : "", style: `height:${(100 * n) / max}%`, title: `${(i / w.histogram.length).toFixed(2)}–${((i + 1) / w.histogram.length).toFixed(2)}: ${n}` })), h("span", { class: "thr" }));
  }
  function thumb(v) { return `/api/devices/${enc(id)}/thumbnails/${enc(v.id)}`; }
  function partTile(v, withImage) {
    const img = h("div", { class: "img" });
    if (withImage) img.append(h("img", { src: thumb(v), alt: `part ${v.seq}` }));
    const W = (v.image && v.image.width) || 1, H = (v.image && v.image.height) || 1;
    img.style.aspectRatio = `${W} / ${H}`;
    for (const r of v.regions || []) img.append(h("div", { class: "box", style: `left:${(100 * r.x) / W}%;top:${(100 * r.y) / H}%;width:${(100 * r.w) / W}%;height:${(100 * r.h) / H}%` }));
    return h("div", { class: "part " + v.verdict, "data-id": v.id }, img,
      h("div", { class: "cap" }, h("span", { class: "v-" + v.verdict }, v.verdict), h("span", {}, `#${v.seq}`), h("span", {}, num(v.score, 3))),
      v.error ? h("div", { class: "cap" }, v.error) : null);
  }
  function addVerdict(v, live) {
    if (parts.has(v.id)) return;
    if (live) window.eiLatencies.push(Date.now() - Date.parse(v.ts));
    const tile = partTile(v, false);
    tile._verdict = v;
    parts.set(v.id, tile);
    stream.prepend(tile);
    while (stream.children.length > 24) { const last = stream.lastElementChild; parts.delete(last.dataset.id); last.remove(); }
  }
  function addThumbnail(d, live) {
    const tile = parts.get(d.id);
    if (!tile || tile.querySelector("img")) return;
    if (live) window.eiThumbnailLatencies.push(Date.now() - Date.parse(tile._verdict.ts));
    tile.querySelector(".img").prepend(h("img", { src: thumb(tile._verdict), alt: `part ${tile._verdict.seq}` }));
    if (tile._verdict.verdict === "NG") addGallery(tile._verdict);
  }
  const galleryIds = new Set();
  function addGallery(v) {
    if (galleryIds.has(v.id)) return;
    galleryIds.add(v.id);
    gallery.prepend(partTile(v, true));
    while (gallery.children.length > 24) gallery.lastElementChild.remove();
  }
  function addAction(a) {
    const ok = a.answer && a.answer.error ? `error: ${a.answer.error}` : "ok";
    log.prepend(h("li", {}, `${a.ts.slice(11, 19)} ${a.who} (${a.from}): ${a.action} ${JSON.stringify(a.request)} → ${ok}`));
    while (log.children.length > 20) log.lastElementChild.remove();
  }
  function showSnapshot() {
    snapshot.replaceChildren(h("a", { href: `/api/devices/${enc(id)}/snapshot?t=${Date.now()}`, target: "_blank" },
      h("img", { src: `/api/devices/${enc(id)}/snapshot?t=${Date.now()}`, alt: "full-resolution snapshot" })));
  }
  async function act(e, action, body) {
    e.preventDefault();
    const button = e.target.querySelector("button");
    button.disabled = true;
    answer.textContent = `${action}…`;
    try {
      const token = (document.cookie.match(/(?:^|; )ei-csrf=([^;]+)/) || [])[1] || "";
      const r = await fetch(`/api/devices/${enc(id)}/actions/${action}`, {
        method: "POST", headers: { "Content-Type": "application/json", "X-CSRF-Token": token }, body: JSON.stringify(body), credentials: "same-origin" });
      answer.textContent = `${action}: ${r.status} ${await r.text()}`;
    } catch (err) {
      answer.textContent = `${action}: ${err}`;
    } finally {
      button.disabled = false;
    }
  }

  let detail;
  try { detail = await getJson(`/api/devices/${enc(id)}`); } catch { detail = null; }
  if (!detail) { drawStatus(null); } else {
    drawStatus(detail.status); drawStats(detail.stats);
    const withThumb = new Set(detail.thumbnails);
    [...detail.verdicts].reverse().forEach((v) => { addVerdict(v, false); if (withThumb.has(v.id)) addThumbnail({ id: v.id }, false); });
    const known = new Map(detail.verdicts.map((v) => [v.id, v]));
    [...detail.gallery].reverse().forEach((g) => known.has(g) && addGallery(known.get(g)));
    [...detail.actions].reverse().forEach(addAction);
    if (detail.snapshot !== null) showSnapshot();
  }
  connect(`/api/events?device=${enc(id)}`, {
    status: (d) => { drawStatus(d.status); drawStats(d.stats); },
    stats: drawStats,
    verdict: (v) => addVerdict(v, true),
    thumbnail: (d) => addThumbnail(d, true),
    snapshot: showSnapshot,
    action: addAction,
  });
}

const m = location.pathname.match(/^\/device\/([^/]+)$/);
(m ? devicePage(decodeURIComponent(m[1])) : fleetPage()).catch((e) => main.append(h("p", { class: "err" }, String(e))));
