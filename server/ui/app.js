// The ucwa-mock dashboard: plain JavaScript, no framework, no network but this mock.
// It follows the mock through GET /__admin/stream (a long poll: one answer carries every change
// since the last one) and renders at most once per animation frame.
'use strict';

const MAX_ROWS = 1000;        // journal rows kept in the page
const MAX_CALLBACK_ROWS = 500; // callback attempts shown
const CONVERSATIONS = 200;     // the newest conversations listed
const TOKEN_KEY = 'ucwaMockAdminToken';
const $ = (id) => document.getElementById(id);

const state = {
  app: '',
  seq: 0,
  after: 0,
  rows: [],             // newest last
  apps: new Set(),
  conversations: [],
  callbacks: [],
  selectedRow: null,
  selectedConversation: null,
  dirty: new Set(),     // what the next frame renders
  stale: new Set(),     // topics to fetch again
  frame: 0,
  skipped: 0,
};

// ---- the admin API, with the token when there is one -------------------------------------

class Unauthorized extends Error {}

async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers.Authorization = 'Bearer ' + token;
  const res = await fetch(path, Object.assign({}, options, { headers, cache: 'no-store' }));
  if (res.status === 401) {
    // Only when the token it was sent with is still the one in use (not a call from before the form).
    if (sessionStorage.getItem(TOKEN_KEY) === token) askToken();
    throw new Unauthorized('the admin token is missing or wrong');
  }
  return res;
}

function withApp(path) {
  if (!state.app) return path;
  return path + (path.includes('?') ? '&' : '?') + 'app=' + encodeURIComponent(state.app);
}

async function apiJson(path, options) {
  const res = await api(path, options);
  const text = await res.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = { message: text }; }
  return { ok: res.ok, status: res.status, body };
}

function askToken() {
  const form = $('token-form');
  if (!form.hidden) return;
  form.hidden = false;
  $('token').focus();
}

$('token-form').addEventListener('submit', (e) => {
  e.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $('token').value);
  $('token').value = '';
  $('token-form').hidden = true;
  state.seq = 0;
  refreshAll();
});

// ---- the long poll ---------------------------------------------------------------------------

let pollGeneration = 0;
let pollAbort = null;

async function poll() {
  const generation = ++pollGeneration;
  // The previous poll's held request goes: the mock lets it go too, so it holds no viewer's place.
  if (pollAbort) pollAbort.abort();
  const abort = pollAbort = new AbortController();
  let failures = 0;
  while (generation === pollGeneration) {
    try {
      const query = `/__admin/stream?since=${state.seq}&after=${state.after}&wait=25000`;
      const { ok, status, body } = await apiJson(withApp(query), { signal: abort.signal });
      if (generation !== pollGeneration) return;
      if (!ok) throw new Error(`stream: ${status} ${body && body.message ? body.message : ''}`);
      failures = 0;
      take(body);
      setLive(true, `live · seq ${state.seq}`);
    } catch (e) {
      if (generation !== pollGeneration) return;
      failures++;
      setLive(false, e instanceof Unauthorized ? 'admin token needed' : `reconnecting (${e.message})`);
      await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** failures)));
      if (e instanceof Unauthorized) return;
    }
  }
}

function setLive(on, text) {
  const el = $('live');
  el.textContent = text;
  el.className = 'live ' + (on ? 'on' : 'off');
}

function take(news) {
  const fresh = news.seq < state.seq; // a restarted mock starts over
  state.seq = news.seq;
  if (fresh) { state.rows = []; state.after = 0; state.dirty.add('journal-all'); }
  if (news.requests && news.requests.length) {
    for (const r of news.requests) {
      state.rows.push(r);
      if (r.application) state.apps.add(r.application);
    }
    if (state.rows.length > MAX_ROWS) state.rows.splice(0, state.rows.length - MAX_ROWS);
    state.dirty.add('journal');
    state.dirty.add('apps');
  }
  // Rows left out before the first answer are history, not rows the page failed to keep up with.
  if (news.skipped && state.after > 0) { state.skipped += news.skipped; state.dirty.add('journal-all'); }
  state.after = Math.max(state.after, news.last || 0);
  for (const topic of news.changed || []) {
    if (topic === 'requests' || topic === 'conversations') state.stale.add('conversations');
    if (topic === 'requests' || topic === 'callbacks') state.stale.add('callbacks');
    if (topic === 'requests' || topic === 'channels' || topic === 'conversations') state.stale.add('channels');
    if (topic === 'scenario') state.stale.add('scenario');
    state.stale.add('metrics');
  }
  // A page cut short by its byte budget: the rest at once.
  if (news.more) state.seq = Math.max(0, news.seq - 1);
  fetchStale();
  schedule();
}

