// Claimdesk workspace: the document reader and the review queue.
//
// One module, no build step. All user text reaches the page through
// textContent or attributes, never as markup. Offsets: the server counts
// Unicode code points, the browser UTF-16 code units; Offsets converts at
// this edge and nowhere else.

import { commentCounts, commentThread } from "./discussion.js";

const config = JSON.parse(document.getElementById("workspace-config").textContent);
const csrfToken = document.querySelector("[name=csrfmiddlewaretoken]").value;

// -- small helpers --------------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "dataset") Object.assign(node.dataset, value);
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else if (value === true) node.setAttribute(name, "");
    else node.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function label(choices, value) {
  const found = choices.find(([key]) => String(key) === String(value));
  return found ? found[1] : String(value);
}

function say(message) {
  const line = document.getElementById("status-line");
  if (line) line.textContent = message;
}

class ApiError extends Error {
  constructor(status, data) {
    super(describeError(data) || `HTTP ${status}`);
    this.status = status;
    this.data = data;
  }
}

const STRUCTURED_DETAILS = new Set(["occurrences", "occurrence_count", "loose", "did_you_mean"]);

function describeError(data) {
  if (data === null || data === undefined) return "";
  if (typeof data !== "object") return String(data);
  if (Array.isArray(data)) return data.map(describeError).join(" ");
  if (data.detail) return String(data.detail);
  // Nested errors read as a path: "passage_input: exact: quote not found …".
  // Structured details (a quote's occurrences) are shown by the form, not read out here.
  return Object.entries(data).filter(([field]) => !STRUCTURED_DETAILS.has(field))
    .map(([field, messages]) => `${field}: ${describeError(messages)}`).join("; ");
}

async function api(path, { method = "GET", body, headers = {} } = {}) {
  const init = { method, credentials: "same-origin", headers: { Accept: "application/json", ...headers } };
  if (method !== "GET") init.headers["X-CSRFToken"] = csrfToken;
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch(config.api + path, init);
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, data);
  return { data, etag: response.headers.get("ETag") };
}

async function fetchAll(path) {
  let url = path;
  const results = [];
  while (url) {
    const { data } = await api(url);
    results.push(...data.results);
    url = data.next ? data.next.slice(data.next.indexOf(config.api) + config.api.length) : null;
  }
  return results;
}

// "1 claim", "2 claims", "1 evidence link".
function plural(count, singular, many = `${singular}s`) {
  return `${count} ${count === 1 ? singular : many}`;
}

function gradeOf(claim) {
  return `${claim.source_reliability}${claim.credibility}`;
}

// -- offsets: code points (server) <-> UTF-16 (browser) -----------------------------

