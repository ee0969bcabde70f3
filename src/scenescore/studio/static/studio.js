// scenescore studio: the spotting session in the browser. Plain DOM, no libraries, no outside requests.
// Text from the run (headings, prompts) is only ever set as textContent, never parsed as HTML.
"use strict";

const W = 1200, H = 280, LEFT = 40, RIGHT = 10, ARC_TOP = 20, ARC_H = 150, CUE_Y = 200, CUE_H = 36;
const KEYS = ["C", "C#", "Db", "D", "D#", "Eb", "E", "F", "F#", "Gb", "G", "G#", "Ab", "A", "A#", "Bb", "B"];
const MODES = ["major", "minor", "dorian", "phrygian", "lydian", "mixolydian", "aeolian", "locrian", "harmonic minor"];
const ENDINGS = ["", "fade", "tail out", "hard out", "button", "segue"];
const SVG = "http://www.w3.org/2000/svg";

let view = null;
let edits = { version: 1, cue: [], add: [], scene: [], theme: [] };
let changed = new Set();
let polling = null;

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "text") node.textContent = v;
    else if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (v !== null && v !== undefined && v !== false) node.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children) if (c) node.append(c);
  return node;
}

function svg(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  return node;
}

function clock(s) {
  const m = Math.floor(s / 60), r = s - 60 * m;
  return `${m}:${r.toFixed(1).padStart(4, "0")}`;
}

function filmEnd() {
  const ends = view.scenes.map((s) => s.end_s).concat(view.cues.map((c) => c.cue.end_s));
  return Math.max(1, ...ends);
}
const x = (t) => LEFT + (W - LEFT - RIGHT) * t / filmEnd();
const tOf = (px) => (px - LEFT) / (W - LEFT - RIGHT) * filmEnd();

// ---- edits --------------------------------------------------------------------------------
function cueEdit(id) {
  let e = edits.cue.find((c) => c.id === id);
  if (!e) { e = { id }; edits.cue.push(e); }
  return e;
}

function setMusic(id, field, value) {
  const e = cueEdit(id);
  e.music = e.music || {};
  if (value === "" || value === null || value === undefined) delete e.music[field];
  else e.music[field] = value;
  if (!Object.keys(e.music).length) delete e.music;
  tidy();
}

function sceneMusic(key) {
  const e = edits.scene.find((s) => s.scene === key);
  return e ? e.music : "";
}

function setSceneMusic(key, value) {
  edits.scene = edits.scene.filter((s) => s.scene !== key);
  if (value) edits.scene.push({ scene: key, music: value });
}

function setTheme(character, text) {
  edits.theme = edits.theme.filter((t) => t.character !== character);
  const words = text.trim().split(/[\s,]+/).filter(Boolean);
  if (!words.length) return;
  if (words.every((w) => /^-?\d+$/.test(w))) edits.theme.push({ character, degrees: words.map(Number) });
  else edits.theme.push({ character, notes: words });
}

function tidy() {
  edits.cue = edits.cue.filter((e) => Object.keys(e).some((k) => k !== "id" && e[k] !== undefined && e[k] !== false));
}

// ---- drawing ----------------------------------------------------------------------------------
function drawArc() {
  const box = document.getElementById("arc");
  box.replaceChildren();
  const yOf = (v) => ARC_TOP + ARC_H / 2 - (v || 0) * ARC_H / 2;
  view.scenes.forEach((s, i) => {
    const band = svg("rect", { x: x(s.start_s), y: ARC_TOP, width: Math.max(1, x(s.end_s) - x(s.start_s)),
      height: CUE_Y + CUE_H - ARC_TOP, class: "scene-band" + (i % 2 ? " odd" : "") +
      (sceneMusic(s.key) === "dry" ? " dry" : "") });
    band.append(svg("title", {}));
    band.lastChild.textContent = `${s.key} (${clock(s.start_s)}–${clock(s.end_s)})`;
    box.append(band);
  });
  for (const [field, cls] of [["valence", "valence"], ["arousal", "arousal"]]) {
    const pts = view.scenes.map((s) => `${x((s.start_s + s.end_s) / 2).toFixed(1)},${yOf(s[field]).toFixed(1)}`);
    if (pts.length) box.append(svg("polyline", { points: pts.join(" "), class: cls }));
  }
  const axis = svg("text", { x: 2, y: ARC_TOP + 10, class: "axis" });
  axis.textContent = "valence";
  box.append(axis);
  for (const c of view.cues) {
    const cue = c.cue, id = cue.cue_id;
    const g = svg("g", { "data-cue": id });
    const rect = svg("rect", { x: x(cue.start_s), y: CUE_Y, width: Math.max(2, x(cue.end_s) - x(cue.start_s)),
      height: CUE_H, class: "cue" + (changed.has(id) ? " changed" : ""), id: `arc-${id}` });
    const label = svg("text", { x: x(cue.start_s) + 8, y: CUE_Y + 22, class: "cue-label" });
    label.textContent = id;
    const hin = svg("rect", { x: x(cue.start_s) - 3, y: CUE_Y, width: 6, height: CUE_H, class: "handle handle-in",
      "data-cue": id, "data-edge": "in" });
    const hout = svg("rect", { x: x(cue.end_s) - 3, y: CUE_Y, width: 6, height: CUE_H, class: "handle handle-out",
      "data-cue": id, "data-edge": "out" });
    g.append(rect, label, hin, hout);
    box.append(g);
  }
}