// What changed is fetched again only when its view is open; one fetch of each at a time.
const inFlight = new Set();
function fetchStale() {
  const visible = currentTab();
  const wanted = {
    conversations: visible === 'conversations',
    callbacks: visible === 'callbacks' || visible === 'conversations',
    channels: visible === 'channels',
    scenario: visible === 'control',
    metrics: visible === 'metrics',
  };
  for (const topic of Array.from(state.stale)) {
    if (!wanted[topic] || inFlight.has(topic)) continue;
    state.stale.delete(topic);
    inFlight.add(topic);
    // Fetched again after a failure, but not without the token: the token form brings them all back.
    loaders[topic]().catch((e) => { if (!(e instanceof Unauthorized)) state.stale.add(topic); }).finally(() => {
      inFlight.delete(topic);
      if (state.stale.has(topic)) setTimeout(fetchStale, 250);
    });
  }
}

const loaders = {
  async conversations() {
    // The newest 200: the listing is oldest first, so the page remembers where its last 200 began
    // and moves on with "more" (a few pages at a time), back to 0 when older ones were forgotten.
    let offset = state.conversationOffset || 0;
    let list = await apiJson(withApp(`/__admin/conversations?limit=${CONVERSATIONS}&offset=${offset}`));
    for (let pages = 0; list.ok && pages < 10; pages++) {
      const got = list.body.conversations.length;
      let next = offset;
      if (list.body.more) next = offset + got;
      else if (got === 0 && offset > 0) next = 0;
      else if (got < CONVERSATIONS && offset > 0) next = Math.max(0, offset + got - CONVERSATIONS);
      if (next === offset) break;
      offset = next;
      list = await apiJson(withApp(`/__admin/conversations?limit=${CONVERSATIONS}&offset=${offset}`));
    }
    const { ok, body } = list;
    if (!ok) return;
    state.conversationOffset = offset;
    const invitations = await apiJson(withApp(`/__admin/invitations?limit=${CONVERSATIONS}&offset=${offset}`));
    // When each began: the invitation's creation, the first point of its diagram.
    state.created = new Map();
    for (const i of (invitations.ok && invitations.body.invitations) || []) state.created.set(`${i.application}/${i.id}`, Date.parse(i.created));
    state.conversations = body.conversations || [];
    for (const c of state.conversations) state.apps.add(c.application);
    state.dirty.add('conversations');
    state.dirty.add('apps');
    schedule();
  },
  async callbacks() {
    const { ok, body } = await apiJson(withApp('/__admin/events'));
    if (!ok) return;
    state.callbacks = body.attempts || [];
    state.callbackSummary = body;
    state.dirty.add('callbacks');
    if (state.selectedConversation) state.dirty.add('conversations');
    schedule();
  },
  async channels() {
    const { ok, body } = await apiJson(withApp('/__admin/channels'));
    if (!ok) return;
    state.channels = body.channels || [];
    state.dirty.add('channels');
    schedule();
  },
  async scenario() {
    const [current, list] = await Promise.all([apiJson(withApp('/__admin/scenario')), apiJson(withApp('/__admin/scenarios'))]);
    state.scenario = current.body;
    state.scenarios = list.body;
    state.dirty.add('scenario');
    schedule();
  },
  async metrics() {
    const res = await api('/__admin/metrics');
    state.metrics = await res.text();
    state.dirty.add('metrics');
    schedule();
  },
};

function refreshAll() {
  for (const t of Object.keys(loaders)) state.stale.add(t);
  fetchStale();
  poll();
}

// ---- rendering, once per frame -------------------------------------------------------------

function schedule() {
  if (state.frame) return;
  state.frame = requestAnimationFrame(() => {
    state.frame = 0;
    const dirty = state.dirty;
    state.dirty = new Set();
    if (dirty.has('apps')) renderApps();
    if (dirty.has('journal-all')) renderJournal(true);
    else if (dirty.has('journal')) renderJournal(false);
    if (dirty.has('conversations')) renderConversations();
    if (dirty.has('callbacks')) renderCallbacks();
    if (dirty.has('channels')) renderChannels();
    if (dirty.has('scenario')) renderScenario();
    if (dirty.has('metrics')) renderMetrics();
  });
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  if (attrs) for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v; else if (k === 'text') e.textContent = v; else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) e.append(c);
  return e;
}