export class Offsets {
  constructor(text) {
    this.length = text.length;
    this.astralU16 = []; // UTF-16 index of each astral character (surrogate pair)
    for (let i = 0; i < text.length; i++) {
      const unit = text.charCodeAt(i);
      if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
        this.astralU16.push(i);
        i++;
      }
    }
    this.astralCp = this.astralU16.map((u16, k) => u16 - k);
  }

  static countBelow(sorted, value) {
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (sorted[mid] < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  toU16(codePoint) {
    return codePoint + Offsets.countBelow(this.astralCp, codePoint);
  }

  toCodePoint(u16) {
    return u16 - Offsets.countBelow(this.astralU16, u16);
  }
}

// -- the highlighted text --------------------------------------------------------

const CHUNK = 2000; // characters per block of text (see Highlighter.chunkBreaks)
// Texts longer than this (UTF-16 units) are drawn in slices: the first screen at once,
// the rest between frames, so a 20 MB text opens as fast as a 1 MB one.
const PROGRESSIVE_FROM = 2_000_000;
const SLICE = 200_000;
// Such texts also open from their first code points (GET documents/{id}/text/), drawn
// while the whole text travels (20 MB of JSON takes longer than the first screen).
const OPENING = SLICE;

class Highlighter {
  // `partial`: the text is only the document's opening (see OPENING); it is drawn whole
  // but never marked complete, and is replaced when the whole text has come.
  constructor(container, text, { partial = false } = {}) {
    this.container = container;
    this.text = text;
    this.partial = partial;
    this.offsets = new Offsets(text);
    this.passages = new Map(); // id -> {id, start, end, u16start, u16end}
    this.claimsByPassage = new Map(); // passage id -> [claim]
    this.evidenceByPassage = new Map(); // passage id -> [evidence]
    this.segments = []; // sorted by u16 start: {start, end, node, ids:Set, region}
    this.regions = []; // boilerplate and repeats, sorted, not overlapping
    this.drawnTo = 0; // UTF-16 offset up to which segments have DOM nodes
  }

  // Regions the server found or an owner marked: dimmed, collapsed until opened.
  setRegions(regions) {
    let reach = 0;
    for (const region of [...regions].sort((a, b) => a.start - b.start)) {
      if (region.start < reach) continue;
      reach = region.end;
      this.regions.push({ ...region, u16start: this.offsets.toU16(region.start), u16end: this.offsets.toU16(region.end), collapsed: true });
    }
  }

  regionLabel(region) {
    const what = region.kind === "repeat" ? "Repeated text" : "Boilerplate";
    const size = `${(region.end - region.start).toLocaleString()} characters`;
    return `${region.collapsed ? "▸" : "▾"} ${what} (${size}) — ${region.collapsed ? "show" : "hide"}`;
  }

  toggleRegion(button) {
    const region = this.regions[Number(button.dataset.region)];
    region.collapsed = !region.collapsed;
    button.dataset.label = this.regionLabel(region);
    button.setAttribute("aria-expanded", String(!region.collapsed));
    for (const segment of this.segments) {
      if (segment.region === region && segment.node) this.decorate(segment.node, segment);
    }
  }

  addPassage(passage) {
    if (this.passages.has(passage.id)) return this.passages.get(passage.id);
    const entry = { ...passage, u16start: this.offsets.toU16(passage.start), u16end: this.offsets.toU16(passage.end) };
    this.passages.set(passage.id, entry);
    return entry;
  }

  addClaim(claim) {
    const list = this.claimsByPassage.get(claim.passage) || [];
    const existing = list.findIndex((c) => c.id === claim.id);
    if (existing >= 0) list[existing] = claim;
    else list.push(claim);
    this.claimsByPassage.set(claim.passage, list);
  }

  addEvidence(link) {
    const list = this.evidenceByPassage.get(link.passage) || [];
    if (!list.some((e) => e.id === link.id)) list.push(link);
    this.evidenceByPassage.set(link.passage, list);
  }

  // Where the text is cut into blocks: after a newline about every CHUNK
  // characters, else at a space, else anywhere. Small blocks keep layout cheap:
  // a change re-lays out one block, and off-screen blocks are skipped
  // (content-visibility) until they scroll into view.
  chunkBreaks() {
    const breaks = [];
    const text = this.text;
    let from = 0;
    while (text.length - from > CHUNK) {
      const ahead = text.slice(from + CHUNK / 2, from + CHUNK * 2);
      let cut = ahead.lastIndexOf("\n");
      if (cut < 0) cut = ahead.lastIndexOf(" ");
      let at = cut < 0 ? from + CHUNK : from + CHUNK / 2 + cut + 1;
      // Never between the two halves of a surrogate pair.
      const unit = text.charCodeAt(at - 1);
      if (unit >= 0xd800 && unit <= 0xdbff) at += 1;
      if (at >= text.length) break;
      breaks.push(at);
      from = at;
    }
    return breaks;
  }

  // Render the text: blocks of spans, one span per run of text covered by the
  // same passages (and region). Long texts are drawn in slices (see PROGRESSIVE_FROM).
  render(onFirstScreen = () => {}) {
    this.breaks = new Set(this.chunkBreaks());
    const bounds = new Set([0, this.text.length, ...this.breaks]);
    for (const p of this.passages.values()) {
      bounds.add(p.u16start);
      bounds.add(p.u16end);
    }
    for (const r of this.regions) {
      bounds.add(r.u16start);
      bounds.add(r.u16end);
    }
    const points = [...bounds].sort((a, b) => a - b);
    const starts = new Map();
    const ends = new Map();
    for (const p of this.passages.values()) {
      (starts.get(p.u16start) || starts.set(p.u16start, []).get(p.u16start)).push(p.id);
      (ends.get(p.u16end) || ends.set(p.u16end, []).get(p.u16end)).push(p.id);
    }
    const active = new Set();
    this.segments = [];
    let r = 0;
    for (let i = 0; i < points.length - 1; i++) {
      const [start, end] = [points[i], points[i + 1]];
      for (const id of ends.get(start) || []) active.delete(id);
      for (const id of starts.get(start) || []) active.add(id);
      if (start === end) continue;
      while (r < this.regions.length && this.regions[r].u16end <= start) r++;
      const region = r < this.regions.length && this.regions[r].u16start <= start ? this.regions[r] : null;
      this.segments.push({ start, end, ids: new Set(active), node: null, region });
    }
    this.container.replaceChildren();
    this.block = null;
    this.drawnTo = 0;
    const progressive = this.text.length > PROGRESSIVE_FROM;
    this.draw(progressive ? SLICE : this.text.length);
    onFirstScreen();
    const more = () => {
      if (this.stopped) return;
      if (this.drawnTo >= this.text.length) {
        if (!this.partial) this.container.dataset.complete = "true";
        return;
      }
      this.draw(this.drawnTo + SLICE);
      setTimeout(more, 0);
    };
    more();
  }

  // Draw no more slices: another highlighter has taken the container.
  stop() {
    this.stopped = true;
  }

  // Give DOM nodes to the segments that start before `until` (in text order).
  draw(until) {
    const fragment = document.createDocumentFragment();
    let i = this.drawnTo ? this.indexAt(this.drawnTo) : 0;
    for (; i < this.segments.length && this.segments[i].start < until; i++) {
      const segment = this.segments[i];
      if (segment.node) continue;
      if (!this.block || this.breaks.has(segment.start)) {
        this.block = el("div", { class: "cd-block" });
        fragment.append(this.block);
      }
      const region = segment.region;
      if (region && region.u16start === segment.start) {
        this.block.append(el("button", {
          type: "button", class: `cd-region-toggle cd-region-${region.kind}`,
          "aria-expanded": "false",
          dataset: { region: this.regions.indexOf(region), label: this.regionLabel(region) },
        }));
      }
      segment.node = this.segmentNode(segment);
      this.block.append(segment.node);
    }
    this.drawnTo = i < this.segments.length ? this.segments[i].start : this.text.length;
    this.container.append(fragment);
  }

  segmentNode(segment) {
    const node = el("span", { dataset: { u16: segment.start } }, this.text.slice(segment.start, segment.end));
    this.decorate(node, segment);
    return node;
  }

  regionClass(segment) {
    const region = segment.region;
    if (!region) return "";
    return `cd-region cd-region-${region.kind}${region.collapsed ? " cd-region-collapsed" : ""}`;
  }

  decorate(node, segment) {
    if (!segment.ids.size) {
      node.className = this.regionClass(segment);
      node.removeAttribute("title");
      delete node.dataset.passages;
      return;
    }
    const classes = new Set(["hl"]);
    const titles = [];
    for (const id of segment.ids) {
      for (const claim of this.claimsByPassage.get(id) || []) {
        classes.add(`claim-${claim.status}`);
        titles.push(`Claim (${claim.status}): ${claim.statement}`);
      }
      for (const link of this.evidenceByPassage.get(id) || []) {
        classes.add(`ev-${link.stance}`);
        titles.push(`Evidence (${link.stance}) for: ${link.claim_statement}`);
      }
    }
    classes.add(`depth-${Math.min(segment.ids.size, 3)}`);
    node.className = [...classes, this.regionClass(segment)].join(" ").trim();
    node.title = titles.join("\n");
    node.dataset.passages = [...segment.ids].join(" ");
  }

  // Add one passage without re-rendering: split the segments at its edges.
  applyPassage(id) {
    const p = this.passages.get(id);
    this.splitAt(p.u16start);
    this.splitAt(p.u16end);
    let i = this.indexAt(p.u16start);
    while (i < this.segments.length && this.segments[i].start < p.u16end) {
      const segment = this.segments[i];
      segment.ids.add(id);
      if (segment.node) this.decorate(segment.node, segment);
      i++;
    }
  }

  refreshPassage(id) {
    for (const segment of this.segments) {
      if (segment.ids.has(id) && segment.node) this.decorate(segment.node, segment);
    }
  }

  indexAt(u16) {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.segments[mid].start <= u16) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  splitAt(u16) {
    if (u16 <= 0 || u16 >= this.text.length) return;
    const index = this.indexAt(u16);
    const segment = this.segments[index];
    if (segment.start === u16) return;
    const right = { start: u16, end: segment.end, ids: new Set(segment.ids), node: null, region: segment.region };
    segment.end = u16;
    if (!segment.node) {
      // Not drawn yet: draw() gives both halves their nodes when it gets there.
      this.segments.splice(index + 1, 0, right);
      return;
    }
    const left = this.segmentNode(segment);
    right.node = this.segmentNode(right);
    segment.node.replaceWith(left, right.node);
    segment.node = left;
    this.segments.splice(index + 1, 0, right);
  }

  // UTF-16 offset of a DOM position inside the text container.
  u16At(node, offset) {
    // The common case, in O(1): inside a segment's text node.
    if (node.nodeType === Node.TEXT_NODE && node.parentElement?.dataset.u16 !== undefined) {
      return Number(node.parentElement.dataset.u16) + offset;
    }
    const range = document.createRange();
    range.setStart(this.container, 0);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  selection() {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
    const range = selection.getRangeAt(0);
    if (!this.container.contains(range.startContainer) || !this.container.contains(range.endContainer)) return null;
    const u16start = this.u16At(range.startContainer, range.startOffset);
    const u16end = this.u16At(range.endContainer, range.endOffset);
    if (u16end <= u16start) return null;
    return {
      start: this.offsets.toCodePoint(u16start),
      end: this.offsets.toCodePoint(u16end),
      exact: this.text.slice(u16start, u16end),
    };
  }

  scrollToPassage(id) {
    const p = this.passages.get(id);
    if (!p) return;
    if (p.u16start >= this.drawnTo) this.draw(p.u16end + SLICE);
    const segment = this.segments[this.indexAt(p.u16start)];
    if (segment.region?.collapsed) {
      const toggle = this.container.querySelector(`[data-region="${this.regions.indexOf(segment.region)}"]`);
      if (toggle) this.toggleRegion(toggle);
    }
    segment.node.scrollIntoView({ block: "center" });
    segment.node.classList.add("flash");
    setTimeout(() => segment.node.classList.remove("flash"), 1600);
  }
}

// -- claim form, claim panel, evidence ---------------------------------------------

function claimFields(values = {}) {
  const topics = el("select", { name: "topics", multiple: true, size: Math.min(5, Math.max(2, config.topics.length)) },
    config.topics.map((name) => el("option", { value: name, selected: (values.topics || []).includes(name) }, name)));
  return [
    el("label", {}, "Statement", el("textarea", { name: "statement", rows: 3, required: true }, values.statement || "")),
    el("label", {}, "Kind", el("select", { name: "kind" },
      config.kinds.map(([v, l]) => el("option", { value: v, selected: v === (values.kind || "fact") }, l)))),
    el("label", {}, "Attributed to", el("input", { name: "attributed_to", value: values.attributed_to || "", maxlength: 300 })),
    el("label", {}, "Credibility (Admiralty)", el("select", { name: "credibility" },
      config.credibility.map(([v, l]) => el("option", { value: v, selected: v === (values.credibility || 6) }, l)))),
    el("label", {}, "Topics", topics),
  ];
}

function readClaimForm(form) {
  return {
    statement: form.elements.statement.value,
    kind: form.elements.kind.value,
    attributed_to: form.elements.attributed_to.value,
    credibility: Number(form.elements.credibility.value),
    topics: [...form.elements.topics.selectedOptions].map((o) => o.value),
  };
}

class DocumentPage {
  constructor() {
    this.textBox = document.getElementById("document-text");
    this.panel = document.getElementById("panel");
    this.dialog = document.getElementById("claim-dialog");
    this.evidenceDialog = document.getElementById("evidence-dialog");
    this.newClaimButton = document.getElementById("new-claim");
    this.quoteClaimButton = document.getElementById("quote-claim");
  }

  async start() {
    const started = performance.now();
    const shown = () => {
      if (this.textBox.dataset.ready === "true") return;
      this.textBox.dataset.ready = "true";
      window.claimdeskRenderMs = performance.now() - started;
    };
    const id = config.documentId;
    const whole = api(`documents/${id}/`);
    const annotations = Promise.all([api(`documents/${id}/annotations/`), api(`documents/${id}/regions/`)]);
    if (config.documentLength > PROGRESSIVE_FROM) {
      const [{ data: opening }, [{ data: layer }, { data: regions }]] = await Promise.all([
        api(`documents/${id}/text/?end=${OPENING}`),
        annotations,
      ]);
      // Only what lies wholly in the opening; the rest is drawn with the whole text.
      const inside = (item) => item.end <= opening.end;
      this.showText(opening.text, { ...layer, passages: layer.passages.filter(inside) }, regions.filter(inside), shown, true);
    }
    const [{ data: doc }, [{ data: layer }, { data: regions }]] = await Promise.all([whole, annotations]);
    this.document = doc;
    this.showText(doc.text, layer, regions, shown);
    say(`${plural(layer.claims.length, "claim")}, ${plural(layer.evidence.length, "evidence link")}.`);
    this.bind();
    this.openFromHash();
    if (config.canGradeSource) this.sourceGrading();
  }

  showText(text, layer, regions, onFirstScreen, partial = false) {
    this.highlighter?.stop(); // the opening's, if its last slices are still being drawn
    this.highlighter = new Highlighter(this.textBox, text, { partial });
    this.highlighter.setRegions(regions);
    this.load(layer);
    this.highlighter.render(onFirstScreen);
  }

  load(layer) {
    for (const passage of layer.passages) this.highlighter.addPassage(passage);
    for (const claim of layer.claims) this.highlighter.addClaim(claim);
    for (const link of layer.evidence) this.highlighter.addEvidence(link);
    this.layerClaims = layer.claims;
  }

  bind() {
    const updateButton = () => {
      this.newClaimButton.disabled = !config.canAnnotate || !this.highlighter.selection();
    };
    document.addEventListener("selectionchange", updateButton);
    this.textBox.addEventListener("mouseup", () => {
      if (this.highlighter.selection() && config.canAnnotate) this.openClaimForm();
    });
    this.newClaimButton.addEventListener("click", () => this.openClaimForm());
    this.quoteClaimButton.hidden = !config.canAnnotate;
    this.quoteClaimButton.addEventListener("click", () => this.openQuoteForm());
    document.addEventListener("keydown", (event) => {
      if (event.key === "n" && !event.target.closest("input, textarea, select, dialog[open]") && config.canAnnotate) {
        if (this.highlighter.selection()) {
          event.preventDefault();
          this.openClaimForm();
        }
      }
    });
    this.textBox.addEventListener("click", (event) => {
      const toggle = event.target.closest(".cd-region-toggle");
      if (toggle) {
        this.highlighter.toggleRegion(toggle);
        return;
      }
      const span = event.target.closest("[data-passages]");
      if (!span || !window.getSelection().isCollapsed) return;
      this.openPassages(span.dataset.passages.split(" ").map(Number));
    });
    document.getElementById("list-claims").addEventListener("click", () => this.listClaims());
    window.addEventListener("hashchange", () => this.openFromHash());
  }

  openFromHash() {
    const match = /^#passage-(\d+)$/.exec(window.location.hash);
    if (match) {
      const id = Number(match[1]);
      this.highlighter.scrollToPassage(id);
      this.openPassages([id]);
    }
  }

  listClaims() {
    const items = [...this.highlighter.claimsByPassage.values()].flat();
    this.showPanel(el("h2", {}, "Claims in this document"),
      items.length ? el("ul", { class: "cd-claim-list" }, items.map((claim) => el("li", {},
        el("button", { type: "button", class: "cd-link", onclick: () => this.openClaim(claim.id) },
          `[${claim.status}] ${claim.statement}`)))) : el("p", {}, "No claims yet."));
  }

  openPassages(ids) {
    const claims = ids.flatMap((id) => this.highlighter.claimsByPassage.get(id) || []);
    const links = ids.flatMap((id) => this.highlighter.evidenceByPassage.get(id) || []);
    if (claims.length === 1 && !links.length) return this.openClaim(claims[0].id);
    this.showPanel(
      el("h2", {}, "At this place"),
      el("ul", { class: "cd-claim-list" },
        claims.map((claim) => el("li", {}, el("button", { type: "button", class: "cd-link", onclick: () => this.openClaim(claim.id) },
          `Claim [${claim.status}]: ${claim.statement}`))),
        links.map((link) => el("li", {}, el("button", { type: "button", class: "cd-link", onclick: () => this.openClaim(link.claim) },
          `Evidence (${link.stance}) for: ${link.claim_statement}`)))),
    );
  }

  showPanel(...children) {
    this.panel.replaceChildren(...children);
    this.panel.focus();
  }

  // New claim: a modal form prefilled with the selected quote.
  openClaimForm() {
    const selected = this.highlighter.selection();
    if (!selected) return;
    this.newClaimDialog([el("blockquote", { class: "cd-quote" }, selected.exact)], { statement: selected.exact }, () => selected);
  }

  // The same without selecting: type or paste the quote and the server finds it
  // (keyboard users cannot select text without caret browsing). An absent or
  // ambiguous quote answers 400, shown in the form.
  openQuoteForm() {
    const quote = el("textarea", { name: "exact", rows: 3, required: true });
    const prefix = el("input", { name: "prefix" });
    // A quote that occurs more than once (or was mistyped) answers with the places it
    // could mean; picking one sends its offsets.
    const choices = el("fieldset", { class: "cd-occurrences", hidden: true });
    let chosen = null;
    quote.addEventListener("input", () => { chosen = null; choices.hidden = true; });
    const offer = (title, places) => {
      const pick = (place) => {
        chosen = { start: place.start, end: place.end, exact: place.exact };
        this.dialog.querySelector("form").requestSubmit();
      };
      choices.replaceChildren(el("legend", {}, title), el("ul", {}, places.map((place) => el("li", {},
        el("button", { type: "button", class: "cd-link", onclick: () => pick(place) },
          el("span", { class: "cd-context" }, `…${place.prefix}`),
          el("mark", {}, place.exact),
          el("span", { class: "cd-context" }, `${place.suffix}…`)),
        ` at ${place.start}–${place.end}`,
        place.region ? el("span", { class: "cd-badge" }, place.region === "repeat" ? "in repeated text" : "in boilerplate") : null))));
      choices.hidden = false;
    };
    this.newClaimDialog([
      el("label", {}, "Quote (quotes, dashes and spaces may differ from the text)", quote),
      el("label", {}, "Words just before it (only if the quote occurs more than once)", prefix),
      choices,
    ], {}, () => chosen || { exact: quote.value, ...(prefix.value ? { prefix: prefix.value } : {}) }, (failure) => {
      const detail = failure.data?.passage_input || {};
      if (detail.occurrences) offer(`The quote occurs ${detail.occurrence_count} times: pick one`, detail.occurrences);
      else if (detail.did_you_mean) offer("Not found. Did you mean:", [detail.did_you_mean]);
    });
    const statement = this.dialog.querySelector("[name=statement]");
    statement.required = false;
    statement.placeholder = "Empty: the quote";
    quote.focus();
  }

  newClaimDialog(head, values, span, onError = () => {}) {
    const error = el("p", { class: "cd-error", role: "alert" });
    const form = el("form", { method: "dialog", class: "cd-form" },
      el("h2", { id: "claim-dialog-title" }, "New claim"),
      ...head,
      ...claimFields(values),
      error,
      el("div", { class: "cd-actions" },
        el("button", { type: "submit", class: "button default" }, "Save claim"),
        el("button", { type: "button", class: "button", onclick: () => this.dialog.close() }, "Cancel")));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const started = performance.now();
      try {
        const { data: claim } = await api("claims/", {
          method: "POST",
          body: { passage_input: { document: config.documentId, ...span() }, ...readClaimForm(form) },
        });
        this.dialog.close();
        window.getSelection().removeAllRanges();
        this.addClaim(claim);
        window.claimdeskCreateMs = performance.now() - started;
        // A quote typed with other quotes, dashes or spaces was found loosely: say so.
        const loosely = claim.quote_match === "loose" ? " (the quote matched loosely: its quotes, dashes or spaces differ from the text)" : "";
        say(`Claim saved${loosely}: ${claim.statement}`);
        this.renderClaim(claim, null);
      } catch (failure) {
        error.textContent = failure.message;
        onError(failure);
      }
    });
    this.dialog.replaceChildren(form);
    this.dialog.showModal();
    form.elements.statement.focus();
  }

  addClaim(claim) {
    const passage = this.highlighter.addPassage({ id: claim.passage.id, start: claim.passage.start, end: claim.passage.end });
    const entry = { id: claim.id, passage: passage.id, status: claim.status, kind: claim.kind, statement: claim.statement, credibility: claim.credibility };
    const known = this.highlighter.segments.some((s) => s.ids.has(passage.id));
    this.highlighter.addClaim(entry);
    if (known) this.highlighter.refreshPassage(passage.id);
    else this.highlighter.applyPassage(passage.id);
  }

  async openClaim(id) {
    try {
      const { data, etag } = await api(`claims/${id}/`);
      this.renderClaim(data, etag);
    } catch (failure) {
      this.showPanel(el("p", { class: "cd-error", role: "alert" }, failure.message));
    }
  }

  renderClaim(claim, etag) {
    this.current = { claim, etag: etag || `"${claim.id}.${claim.version}"` };
    const message = el("p", { class: "cd-error", role: "alert" });
    const parts = [
      el("h2", {}, "Claim"),
      el("p", { class: "cd-statement" }, claim.statement),
      el("dl", { class: "cd-facts" },
        el("dt", {}, "Grade"), el("dd", {}, el("span", { class: "cd-grade", title: `source ${claim.source_reliability}, information ${claim.credibility}` }, gradeOf(claim))),
        el("dt", {}, "Status"), el("dd", {}, el("span", { class: `cd-badge status-${claim.status}` }, label(config.statuses, claim.status))),
        el("dt", {}, "Kind"), el("dd", {}, label(config.kinds, claim.kind)),
        el("dt", {}, "Attributed to"), el("dd", {}, claim.attributed_to || "—"),
        el("dt", {}, "Credibility"), el("dd", {}, label(config.credibility, claim.credibility)),
        el("dt", {}, "Topics"), el("dd", {}, claim.topics.join(", ") || "—"),
        el("dt", {}, "Author"), el("dd", {}, claim.author || "—"),
        el("dt", {}, "Version"), el("dd", {}, String(claim.version)),
        claim.review_note ? [el("dt", {}, "Review note"), el("dd", {}, claim.review_note)] : null),
      el("blockquote", { class: "cd-quote" }, el("span", { class: "cd-context" }, claim.passage.prefix), el("mark", {}, claim.passage.exact), el("span", { class: "cd-context" }, claim.passage.suffix)),
      message,
    ];
    if (claim.permissions.moves.length) parts.push(this.movesForm(claim, message));
    if (claim.permissions.edit) parts.push(this.editForm(claim, message));
    parts.push(this.evidenceSection(claim));
    const history = el("ol", { class: "cd-history" }, el("li", {}, "Loading history…"));
    parts.push(commentThread({ claimId: claim.id, api, el, say, user: config.user, canComment: config.canComment,
      onChange: () => this.loadHistory(claim.id, history) }));
    parts.push(el("h3", {}, "History"), history);
    this.showPanel(...parts);
    this.loadHistory(claim.id, history);
  }

  movesForm(claim, message) {
    const note = el("textarea", { name: "note", rows: 2, "aria-label": "Review note" });
    return el("div", { class: "cd-moves" },
      el("label", {}, "Note", note),
      el("div", { class: "cd-actions" }, claim.permissions.moves.map((move) => el("button", {
        type: "button", class: `button move-${move}`, dataset: { move },
        onclick: async () => {
          try {
            const { data, etag } = await api(`claims/${claim.id}/${move}/`, {
              method: "POST", body: { note: note.value }, headers: { "If-Match": this.current.etag },
            });
            this.updateClaim(data);
            this.renderClaim(data, etag);
            say(`Claim ${move === "submit" ? "submitted" : `${move}ed`}.`);
          } catch (failure) {
            this.conflict(claim, failure, message);
          }
        },
      }, move[0].toUpperCase() + move.slice(1)))));
  }

  editForm(claim, message) {
    const form = el("form", { class: "cd-form cd-edit" }, el("h3", {}, "Edit"), ...claimFields(claim),
      el("div", { class: "cd-actions" }, el("button", { type: "submit", class: "button" }, "Save changes")));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        const { data, etag } = await api(`claims/${claim.id}/`, {
          method: "PATCH", body: readClaimForm(form), headers: { "If-Match": this.current.etag },
        });
        this.updateClaim(data);
        this.renderClaim(data, etag);
        say("Changes saved.");
      } catch (failure) {
        this.conflict(claim, failure, message);
      }
    });
    return form;
  }

  // Someone else changed the claim: say who and what, offer to reload. Nothing is overwritten.
  async conflict(claim, failure, message) {
    if (failure.status !== 412 && failure.status !== 409) {
      message.textContent = failure.message;
      return;
    }
    let who = "";
    try {
      // Newest first: the first page holds the latest change.
      const { data: history } = await api(`claims/${claim.id}/history/`);
      const last = history.results.find((entry) => entry.object_type === "claim");
      if (last) who = ` Last change: ${last.action} by ${last.actor || "system"} at ${new Date(last.at).toLocaleString()} (${Object.keys(last.changes).join(", ") || "no fields"}).`;
    } catch {
      // The conflict itself is what matters; the history is a courtesy.
    }
    message.replaceChildren(
      `This claim was changed by someone else since you opened it; your change was not saved.${who} `,
      el("button", { type: "button", class: "button cd-reload", onclick: () => this.openClaim(claim.id) }, "Reload the claim"));
    message.classList.add("cd-conflict");
    message.scrollIntoView({ block: "nearest" });
  }

  updateClaim(claim) {
    this.addClaim(claim);
  }

  async loadHistory(id, list) {
    try {
      // Every page of it, newest first as the admin's History page lists it.
      const data = await fetchAll(`claims/${id}/history/`);
      if (!data.length) {
        list.replaceChildren(el("li", {}, "No change recorded yet."));
        return;
      }
      list.replaceChildren(...data.map((entry) => el("li", {},
        el("time", { datetime: entry.at }, new Date(entry.at).toLocaleString()), " ",
        el("strong", {}, entry.actor || "system"), ` ${entry.action}`, entry.object_type === "claim" ? "" : ` ${entry.object_type}`,
        Object.keys(entry.changes).length ? ` (${Object.keys(entry.changes).join(", ")})` : "",
        entry.note ? el("q", {}, entry.note) : null)));
    } catch (failure) {
      list.replaceChildren(el("li", {}, failure.message));
    }
  }

  evidenceSection(claim) {
    const items = claim.evidence.map((link) => el("li", { class: `cd-evidence ev-${link.stance}` },
      el("span", { class: `cd-badge stance-${link.stance}` }, link.stance), " ",
      el("a", { href: config.workspaceUrl.replace("{id}", link.passage.document) + `#passage-${link.passage.id}` },
        `“${link.passage.exact}”`), " — ", el("cite", {}, link.passage.document_title),
      link.note ? el("p", { class: "cd-note" }, link.note) : null));
    return el("section", { class: "cd-evidence-section" },
      el("h3", {}, "Evidence"),
      items.length ? el("ul", {}, items) : el("p", {}, "No evidence yet."),
      config.canAnnotate ? el("button", { type: "button", class: "button", id: "add-evidence", onclick: () => this.openEvidencePicker(claim) }, "Add evidence") : null);
  }

  // Evidence: find a document, select a passage in it, choose a stance.
  openEvidencePicker(claim) {
    const results = el("ul", { class: "cd-results" });
    const search = el("input", { type: "search", name: "q", placeholder: "Title or text", "aria-label": "Find a document" });
    const reader = el("div", { class: "cd-text cd-text-small", tabindex: 0, "aria-label": "Evidence document" });
    const error = el("p", { class: "cd-error", role: "alert" });
    const stance = el("select", { name: "stance" }, config.stances.map(([v, l]) => el("option", { value: v }, l)));
    const note = el("textarea", { name: "note", rows: 2 });
    let picked = null;
    const save = el("button", { type: "button", class: "button default", disabled: true }, "Save evidence");
    let searches = 0;
    const find = async () => {
      const params = new URLSearchParams({ project: config.projectId, q: search.value, page_size: 20 });
      const mine = ++searches;
      const { data } = await api(`documents/?${params}`);
      if (mine !== searches) return; // an answer to an older query: the newer one wins
      results.replaceChildren(...data.results.map((doc) => el("li", {}, el("button", {
        type: "button", class: "cd-link", onclick: async () => {
          const { data: full } = await api(`documents/${doc.id}/`);
          picked = new Highlighter(reader, full.text);
          chosen = null;
          chosenView.textContent = "Select the passage in the document above.";
          picked.documentId = full.id;
          picked.render();
          say(`Select the evidence passage in “${full.title}”.`);
        },
      }, doc.title))));
    };
    search.addEventListener("input", () => find().catch((failure) => { error.textContent = failure.message; }));
    // Keep the last selection made in the reader: clicking Save or typing a note
    // collapses the live selection, and the passage must survive that.
    let chosen = null;
    const chosenView = el("blockquote", { class: "cd-quote", "aria-live": "polite" }, "Pick a document, then select the passage.");
    const watching = new AbortController();
    document.addEventListener("selectionchange", () => {
      const selected = picked && picked.selection();
      if (selected) {
        chosen = selected;
        chosenView.textContent = selected.exact;
      }
      save.disabled = !chosen;
    }, { signal: watching.signal });
    this.evidenceDialog.addEventListener("close", () => watching.abort(), { once: true });
    save.addEventListener("click", async () => {
      const selected = chosen;
      if (!selected) return;
      try {
        const { data: link } = await api("evidence/", {
          method: "POST",
          body: { claim: claim.id, passage_input: { document: picked.documentId, ...selected }, stance: stance.value, note: note.value },
        });
        if (picked.documentId === config.documentId) {
          const passage = this.highlighter.addPassage({ id: link.passage_detail.id, start: link.passage_detail.start, end: link.passage_detail.end });
          this.highlighter.addEvidence({ id: link.id, passage: passage.id, stance: link.stance, claim: claim.id, claim_statement: claim.statement });
          this.highlighter.applyPassage(passage.id);
        }
        this.evidenceDialog.close();
        say("Evidence linked.");
        this.openClaim(claim.id);
      } catch (failure) {
        error.textContent = failure.message;
      }
    });
    this.evidenceDialog.replaceChildren(
      el("h2", { id: "evidence-dialog-title" }, "Add evidence"),
      el("p", {}, "For: ", el("q", {}, claim.statement)),
      el("label", {}, "Find a document ", search), results, reader,
      el("p", {}, "Evidence passage:"), chosenView,
      el("label", {}, "Stance ", stance), el("label", {}, "Note ", note), error,
      el("div", { class: "cd-actions" }, save, el("button", { type: "button", class: "button", onclick: () => this.evidenceDialog.close() }, "Cancel")));
    this.evidenceDialog.showModal();
    search.focus();
    find().catch((failure) => { error.textContent = failure.message; });
  }

  // Grade the source (owners): Admiralty A–F and a rationale.
  sourceGrading() {
    const box = document.getElementById("source-box");
    const sourceId = this.document.source;
    const select = el("select", { name: "reliability", "aria-label": "Source reliability" },
      config.reliability.map(([v, l]) => el("option", { value: v, selected: v === this.document.source_reliability }, l)));
    const rationale = el("textarea", { name: "rationale", rows: 2, "aria-label": "Rationale" });
    const error = el("span", { class: "cd-error", role: "alert" });
    const form = el("form", { class: "cd-grade-form", hidden: true }, select, rationale,
      el("button", { type: "submit", class: "button" }, "Save grade"), error);
    const toggle = el("button", { type: "button", class: "button", "aria-expanded": "false", onclick: () => {
      form.hidden = !form.hidden;
      toggle.setAttribute("aria-expanded", String(!form.hidden));
      if (!form.hidden) select.focus();
    } }, "Grade source");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      try {
        const { data } = await api(`sources/${sourceId}/`, {
          method: "PATCH", body: { reliability: select.value, reliability_rationale: rationale.value },
        });
        const badge = document.getElementById("source-grade");
        badge.textContent = label(config.reliability, data.reliability);
        badge.dataset.grade = data.reliability;
        form.hidden = true;
        say("Source graded.");
      } catch (failure) {
        error.textContent = failure.message;
      }
    });
    box.append(" ", toggle, form);
  }
}