function attachDrag() {
  const box = document.getElementById("arc");
  let drag = null;
  const toSvgX = (ev) => {
    const r = box.getBoundingClientRect();
    return (ev.clientX - r.left) * W / r.width;
  };
  box.addEventListener("pointerdown", (ev) => {
    const h = ev.target.closest(".handle");
    if (!h) return;
    ev.preventDefault();
    drag = { id: h.dataset.cue, edge: h.dataset.edge, handle: h };
    box.setPointerCapture(ev.pointerId);
  });
  box.addEventListener("pointermove", (ev) => {
    if (!drag) return;
    const px = Math.min(W - RIGHT, Math.max(LEFT, toSvgX(ev)));
    drag.handle.setAttribute("x", px - 3);
    const rect = document.getElementById(`arc-${drag.id}`);
    const left = Number(rect.getAttribute("x")), right = left + Number(rect.getAttribute("width"));
    if (drag.edge === "out") rect.setAttribute("width", Math.max(2, px - left));
    else { rect.setAttribute("x", px); rect.setAttribute("width", Math.max(2, right - px)); }
    drag.t = Math.max(0, Math.round(tOf(px) * 10) / 10);
    status(`${drag.id} ${drag.edge} at ${clock(drag.t)}`);
  });
  const end = () => {
    if (!drag) return;
    if (drag.t !== undefined) {
      cueEdit(drag.id)[drag.edge] = drag.t;
      const field = document.querySelector(`[data-cue-field="${drag.id}-${drag.edge}"]`);
      if (field) field.value = clock(drag.t);
    }
    drag = null;
  };
  box.addEventListener("pointerup", end);
  box.addEventListener("pointercancel", end);
}

function field(label, input, wide) {
  return el("label", { class: wide ? "wide" : null }, document.createTextNode(label), input);
}

function select(options, value, onchange) {
  const s = el("select", { onchange: (ev) => onchange(ev.target.value) });
  for (const o of options) s.append(el("option", { value: o, text: o || "—", selected: o === value }));
  return s;
}

function drawCues() {
  const box = document.getElementById("cues");
  box.replaceChildren();
  for (const c of view.cues) {
    const cue = c.cue, cond = c.condition || {}, id = cue.cue_id;
    const e = edits.cue.find((x) => x.id === id) || {};
    const music = e.music || {};
    const card = el("article", { class: "cue-card" + (changed.has(id) ? " changed" : ""), id: `cue-${id}`,
      "data-cue": id });
    card.append(el("h3", { text: `${id}  ${clock(cue.start_s)} – ${clock(cue.end_s)}  ·  ${cue.mood}  ·  ` +
      `${cond.key || "?"} ${cond.mode || ""} ${cond.tempo_bpm ? Math.round(cond.tempo_bpm) + " bpm" : ""}` }));
    if (c.audio) {
      card.append(el("audio", { controls: true, preload: "metadata", "data-cue": id,
        src: `/files/${c.audio.split("/").map(encodeURIComponent).join("/")}?v=${c.audio_version}` }));
    } else {
      card.append(el("p", { class: "hint", text: "no audio (rendered without an audio backend)" }));
    }
    const f = el("div", { class: "fields" });
    const inField = el("input", { value: e.in !== undefined ? clock(e.in) : "", placeholder: clock(cue.start_s),
      "data-cue-field": `${id}-in`, onchange: (ev) => { cueEdit(id).in = ev.target.value || undefined; tidy(); } });
    const outField = el("input", { value: e.out !== undefined ? clock(e.out) : "", placeholder: clock(cue.end_s),
      "data-cue-field": `${id}-out`, onchange: (ev) => { cueEdit(id).out = ev.target.value || undefined; tidy(); } });
    f.append(field("in", inField), field("out", outField));
    const key = (music.key || "").split(" ");
    f.append(field("key", select([""].concat(KEYS), key[0] || "", (v) => {
      const m = (music.key || "").split(" ").slice(1).join(" ");
      setMusic(id, "key", v ? (m ? `${v} ${m}` : v) : "");
    })));
    f.append(field("mode", select([""].concat(MODES), music.mode || "", (v) => setMusic(id, "mode", v))));
    f.append(field("tempo", el("input", { type: "number", min: 30, max: 240, step: 1, value: music.tempo || "",
      placeholder: cond.tempo_bpm ? Math.round(cond.tempo_bpm) : "", "data-field": "tempo",
      onchange: (ev) => setMusic(id, "tempo", ev.target.value ? Number(ev.target.value) : "") })));
    f.append(field("intensity", el("input", { type: "number", min: 0, max: 1, step: 0.05,
      value: typeof music.intensity === "number" ? music.intensity : "",
      onchange: (ev) => setMusic(id, "intensity", ev.target.value ? Number(ev.target.value) : "") })));
    f.append(field("ending", select(ENDINGS, music.ending || "", (v) => setMusic(id, "ending", v))));
    f.append(field("lock", el("input", { type: "checkbox", checked: !!e.lock,
      onchange: (ev) => { cueEdit(id).lock = ev.target.checked || undefined; tidy(); } })));
    f.append(field("style", el("input", { value: music.style || "", placeholder: cond.genre || "",
      onchange: (ev) => setMusic(id, "style", ev.target.value.trim()) }), true));
    f.append(field("instruments", el("input", { value: (music.instrumentation || []).join(", "),
      placeholder: (cond.instrumentation || []).map((i) => i.name).join(", "),
      onchange: (ev) => {
        const items = ev.target.value.split(",").map((s) => s.trim()).filter(Boolean)
          .map((s) => /^\d+$/.test(s) ? Number(s) : s);
        setMusic(id, "instrumentation", items.length ? items : "");
      } }), true));
    card.append(f);
    box.append(card);
  }
}