function clock(iso) {
  if (!iso) return '';
  const t = iso.indexOf('T');
  return t < 0 ? iso : iso.slice(t + 1).replace('Z', '');
}

function renderApps() {
  const select = $('app');
  const have = new Set(Array.from(select.options).map((o) => o.value));
  const sorted = Array.from(state.apps).sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  for (const a of sorted) if (!have.has(a)) {
    const next = Array.from(select.options).find((o) => o.value && o.value.localeCompare(a, undefined, { numeric: true }) > 0);
    select.insertBefore(el('option', { value: a, text: a }), next || null);
  }
}

// ---- the journal -----------------------------------------------------------------------------

function filters() {
  return {
    path: $('filter-path').value.trim(),
    status: $('filter-status').value.trim(),
    text: $('filter-text').value.trim().toLowerCase(),
  };
}

function matches(r, f) {
  if (f.path && !r.target.split('?')[0].includes(f.path)) return false;
  if (f.status && !String(r.status).startsWith(f.status)) return false;
  if (f.text) {
    const hay = `${r.method} ${r.target} ${r.status} ${r.outcome} ${r.rule} ${r.to} ${r.application} ${r.mintedId}`.toLowerCase();
    if (!hay.includes(f.text)) return false;
  }
  return true;
}

let shownUpTo = 0; // the newest sequence in the table
function journalRow(r) {
  const cls = 's' + String(r.status)[0];
  const tr = el('tr', { 'data-seq': r.sequence, tabindex: '-1', 'aria-selected': String(state.selectedRow === r.sequence) },
    el('td', { class: 'num', text: r.sequence }),
    el('td', { text: clock(r.time) }),
    el('td', { text: r.application }),
    el('td', { text: r.method }),
    el('td', { class: 'mono', text: r.target, title: r.target }),
    el('td', { class: cls, text: r.status === 0 ? 'fault' : r.status }),
    el('td', { text: r.outcome, title: r.outcome }),
    el('td', { text: r.rule }),
    el('td', { class: 'num', text: r.latencyMs.toFixed(1) }));
  return tr;
}

function renderJournal(all) {
  const body = $('journal').tBodies[0];
  const f = filters();
  if (all) {
    body.replaceChildren();
    shownUpTo = 0;
  }
  const fragment = document.createDocumentFragment();
  const fresh = state.rows.filter((r) => r.sequence > shownUpTo && matches(r, f));
  for (let i = fresh.length - 1; i >= 0; i--) fragment.append(journalRow(fresh[i]));
  body.prepend(fragment);
  if (state.rows.length) shownUpTo = state.rows[state.rows.length - 1].sequence;
  while (body.rows.length > MAX_ROWS) body.deleteRow(body.rows.length - 1);
  const oldest = state.rows.length ? state.rows[0].sequence : 0;
  while (body.rows.length && Number(body.rows[body.rows.length - 1].dataset.seq) < oldest) body.deleteRow(body.rows.length - 1);
  // One row is reachable with Tab; the arrow keys move from it.
  if (body.rows.length && !body.querySelector('tr[tabindex="0"]')) body.rows[0].tabIndex = 0;
  $('count-journal').textContent = state.rows.length;
  $('journal-note').textContent = state.skipped ? `${state.skipped} rows skipped to keep up (the newest are shown; download the journal for all)` : '';
}

for (const id of ['filter-path', 'filter-status', 'filter-text'])
  $(id).addEventListener('input', () => { state.dirty.add('journal-all'); schedule(); });

$('journal').addEventListener('click', (e) => {
  const tr = e.target.closest('tbody tr');
  if (tr) openRow(Number(tr.dataset.seq), tr);
});
$('journal').tBodies[0].addEventListener('keydown', (e) => {
  const tr = e.target.closest('tr');
  if (!tr) return;
  let next = null;
  if (e.key === 'ArrowDown') next = tr.nextElementSibling;
  else if (e.key === 'ArrowUp') next = tr.previousElementSibling;
  else if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); openRow(Number(tr.dataset.seq), tr); return; }
  if (next) { e.preventDefault(); focusRow(next); }
});

function focusRow(tr) {
  for (const r of $('journal').tBodies[0].querySelectorAll('tr[tabindex="0"]')) r.tabIndex = -1;
  tr.tabIndex = 0;
  tr.focus();
}