// -- review queue ---------------------------------------------------------------

class ReviewPage {
  constructor() {
    this.list = document.getElementById("queue");
    this.filters = document.getElementById("queue-filters");
  }

  async start() {
    const projectSelect = this.filters.elements.project;
    for (const [id, name] of config.projects) projectSelect.append(el("option", { value: id }, name));
    for (const name of config.topics) this.filters.elements.topic.append(el("option", { value: name }, name));
    // The filters come back in the page's URL: the server counted the queue with them.
    const chosen = config.filters || {};
    projectSelect.value = chosen.project || "";
    this.filters.elements.topic.value = chosen.topic || "";
    this.filters.elements.author.value = chosen.author || "";
    projectSelect.addEventListener("change", () => this.loadDocuments());
    this.more = document.getElementById("queue-more");
    this.more.addEventListener("click", () => this.loadMore());
    this.waiting = config.waiting;
    document.addEventListener("keydown", (event) => this.key(event));
    await this.loadDocuments();
    this.filters.elements.document.value = chosen.document || "";
    await this.load();
  }

  async loadDocuments() {
    const select = this.filters.elements.document;
    select.replaceChildren(el("option", { value: "" }, "all"));
    const project = this.filters.elements.project.value;
    if (!project) return;
    const documents = await fetchAll(`documents/?project=${encodeURIComponent(project)}&page_size=1000`);
    for (const doc of documents) select.append(el("option", { value: doc.id }, doc.title));
  }