function drawScenes() {
  const box = document.getElementById("scenes");
  box.replaceChildren();
  const scored = new Set(view.cues.flatMap((c) => c.cue.scene_ids));
  for (const s of view.scenes) {
    const row = el("div", { class: "scene-row", "data-scene": s.key });
    row.append(el("span", { text: `${s.scene_id}. ${s.key}  ${clock(s.start_s)}` + (scored.has(s.scene_id) ? "  ♪" : "") }));
    row.append(select(["", "dry", "force"], sceneMusic(s.key), (v) => { setSceneMusic(s.key, v); drawArc(); }));
    box.append(row);
  }
}

function drawThemes() {
  const box = document.getElementById("themes");
  box.replaceChildren();
  const names = new Set();
  for (const c of view.cues) for (const t of (c.condition || {}).themes || []) names.add(t.character);
  for (const t of edits.theme) names.add(t.character);
  for (const name of [...names].sort()) {
    const pin = edits.theme.find((t) => t.character === name);
    const text = pin ? (pin.notes || pin.degrees || []).join(" ") : "";
    box.append(el("div", { class: "theme-row", "data-character": name },
      el("span", { text: name }),
      el("input", { value: text, placeholder: "notes (E4 G4 A4) or degrees (1 3 5)",
        onchange: (ev) => setTheme(name, ev.target.value) })));
  }
}

function drawSession() {
  const box = document.getElementById("session");
  box.replaceChildren();
  const s = view.session;
  if (!s) { box.append(el("p", { class: "hint", text: "No edits applied yet." })); return; }
  const list = el("ul");
  for (const n of s.edits || []) {
    list.append(el("li", { class: n.status === "stale" ? "stale" : null,
      text: `${n.edit}: ${n.status}${n.detail ? " — " + n.detail : ""}` }));
  }
  for (const line of s.lines || []) list.append(el("li", { text: line }));
  box.append(list);
}

function problems(text) {
  const box = document.getElementById("problems");
  box.hidden = !text;
  box.textContent = text || "";
}

function status(text) { document.getElementById("status").textContent = text; }

function draw() {
  document.getElementById("title").textContent = `${view.title} — studio`;
  problems(view.edits_error);
  drawArc();
  drawCues();
  drawScenes();
  drawThemes();
  drawSession();
}

async function load() {
  const res = await fetch("/api/run", { cache: "no-store" });
  view = await res.json();
  const e = view.edits || {};
  edits = { version: 1, cue: e.cue || [], add: e.add || [], scene: e.scene || [], theme: e.theme || [] };
  draw();
  return view;
}

async function poll() {
  const res = await fetch("/api/job", { cache: "no-store" });
  const job = await res.json();
  const last = job.stages.length ? job.stages[job.stages.length - 1] : null;
  if (job.state === "running") {
    status(last ? `re-rendering: ${last[0]} ${last[1]}` : "re-rendering…");
    return;
  }
  clearInterval(polling);
  polling = null;
  document.getElementById("rerender").disabled = false;
  if (job.state === "error") {
    status("re-render failed");
    problems(job.message);
    return;
  }
  changed = new Set(job.changed);
  await load();
  status(`re-rendered in ${job.seconds.toFixed(1)} s; new audio: ${job.changed.join(", ") || "none"}`);
  document.body.dataset.job = String(job.number);
}

async function rerender() {
  const button = document.getElementById("rerender");
  button.disabled = true;
  problems("");
  tidy();
  const res = await fetch("/api/edits", { method: "POST", headers: { "content-type": "application/json" },
    body: JSON.stringify(edits) });
  const answer = await res.json();
  if (!res.ok) {
    button.disabled = false;
    status("edits refused");
    problems(answer.error || `HTTP ${res.status}`);
    return;
  }
  status("re-rendering…");
  polling = setInterval(() => { poll().catch((err) => { status(String(err)); }); }, 250);
}

document.getElementById("rerender").addEventListener("click", () => { rerender().catch((err) => status(String(err))); });
attachDrag();
load().then(() => { document.body.dataset.ready = "1"; }).catch((err) => status(String(err)));