async function openRow(seq, tr) {
  state.selectedRow = seq;
  for (const r of $('journal').tBodies[0].querySelectorAll('tr[aria-selected=true]')) r.setAttribute('aria-selected', 'false');
  if (tr) { tr.setAttribute('aria-selected', 'true'); focusRow(tr); }
  const detail = $('journal-detail');
  detail.replaceChildren(el('p', { class: 'note', text: `Loading request ${seq}…` }));
  const { ok, body } = await apiJson(`/__admin/requests.har?after=${seq - 1}&limit=1`);
  if (state.selectedRow !== seq) return;
  const row = state.rows.find((r) => r.sequence === seq);
  let entry = ok && body.log && body.log.entries[0];
  // The entry after seq - 1 is this one unless the journal dropped it.
  if (entry && row && (entry.request.method !== row.method || !entry.request.url.endsWith(row.target))) entry = null;
  if (!entry) { detail.replaceChildren(el('p', { class: 'note', text: `Request ${seq} is no longer in the journal.` })); return; }
  const q = entry.request, a = entry.response;
  detail.replaceChildren(
    el('h3', { text: `${q.method} ${q.url}` }),
    el('p', { class: 'note', text: `${entry.startedDateTime} · ${Math.round(entry.time * 10) / 10} ms` }),
    el('h3', { text: 'Request headers' }), el('pre', { text: headerText(q.headers) }),
    ...bodyBlock('Request body', q.postData && q.postData.text, q.postData && q.postData.mimeType),
    el('h3', { text: `Answer ${a.status} ${a.statusText || ''}` }), el('pre', { text: headerText(a.headers) }),
    ...bodyBlock('Answer body', a.content && a.content.text, a.content && a.content.mimeType));
}

function headerText(headers) {
  return (headers || []).map((h) => `${h.name}: ${h.value}`).join('\n');
}

function bodyBlock(title, text, type) {
  if (!text) return [el('h3', { text: title }), el('p', { class: 'note', text: '(empty)' })];
  const out = [el('h3', { text: title + (type ? ` (${type})` : '') }), el('pre', { class: 'body', text: pretty(text, type) })];
  const uris = dataUris(text);
  for (const u of uris) out.push(el('h3', { text: `data: URI (${u.type})` }), el('pre', { class: 'data-uri', text: pretty(u.text, u.type) }));
  return out;
}

function pretty(text, type) {
  const t = (type || '').toLowerCase();
  const trimmed = text.trim();
  if (t.includes('json') || trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try { return JSON.stringify(JSON.parse(trimmed), null, 2); } catch (e) { /* as it is */ }
  }
  if (t.includes('xml') || trimmed.startsWith('<')) {
    const doc = new DOMParser().parseFromString(trimmed, 'application/xml');
    if (!doc.querySelector('parsererror')) return xmlText(doc.documentElement, '');
  }
  return text;
}

function xmlText(node, indent) {
  const attrs = Array.from(node.attributes).map((a) => ` ${a.name}="${a.value}"`).join('');
  const kids = Array.from(node.childNodes).filter((n) => n.nodeType === 1 || (n.nodeType === 3 && n.textContent.trim()));
  if (!kids.length) return `${indent}<${node.nodeName}${attrs}/>`;
  if (kids.length === 1 && kids[0].nodeType === 3) return `${indent}<${node.nodeName}${attrs}>${kids[0].textContent.trim()}</${node.nodeName}>`;
  const inner = kids.map((k) => (k.nodeType === 3 ? indent + '  ' + k.textContent.trim() : xmlText(k, indent + '  '))).join('\n');
  return `${indent}<${node.nodeName}${attrs}>\n${inner}\n${indent}</${node.nodeName}>`;
}