  // The queue pages through every submitted claim, a page at a time (cursor pagination).
  async load() {
    // decidable: four eyes hides one's own claims, as the server's count does.
    const params = new URLSearchParams({ status: "submitted", decidable: "true", ordering: "created_at", page_size: config.pageSize });
    for (const [name, value] of Object.entries(config.filters || {})) if (value) params.set(name, value);
    this.list.replaceChildren();
    this.next = `claims/?${params}`;
    await this.loadMore();
    this.focus(0);
  }

  async loadMore() {
    if (!this.next) return;
    const { data } = await api(this.next);
    this.next = data.next ? data.next.slice(data.next.indexOf(config.api) + config.api.length) : null;
    const reviewable = data.results.filter((claim) => claim.permissions.moves.includes("accept"));
    const counts = await commentCounts(api, reviewable.map((claim) => claim.id)).catch(() => ({}));
    this.list.append(...reviewable.map((claim) => this.item(claim, counts[claim.id] || 0)));
    this.count();
  }

  count() {
    const shown = this.items().length;
    this.more.hidden = !this.next;
    this.more.textContent = `Show the next ${config.pageSize} (${Math.max(this.waiting - shown, 0)} more waiting)`;
    say(shown ? `Showing ${plural(shown, "claim")} of ${this.waiting} waiting.` : "Nothing to review.");
    const total = document.querySelector("#queue-count strong");
    if (total) total.textContent = String(this.waiting);
  }