function dataUris(text) {
  const out = [];
  const re = /data:([a-zA-Z0-9.+\/-]*)((?:;[a-zA-Z0-9=.-]+)*?)(;base64)?,([^"'\s<>\\]*)/g;
  let m;
  while ((m = re.exec(text)) && out.length < 10) {
    try {
      let decoded;
      if (m[3]) {
        const bytes = Uint8Array.from(atob(decodeURIComponent(m[4])), (c) => c.charCodeAt(0));
        decoded = new TextDecoder().decode(bytes);
      } else decoded = decodeURIComponent(m[4].replace(/\+/g, ' '));
      out.push({ type: m[1] || 'text/plain', text: decoded });
    } catch (e) { /* not decodable: left as it is */ }
  }
  return out;
}

// ---- conversations and their sequence diagrams ---------------------------------------------

function renderConversations() {
  const list = $('conversation-list');
  $('count-conversations').textContent = state.conversations.length;
  const items = state.conversations.slice().reverse().map((c) => {
    const key = `${c.application}/${c.id}`;
    const verdict = c.verdict ? el('span', { class: 'verdict-' + c.verdict, text: ' · ' + c.verdict }) : '';
    const li = el('li', { role: 'option', 'data-key': key, tabindex: key === state.selectedConversation ? '0' : '-1',
      'aria-selected': String(key === state.selectedConversation) },
    `#${c.id} ${c.direction === 'Incoming' ? '← ' + (c.from || '') : '→ ' + (c.to || '')}`, verdict,
    el('small', { text: `app ${c.application} · ${c.conversationState} · ${c.messages.length} messages` }));
    return li;
  });
  list.replaceChildren(...items);
  if (!state.selectedConversation && state.conversations.length && !list.querySelector('[tabindex="0"]')) items[0].tabIndex = 0;
  const chosen = state.conversations.find((c) => `${c.application}/${c.id}` === state.selectedConversation);
  if (chosen) drawSequence(chosen);
}

$('conversation-list').addEventListener('click', (e) => {
  const li = e.target.closest('li');
  if (li) chooseConversation(li.dataset.key);
});
$('conversation-list').addEventListener('keydown', (e) => {
  const li = e.target.closest('li');
  if (!li) return;
  let next = null;
  if (e.key === 'ArrowDown') next = li.nextElementSibling;
  else if (e.key === 'ArrowUp') next = li.previousElementSibling;
  else if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); chooseConversation(li.dataset.key); return; }
  if (next) { e.preventDefault(); li.tabIndex = -1; next.tabIndex = 0; next.focus(); }
});

function chooseConversation(key) {
  state.selectedConversation = key;
  state.stale.add('callbacks');
  fetchStale();
  renderConversations();
  const li = $('conversation-list').querySelector(`[data-key="${CSS.escape(key)}"]`);
  if (li) li.focus();
}

// The conversation's items on one time line: the client's requests and the mock's answers (the
// journal), callbacks with each attempt (the events log), event-channel answers (the journal's
// P-GETs of the application while it lasts) and the person's messages.
function sequenceItems(c) {
  const items = [];
  const convPath = new RegExp(`/conversations/${c.id}(?:[/?]|$)`);
  const own = state.rows.filter((r) => r.application === c.application &&
    (convPath.test(r.target) ||
     (r.method === 'POST' && r.mintedId === String(c.id) && /\/(startMessaging|messagingInvitations)(\?|$)/.test(r.target))));
  const times = own.map((r) => Date.parse(r.time));
  const attempts = state.callbacks.filter((a) => a.application === c.application && a.conversation === c.id);
  for (const a of attempts) times.push(Date.parse(a.time));
  const created = state.created && state.created.get(`${c.application}/${c.id}`);
  if (created) times.push(created);
  const start = times.length ? Math.min(...times) : 0;
  const end = times.length ? Math.max(...times) + 60000 : 0;
  // A person's invitation starts an incoming conversation.
  if (created && c.direction === 'Incoming')
    items.push({ t: created, order: -1, from: 3, to: 1, label: `invitation from ${c.from || 'the person'}`, kind: 'message' });
  for (const r of own) {
    const t = Date.parse(r.time);
    const path = r.target.split('?')[0];
    const tail = convPath.test(r.target) ? path.replace(/^.*\/conversations\/\d+/, '…') : path.replace(/^.*\/applications\/[^/]+/, '…');
    items.push({ t, order: r.sequence * 2, from: 0, to: 1, label: `${r.method} ${tail}`, kind: 'request' });
    items.push({ t: t + r.latencyMs, order: r.sequence * 2 + 1, from: 1, to: 0, label: r.status === 0 ? `fault ${r.outcome}` : `${r.status} ${r.outcome || ''}`.trim(),
      kind: 'answer' + (r.status >= 400 || r.status === 0 ? ' bad' : '') });
  }
  // Event channel (user flavour): the application's P-GETs answered with events while it lasted.
  for (const r of state.rows) {
    if (r.application !== c.application || r.method !== 'GET' || !/\/events(\?|$)/.test(r.target) || r.outcome !== 'events') continue;
    const t = Date.parse(r.time) + r.latencyMs;
    if (!times.length || t < start || t > end) continue;
    items.push({ t, order: r.sequence * 2 + 1, from: 2, to: 0, label: `events (ack ${(r.target.match(/ack=(\d+)/) || [])[1] || '?'})`, kind: 'event' });
  }
  // On the same millisecond the client's request goes first: it is what made the mock send.
  attempts.forEach((a, k) => {
    const t = Date.parse(a.time);
    const label = `${a.kind === 'probe' ? 'probe' : 'callback'} #${a.attempt}${a.attempt > 1 ? ' (retry)' : ''}${eventSummary(a.document)}`;
    const order = Number.MAX_SAFE_INTEGER / 2 + k * 2;
    items.push({ t, order, from: 1, to: 2, label, kind: 'event', doc: a.document || '' });
    const answer = a.answered ? (a.status ? `${a.status}` : a.error || 'no answer') : 'in flight';
    items.push({ t: t + (a.tookMs || 0), order: order + 1, from: 2, to: 1, label: `${answer} · ${a.tookMs} ms${a.error ? ' – ' + a.error : ''}`,
      kind: 'answer' + (a.error || a.status >= 400 ? ' bad' : '') });
  });
  items.sort((x, y) => x.t - y.t || x.order - y.order);
  // The person's messages: in order, each placed after the last item before it when unknown.
  const messages = [];
  for (const m of c.messages || []) {
    const fromPerson = c.direction === 'Incoming' ? m.direction === 'Incoming' : m.direction === 'Incoming';
    messages.push({ from: fromPerson ? 3 : 1, to: fromPerson ? 1 : 3, label: `“${short(m.text, 40)}” ${m.status || ''}`, kind: 'message', text: m.text || '' });
  }
  return { items, messages, start };
}

// What a callback carried: ": messagingInvitation started, conversation added".
function eventSummary(doc) {
  let parsed;
  try { parsed = JSON.parse(doc || ''); } catch (e) { return ''; }
  const names = [];
  for (const sender of (parsed && parsed.sender) || [])
    for (const e of sender.events || []) names.push(`${(e.link && e.link.rel) || sender.rel} ${e.type}`);
  return names.length ? ': ' + names.slice(0, 2).join(', ') + (names.length > 2 ? ` +${names.length - 2}` : '') : '';
}

function short(s, n) {
  s = String(s || '');
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag, attrs, ...children) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

function drawSequence(c) {
  $('sequence-note').textContent = `Conversation ${c.id} of application ${c.application}: ${c.direction}, ${c.invitationState}, ${c.conversationState}`;
  const { items, messages, start } = sequenceItems(c);
  // Messages go after the request that sent them (the client's) or before the event that told of them.
  const rows = items.slice();
  let at = rows.length;
  for (const m of messages) {
    if (m.from === 3) {
      // Before the first callback that carries its text (plain, or percent-encoded in a data: URI).
      const forms = [m.text, encodeURIComponent(m.text), encodeURIComponent(m.text).replace(/%20/g, '+')];
      const i = rows.findIndex((r) => r.kind === 'event' && r.doc && !r.placed && forms.some((f) => f && r.doc.includes(f)));
      if (i >= 0) { rows[i].placed = true; rows.splice(i, 0, Object.assign({ t: rows[i].t }, m)); at++; continue; }
    } else {
      const i = rows.findIndex((r) => r.kind === 'request' && /messaging\/messages/.test(r.label) && !r.placed);
      if (i >= 0) {
        rows[i].placed = true;
        const after = rows[i + 1] && rows[i + 1].kind.startsWith('answer') ? i + 2 : i + 1;
        rows.splice(after, 0, Object.assign({ t: rows[after - 1].t }, m));
        at++;
        continue;
      }
    }
    rows.splice(at++, 0, m);
  }
  const lanes = ['client (bot)', 'mock', hasEvents(items) ? 'event channel' : 'callbacks · events', 'person'];
  const width = Math.max(720, $('sequence-wrap').clientWidth - 24);
  const left = 70, laneGap = (width - left - 30 - 80) / (lanes.length - 1);
  const x = (i) => left + 30 + i * laneGap;
  const top = 40, step = 30;
  const height = top + rows.length * step + 30;
  const root = svg('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': `Sequence diagram of conversation ${c.id}: ${rows.length} arrows` });
  root.append(svg('defs', {}, svg('marker', { id: 'tip', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' },
    svg('path', { d: 'M0,0 L10,5 L0,10 z' }))));
  lanes.forEach((name, i) => {
    root.append(svg('line', { class: 'lane', x1: x(i), y1: top - 8, x2: x(i), y2: height - 8 }));
    const head = svg('g', { class: 'head' }, svg('rect', { x: x(i) - 70, y: 4, width: 140, height: 22, rx: 4 }),
      svg('text', { x: x(i), y: 19, 'text-anchor': 'middle' }, name));
    root.append(head);
  });
  rows.forEach((r, k) => {
    const y = top + k * step + 10;
    const g = svg('g', { class: 'arrow ' + r.kind, 'data-order': k });
    if (r.t) g.append(svg('text', { class: 'time', x: 4, y: y + 4 }, `+${Math.max(0, Math.round(r.t - start))} ms`));
    const x1 = x(r.from), x2 = x(r.to);
    g.append(svg('line', { x1, y1: y, x2: x2 + (x2 > x1 ? -2 : 2), y2: y, 'marker-end': 'url(#tip)' }));
    g.append(svg('text', { x: (x1 + x2) / 2, y: y - 4, 'text-anchor': 'middle' }, short(r.label, 56)));
    const title = svg('title', {});
    title.textContent = r.label;
    g.append(title);
    root.append(g);
  });
  $('sequence').replaceChildren(root);
  const steps = c.script && c.script.steps ? c.script.steps : [];
  const box = el('div', { class: 'steps', 'aria-label': 'Person script steps' });
  for (const s of steps) {
    const outcome = s.outcome || 'pending';
    box.append(el('span', { class: 'step ' + outcome, title: s.detail || '', text: `${s.step + 1}. ${s.kind}: ${outcome}${s.detail ? ' – ' + short(s.detail, 60) : ''}` }));
  }
  $('script-steps').replaceChildren(...(steps.length ? [el('h3', { text: `Person script: ${c.verdict || 'running'}` }), box] : []));
}