  item(claim, comments = 0) {
    const note = el("textarea", { name: "note", rows: 2, "aria-label": "Review note", hidden: true });
    const hint = el("span", { class: "cd-hint", hidden: true });
    const message = el("p", { class: "cd-error", role: "alert" });
    const node = el("li", { class: "cd-queue-item", tabindex: -1, dataset: { claim: claim.id, version: claim.version } },
      el("p", { class: "cd-statement" }, claim.statement),
      el("p", { class: "cd-meta" }, el("span", { class: "cd-grade" }, gradeOf(claim)), ` · ${label(config.kinds, claim.kind)} · by ${claim.author || "—"} · `,
        el("a", { href: config.workspaceUrl.replace("{id}", claim.passage.document) + `#passage-${claim.passage.id}` }, claim.passage.document_title)),
      el("blockquote", { class: "cd-quote" }, el("span", { class: "cd-context" }, claim.passage.prefix), el("mark", {}, claim.passage.exact), el("span", { class: "cd-context" }, claim.passage.suffix)),
      claim.evidence.length ? el("ul", { class: "cd-evidence-list" }, claim.evidence.map((link) => el("li", {},
        el("span", { class: `cd-badge stance-${link.stance}` }, link.stance), ` “${link.passage.exact}” — `, el("cite", {}, link.passage.document_title)))) : el("p", { class: "cd-meta" }, "No evidence."),
      note, hint, message,
      el("div", { class: "cd-actions" },
        el("button", { type: "button", class: "button move-accept", onclick: () => this.ask(node, "accept") }, "Accept (a)"),
        el("button", { type: "button", class: "button move-reject", onclick: () => this.ask(node, "reject") }, "Reject (r)"),
        this.discussionToggle(claim, comments)));
    note.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        this.decide(node, node.dataset.pending);
      } else if (event.key === "Escape") {
        event.preventDefault();
        note.hidden = hint.hidden = true;
        node.focus();
      }
    });
    node.parts = { note, hint, message };
    return node;
  }

  // "Comments (n)" opens the claim's thread under the item (issue 14).
  discussionToggle(claim, count) {
    const button = el("button", { type: "button", class: "button cd-comments-toggle", "aria-expanded": "false" }, `Comments (${count})`);
    let thread = null;
    button.addEventListener("click", () => {
      if (!thread) {
        thread = commentThread({ claimId: claim.id, api, el, say, user: config.user, canComment: true,
          onCount: (n) => { button.textContent = `Comments (${n})`; } });
        button.closest(".cd-queue-item").append(thread);
      } else thread.hidden = !thread.hidden;
      button.setAttribute("aria-expanded", String(!thread.hidden));
    });
    return button;
  }

  items() {
    return [...this.list.querySelectorAll(".cd-queue-item")];
  }

  focus(index) {
    const items = this.items();
    if (!items.length) return;
    const target = items[Math.max(0, Math.min(index, items.length - 1))];
    for (const item of items) item.classList.toggle("current", item === target);
    target.focus();
    target.scrollIntoView({ block: "nearest" });
  }

  key(event) {
    if (event.target.closest("input, textarea, select") || event.ctrlKey || event.metaKey || event.altKey) return;
    const items = this.items();
    const current = items.indexOf(document.activeElement.closest(".cd-queue-item"));
    if (event.key === "j" && current === items.length - 1 && this.next) this.loadMore().then(() => this.focus(current + 1));
    else if (event.key === "j") this.focus(current + 1);
    else if (event.key === "k") this.focus(current - 1);
    else if ((event.key === "a" || event.key === "r") && current >= 0) this.ask(items[current], event.key === "a" ? "accept" : "reject");
    else return;
    event.preventDefault();
  }

  // First the note (optional), then Enter decides.
  ask(node, move) {
    const { note, hint } = node.parts;
    node.dataset.pending = move;
    note.hidden = hint.hidden = false;
    hint.textContent = `Note for ${move}: Enter to ${move}, Esc to cancel.`;
    note.focus();
  }

  async decide(node, move) {
    const { note, message } = node.parts;
    try {
      await api(`claims/${node.dataset.claim}/${move}/`, { method: "POST", body: { note: note.value, version: Number(node.dataset.version) } });
      const index = this.items().indexOf(node);
      node.remove();
      this.waiting -= 1;
      this.count();
      say(`Claim ${move}ed. ${plural(this.waiting, "claim")} waiting.`);
      if (!this.items().length && this.next) await this.loadMore();
      this.focus(index);
    } catch (failure) {
      message.textContent = failure.message;
    }
  }
}

const page = document.getElementById("workspace").dataset.page;
if (page === "document") new DocumentPage().start().catch((failure) => say(failure.message));
else if (page === "review" && document.getElementById("queue")) new ReviewPage().start().catch((failure) => say(failure.message));