function hasEvents(items) {
  return items.some((i) => /^events/.test(i.label));
}

// ---- callbacks, channels, scenario, metrics --------------------------------------------------

function renderCallbacks() {
  const body = $('callbacks').tBodies[0];
  const list = state.callbacks.slice(-MAX_CALLBACK_ROWS).reverse();
  body.replaceChildren(...list.map((a) => el('tr', { class: a.attempt > 1 ? 'retry' : '' },
    el('td', { text: clock(a.time) }), el('td', { text: a.application }), el('td', { text: a.conversation }),
    el('td', { text: a.kind }), el('td', { text: a.attempt > 1 ? `${a.attempt} (retry)` : a.attempt }),
    el('td', { class: 's' + String(a.status)[0], text: a.answered ? a.status : '…' }),
    el('td', { class: 'num', text: a.tookMs }), el('td', { class: 'num', text: a.lateMs }),
    el('td', { class: 'mono', text: a.url, title: a.url }), el('td', { class: 's4', text: a.error, title: a.error }))));
  $('count-callbacks').textContent = state.callbacks.length;
  const s = state.callbackSummary || {};
  const retries = state.callbacks.filter((a) => a.attempt > 1).length;
  $('callback-note').textContent = `${state.callbacks.length} attempts, ${retries} retries · pending ${s.pending || 0} · dropped ${s.dropped || 0}` +
    (s.connections ? ` · connections opened ${s.connections.opened}, reused ${s.connections.reused}` : '');
}

function renderChannels() {
  const list = state.channels || [];
  $('channels').tBodies[0].replaceChildren(...list.map((c) => el('tr', {},
    el('td', { text: c.application }), el('td', { text: c.held ? 'held (P-GET waiting)' : '—' }),
    el('td', { class: 'num', text: c.backlog }), el('td', { class: 'num', text: c.nextAck }))));
  $('count-channels').textContent = list.length;
}

function renderScenario() {
  const s = state.scenario || {};
  const list = state.scenarios || {};
  $('scenario-name').textContent = s.name || '?';
  $('queued').textContent = list.queued || 0;
  $('scenario-current').textContent = JSON.stringify(s, null, 2);
  const select = $('shipped');
  const names = list.shipped || [];
  // Filled once: a later refresh must not change what the user picked.
  if (select.options.length !== names.length) {
    select.replaceChildren(...names.map((n) => el('option', { value: n, text: n })));
    if (names.includes(s.name)) select.value = s.name;
  }
}

function renderMetrics() {
  const lines = (state.metrics || '').split('\n').filter((l) => l && !l.startsWith('#'));
  $('metrics').tBodies[0].replaceChildren(...lines.slice(0, 400).map((l) => {
    const i = l.lastIndexOf(' ');
    return el('tr', {}, el('td', { class: 'mono', text: l.slice(0, i), title: l.slice(0, i) }), el('td', { class: 'num', text: l.slice(i + 1) }));
  }));
}

// ---- actions -----------------------------------------------------------------------------

function show(id, ok, text) {
  const p = $(id);
  p.className = 'result ' + (ok ? 'ok' : 'bad');
  p.textContent = text;
}

function errorText(r) {
  const b = r.body || {};
  return `${r.status} ${b.code || ''}${b.subcode ? '/' + b.subcode : ''}: ${b.message || ''}`;
}

async function putScenario(doc, label) {
  const r = await apiJson(withApp('/__admin/scenario'), { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: doc });
  show('scenario-result', r.ok, r.ok ? `Scenario ${r.body.name || label} in force${state.app ? ' for application ' + state.app : ''}.` : errorText(r));
  state.stale.add('scenario');
  fetchStale();
}

$('scenario-shipped').addEventListener('submit', (e) => {
  e.preventDefault();
  putScenario(JSON.stringify({ name: $('shipped').value }), $('shipped').value);
});
$('scenario-doc').addEventListener('submit', (e) => {
  e.preventDefault();
  const text = $('scenario-text').value;
  try { JSON.parse(text); } catch (err) { show('scenario-result', false, `Not JSON: ${err.message}`); return; }
  putScenario(text, 'document');
});
$('outcomes-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  let outcomes;
  try { outcomes = JSON.parse($('outcomes-text').value); } catch (err) { show('outcomes-result', false, `Not JSON: ${err.message}`); return; }
  if (!Array.isArray(outcomes)) outcomes = [outcomes];
  const r = await apiJson(withApp('/__admin/outcomes'), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ outcomes }) });
  show('outcomes-result', r.ok, r.ok ? `${r.body.queued} queued, ${r.body.pending} waiting.` : errorText(r));
  state.stale.add('scenario');
  fetchStale();
});
$('incoming-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  if (!state.app) { show('incoming-result', false, 'Choose an application first.'); return; }
  const body = JSON.stringify({ from: $('incoming-from').value, message: $('incoming-message').value });
  const r = await apiJson(withApp('/__admin/incoming'), { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
  show('incoming-result', r.ok, r.ok ? `Started: ${JSON.stringify(r.body)}` : errorText(r));
});
$('reset').addEventListener('click', async () => {
  const what = state.app ? `application ${state.app}` : 'every application';
  if (!confirm(`Reset ${what}: journal, queued outcomes, conversations, callbacks and scenario?`)) return;
  const r = await apiJson(withApp('/__admin/reset'), { method: 'POST' });
  if (r.ok) { state.rows = state.rows.filter((x) => state.app && x.application !== state.app); state.dirty.add('journal-all'); schedule(); }
  setLive(r.ok, r.ok ? `reset ${what}` : errorText(r));
});

async function download(path, name) {
  const res = await api(withApp(path));
  const blob = await res.blob();
  const a = el('a', { href: URL.createObjectURL(blob), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}
$('download-journal').addEventListener('click', () => download('/__admin/requests?limit=5000', 'journal.json'));
$('download-har').addEventListener('click', () => download('/__admin/requests.har?limit=5000', 'journal.har'));

$('app').addEventListener('change', () => {
  state.app = $('app').value;
  state.rows = []; // the stream sends the newest rows of the new choice again
  state.after = 0; state.seq = 0; state.skipped = 0; state.conversationOffset = 0;
  state.selectedConversation = null;
  state.dirty.add('journal-all');
  refreshAll();
});

// ---- tabs (arrow keys move between them) -------------------------------------------------------

function currentTab() {
  const t = document.querySelector('[role=tab][aria-selected=true]');
  return t ? t.id.replace('tab-', '') : 'journal';
}

function selectTab(tab) {
  for (const t of document.querySelectorAll('[role=tab]')) {
    const on = t === tab;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
    $(t.getAttribute('aria-controls')).hidden = !on;
  }
  const name = currentTab();
  const needs = { conversations: ['conversations', 'callbacks'], callbacks: ['callbacks'], channels: ['channels'], control: ['scenario'], metrics: ['metrics'], journal: [] };
  for (const t of needs[name]) state.stale.add(t);
  fetchStale();
}

for (const t of document.querySelectorAll('[role=tab]')) {
  t.addEventListener('click', () => selectTab(t));
  t.addEventListener('keydown', (e) => {
    const tabs = Array.from(document.querySelectorAll('[role=tab]'));
    const i = tabs.indexOf(t);
    let next = null;
    if (e.key === 'ArrowRight') next = tabs[(i + 1) % tabs.length];
    else if (e.key === 'ArrowLeft') next = tabs[(i - 1 + tabs.length) % tabs.length];
    if (next) { e.preventDefault(); selectTab(next); next.focus(); }
  });
}

refreshAll();
