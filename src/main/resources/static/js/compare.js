// /compare: four subscribers of one room (short polling, long polling, SSE, WebSocket),
// one publisher, latency measured on this browser's clock (performance.now() at the
// publish call → each panel's arrival of the same nonce). The four clients are the same
// modules the technique pages use (clients/*.js): one backoff, one de-duplication by id,
// one gap handling. The recovery drill drops every connection of the room on the server
// and shows, per panel, how the technique came back. User text goes in with textContent only.
import { ROOM_PATTERN, ROOM_RULE, appUrl, el, fieldError, formatBytes, numberField, randomId } from './common.js';
import { lastId } from './clients/client.js';
import { LongPollingClient, newClientId } from './clients/longpolling.js';
import { PollingClient } from './clients/polling.js';
import { SseClient } from './clients/sse.js';
import { ChatClient } from './clients/websocket.js';
import { stallWatch } from './stall.js';

const page = document.getElementById('page');
const controls = page.querySelector('[data-role="controls"]');
const publishedNode = page.querySelector('[data-role="published"]');
const tickerState = page.querySelector('[data-role="ticker-state"]');
const errorNode = page.querySelector('[data-role="error"]');
const tickerButton = controls.querySelector('[data-action="ticker"]');
const drillState = page.querySelector('[data-role="drill-state"]');
const costTable = page.querySelector('[data-role="cost-table"]');

const TECHNIQUES = ['polling', 'longpolling', 'sse', 'websocket'];
/** How each technique gets back what it missed after a drop. */
const RECOVERY = { polling: 'the next short poll', longpolling: 'the long-poll after cursor',
  sse: 'Last-Event-ID', websocket: 'history on rejoin' };
/** A technique that has not noticed a drop within this long was not dropped (nothing open). */
const DROP_NOTICE_MS = 8000;
const COLORS = { polling: '#d9822b', longpolling: '#8e44ad', sse: '#1f9d8a', websocket: '#2454d6' };
// the names the panels' headings use, for the chart's legend
const NAMES = { polling: 'Short polling', longpolling: 'Long polling', sse: 'Server-Sent Events', websocket: 'WebSocket' };
const session = randomId().replace(/[^A-Za-z0-9]/g, '').slice(0, 10);
/** Below this chart width (px) a chart is laid out for a phone: legend below, fewer ticks, shorter titles. */
const NARROW_CHART = 480;

/**
 * Fits a chart's legend, ticks and axis titles to its width; Chart.js calls it on every
 * resize (onResize), so it holds when a phone turns or a window narrows.
 */
function fitChart(chart, { width }) {
  const narrow = width < NARROW_CHART;
  const { options } = chart;
  const font = { size: narrow ? 11 : 12 };
  options.plugins.legend.position = narrow ? 'bottom' : 'top';
  options.plugins.legend.labels = { boxWidth: narrow ? 12 : 30, boxHeight: narrow ? 8 : 12, padding: narrow ? 8 : 10, font };
  for (const scale of Object.values(options.scales)) {
    scale.ticks.maxTicksLimit = narrow ? scale.ticks.narrowLimit : scale.ticks.wideLimit;
    scale.ticks.font = font;
    scale.title.text = narrow ? scale.title.short : scale.title.long;
    scale.title.font = font;
  }
}

/** Options of a responsive chart whose layout follows its width (fitChart). */
function fittedOptions(options) {
  return { ...options, animation: false, responsive: true, maintainAspectRatio: false, onResize: fitChart };
}

/** What this page published: nonce → { seq, t0 }. */
let sent = new Map();
let seq = 0;
/** The newest id this page knows of in the room (its own publishes, any panel's arrivals). */
let newestId = 0;
/** Drops asked for in this run. */
let drops = 0;
/** /api/stats when the run started, to show the run's share of the server's figures. */
let statsAtStart = null;
/** Runs started (a Reset or a room change starts a new one). */
let runs = 0;
let ticker = null;
let room = controls.elements.room.value;

/** The number settings: each within its field's min and max; a refused value is shown next to its field and not used. */
const settings = Object.fromEntries(['rate', 'count', 'payload', 'interval', 'timeout']
  .map((name) => [name, numberField(controls.elements[name])]));

function setting(name) {
  return settings[name].value();
}

/** Whether the Room field holds a valid room; if not, says so next to it (nothing is published meanwhile). */
function roomFieldValid() {
  if (ROOM_PATTERN.test(controls.elements.room.value)) {
    return true;
  }
  fieldError(controls.elements.room, `Room: must be ${ROOM_RULE}; the panels stay on ${room} `
    + 'and nothing is published until it is valid.');
  return false;
}

function percentile(sorted, p) {
  if (sorted.length === 0) {
    return null;
  }
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** One panel: its counters, its latency chart, its message list, its drills. */
class Panel {
  constructor(technique) {
    this.technique = technique;
    this.root = page.querySelector(`[data-panel="${technique}"]`);
    this.list = this.root.querySelector('[data-role="messages"]');
    this.drillList = this.root.querySelector('[data-role="drills"]');
    this.chart = new Chart(this.root.querySelector('[data-role="chart"]'), {
      type: 'line',
      data: { labels: [], datasets: [{ label: 'latency (ms)', data: [], borderColor: COLORS[technique],
        backgroundColor: COLORS[technique], pointRadius: 2, borderWidth: 1.5, tension: 0.2 }] },
      options: fittedOptions({
        plugins: { legend: { display: false } },
        scales: { x: { title: { display: true, long: 'message', short: 'message' }, ticks: { wideLimit: 8, narrowLimit: 5 } },
          y: { beginAtZero: true, title: { display: true, long: 'latency (ms)', short: 'ms' },
            ticks: { wideLimit: 6, narrowLimit: 4 } } },
      }),
    });
    this.client = null;
    this.reset();
  }

  reset() {
    this.latencies = [];
    this.ids = [];
    this.seen = new Set();
    this.duplicated = 0;
    this.missing = 0;
    this.gaps = [];
    this.drills = [];
    this.chart.data.labels = [];
    this.chart.data.datasets[0].data = [];
    this.chartDirty = true;
    this.list.replaceChildren();
    this.drillList.replaceChildren();
    this.drillList.hidden = true;
  }

  /** The browser's cost of this panel's client: requests, bytes received, connections open now. */
  get cost() {
    return this.client ? this.client.cost : { requests: 0, bytes: 0, open: 0 };
  }

  status(text, kind = '') {
    const node = this.root.querySelector('[data-role="status"]');
    node.textContent = text;
    node.className = `status ${kind}`;
  }

  /** A message arrived on this panel's client (once per id: the client de-duplicates). */
  receive(message, via) {
    const now = performance.now();
    const key = `${message.room}:${message.id}`;
    if (this.seen.has(key)) {
      this.duplicated++;
      return;
    }
    this.seen.add(key);
    this.ids.push(message.id);
    newestId = Math.max(newestId, message.id);
    for (const drill of this.drills) {
      drill.receive(message, via);
    }
    const mine = message.nonce ? sent.get(message.nonce) : undefined;
    const item = el('li', mine ? 'mine' : '');
    item.dataset.id = message.id;
    item.append(el('span', 'id', `#${message.id}`), el('span', 'from', message.from), el('span', 'text', message.text));
    if (mine) {
      const latency = now - mine.t0;
      this.latencies.push({ seq: mine.seq, id: message.id, latency, nonce: message.nonce });
      this.chart.data.labels.push(mine.seq);
      this.chart.data.datasets[0].data.push(Math.round(latency * 10) / 10);
      if (this.chart.data.labels.length > 300) {
        this.chart.data.labels.shift();
        this.chart.data.datasets[0].data.shift();
      }
      this.chartDirty = true;
      item.append(el('span', 'meta', `${latency.toFixed(1)} ms`));
    }
    this.list.append(item);
    while (this.list.children.length > 30) {
      this.list.firstElementChild.remove();
    }
    this.list.scrollTop = this.list.scrollHeight;
  }

  /** Messages received twice: dropped by the client (at or below its cursor) or, failing that, by the panel. */
  duplicates() {
    return this.duplicated + (this.client ? this.client.duplicates() : 0);
  }

  /** The client reported ids from..to as gone for good. */
  gap(from, to) {
    this.missing += to - from + 1;
    this.gaps.push({ from, to });
    for (const drill of this.drills) {
      drill.gap(from, to);
    }
    this.list.append(el('li', 'system gap', `gap: #${from}–#${to} no longer retained (${to - from + 1} missing)`));
  }

  /** The server lost the room's log and numbers it from 1 again: its ids are new messages. */
  restart(cursor, last) {
    this.seen.clear();
    this.list.append(el('li', 'system gap', `server restarted: the room's ids end at #${last} (this panel had #${cursor}); `
      + 'reading it again from #1'));
  }

  render() {
    const sorted = this.latencies.map((entry) => entry.latency).sort((a, b) => a - b);
    const received = new Set(this.latencies.map((entry) => entry.nonce));
    const grace = 2 * setting('interval') + 3000;
    const now = performance.now();
    let lost = 0;
    for (const [nonce, entry] of sent) {
      if (!received.has(nonce) && now - entry.t0 > grace) {
        lost++;
      }
    }
    const format = (value) => (value === null ? '—' : value.toFixed(1));
    const set = (name, value) => {
      this.root.querySelector(`[data-stat="${name}"]`).textContent = String(value);
    };
    this.lost = lost;
    set('received', this.latencies.length);
    set('lost', lost);
    set('duplicated', this.duplicates());
    set('p50', format(percentile(sorted, 50)));
    set('p95', format(percentile(sorted, 95)));
    set('max', format(sorted.length ? sorted[sorted.length - 1] : null));
    const gapNode = this.root.querySelector('[data-stat="gap"]');
    gapNode.textContent = this.missing > 0 ? `gap: ${this.missing} missing` : '';
    gapNode.hidden = this.missing === 0;
    this.root.querySelector('[data-cost="requests"]').textContent = String(this.cost.requests);
    this.root.querySelector('[data-cost="bytes"]').textContent = formatBytes(this.cost.bytes);
    this.root.querySelector('[data-cost="open"]').textContent = String(this.cost.open);
    for (const drill of this.drills) {
      drill.render();
    }
    if (this.chartDirty) {
      this.chart.update('none');
      this.chartDirty = false;
    }
  }
}

/**
 * One drop as one panel lived it. The outage runs from the moment the client noticed the
 * drop (for short polling, which holds no connection, the click) to the moment it was back:
 * `from` is its cursor then, `to` the newest id published when it came back, so the ids
 * from+1..to were published while it was away. It is settled when the client's cursor
 * reaches `to`: each of those ids then came back (counted with how) or was reported as a gap.
 */
class Drill {
  constructor(panel, number) {
    this.panel = panel;
    this.number = number;
    this.clickedAt = performance.now();
    this.downAt = null;
    this.upAt = null;
    this.from = null;
    this.to = null;
    this.back = 0;
    this.resynced = 0;
    this.lost = 0;
    this.duplicatesAtStart = panel.client.duplicates();
    this.duplicated = 0;
    this.settled = false;
    this.outcome = null; // 'not-dropped' or 'failed': nothing to follow
    this.node = el('li', 'drill');
    this.node.dataset.drill = String(number);
    panel.drillList.append(this.node);
    panel.drillList.hidden = false;
    if (panel.technique === 'polling') {
      this.down(cursorOf(panel));
    }
  }

  down(cursor) {
    if (this.downAt === null && !this.settled) {
      this.downAt = this.panel.technique === 'polling' ? this.clickedAt : performance.now();
      this.from = cursor ?? 0;
    }
  }

  up() {
    if (this.downAt !== null && this.upAt === null) {
      this.upAt = performance.now();
      this.to = Math.max(newestId, cursorOf(this.panel) ?? 0, this.from);
    }
  }

  inOutage(id) {
    return this.from !== null && id > this.from && (this.to === null || id <= this.to);
  }

  receive(message, via) {
    if (!this.settled && this.inOutage(message.id)) {
      this.back++;
      if (via === 'resync') {
        this.resynced++;
      }
    }
  }

  gap(from, to) {
    if (this.settled || this.from === null) {
      return;
    }
    const low = Math.max(from, this.from + 1);
    const high = this.to === null ? to : Math.min(to, this.to);
    if (high >= low) {
      this.lost += high - low + 1;
    }
  }

  /** Ends the drill without an outage to follow (nothing was open, or the drop failed). */
  end(outcome, text) {
    this.settled = true;
    this.outcome = outcome;
    this.node.dataset.state = outcome;
    this.node.textContent = text;
  }

  render() {
    const client = this.panel.client;
    if (this.outcome) {
      return;
    }
    if (!this.settled) {
      this.duplicated = client.duplicates() - this.duplicatesAtStart;
      if (this.downAt === null && performance.now() - this.clickedAt > DROP_NOTICE_MS) {
        this.end('not-dropped', `Drop ${this.number}: nothing of this technique was open to drop; `
          + 'its next request started from its cursor as always.');
        return;
      }
      if (this.upAt !== null && (cursorOf(this.panel) ?? 0) >= this.to) {
        this.settled = true;
      }
    }
    const away = this.to === null ? null : this.to - this.from;
    const data = this.node.dataset;
    data.state = this.settled ? 'settled' : this.upAt !== null ? 'catching-up' : this.downAt !== null ? 'away' : 'dropping';
    data.from = this.from ?? '';
    data.to = this.to ?? '';
    data.away = away ?? '';
    data.back = this.back;
    data.resynced = this.resynced;
    data.lost = this.lost;
    data.duplicated = this.duplicated;
    data.reconnectMs = this.upAt === null ? '' : Math.round(this.upAt - this.downAt);
    const parts = [`Drop ${this.number}:`];
    if (this.downAt === null) {
      parts.push('dropping…');
    }
    else if (this.upAt === null) {
      parts.push(`away for ${((performance.now() - this.downAt) / 1000).toFixed(1)} s…`);
    }
    else {
      parts.push(`back in ${((this.upAt - this.downAt) / 1000).toFixed(2)} s ·`,
        `${away} published while away ·`,
        `${this.back} got back by ${RECOVERY[this.panel.technique]}`
          + (this.resynced > 0 ? ` (${this.resynced} of them by a short-poll re-sync)` : '') + ' ·',
        `${this.lost} lost · ${this.duplicated} duplicated`);
      if (!this.settled) {
        parts.push('(catching up…)');
      }
    }
    this.node.replaceChildren(el('span', '', parts.join(' ')));
    if (this.lost > 0) {
      this.node.classList.add('gap');
      this.node.append(' ', el('strong', 'gap-badge', `gap: ${this.lost} missing, no longer retained`));
    }
  }

  toJSON() {
    return { drop: this.number, state: this.outcome || this.node.dataset.state, from: this.from, to: this.to,
      away: this.to === null ? null : this.to - this.from, back: this.back, resynced: this.resynced,
      lost: this.lost, duplicated: this.duplicated, how: RECOVERY[this.panel.technique],
      reconnectMs: this.upAt === null ? null : Math.round(this.upAt - this.downAt) };
  }
}

const panels = Object.fromEntries(TECHNIQUES.map((technique) => [technique, new Panel(technique)]));
const longPollClientId = newClientId(`cmp-${session}-`).slice(0, 40);
const chatUser = `cmp-${session}`.slice(0, 32);
const sseStall = stallWatch(panels.sse.root.querySelector('h2'), 'SSE stream');

/** The client of a technique, with the same face for all four (the WebSocket one serves one room here). */
function newClient(technique, startRoom, cursor) {
  switch (technique) {
    case 'polling':
      return new PollingClient({ room: startRoom, cursor, interval: () => setting('interval') });
    case 'longpolling':
      return new LongPollingClient({ room: startRoom, cursor, client: longPollClientId,
        timeout: () => setting('timeout') });
    case 'sse':
      return new SseClient({ room: startRoom, cursor });
    default: {
      const chat = new ChatClient({ user: chatUser });
      chat.join(startRoom, cursor);
      return chat;
    }
  }
}

/** The status text a panel shows for a client state. */
function statusOf(technique, { state, wait, error, auto, code }) {
  const seconds = wait === undefined ? '' : ` in ${(wait / 1000).toFixed(1)} s`;
  if (state === 'open') {
    return [{ polling: `every ${setting('interval')} ms`, longpolling: 'parked',
      sse: 'stream open', websocket: 'connected' }[technique], 'ok'];
  }
  if (state === 'connecting') {
    return ['connecting', 'warn'];
  }
  if (state === 'retrying') {
    if (auto) {
      return ['reconnecting (Last-Event-ID)', 'warn'];
    }
    return [`${error ? `error: ${error}` : `closed${code ? ` (${code})` : ''}`}; retrying${seconds}`, 'bad'];
  }
  if (state === 'refused') {
    return ['handshake refused', 'bad'];
  }
  if (state === 'name-in-use') {
    return ['name in use', 'bad'];
  }
  return [state, ''];
}

function bind(panel, client) {
  panel.client = client;
  const technique = panel.technique;
  client.on('message', (message, via) => {
    if (message.room === room) {
      panel.receive(message, via);
    }
  });
  client.on('gap', ({ from, to }) => panel.gap(from, to));
  client.on('restart', ({ cursor, last }) => panel.restart(cursor, last));
  let lastClose = null;
  client.on('close', ({ code }) => {
    lastClose = code;
  });
  client.on('state', (event) => {
    const [text, kind] = statusOf(technique, { ...event, code: lastClose });
    panel.status(text, kind);
    if (technique === 'sse') {
      if (event.state === 'open') {
        sseStall.opened();
      }
      else if (event.state === 'connecting') {
        sseStall.start();
      }
    }
    if (technique === 'polling' && event.state === 'open') {
      for (const drill of panel.drills) {
        drill.up();
      }
    }
  });
  client.on('down', () => {
    for (const drill of panel.drills) {
      drill.down(cursorOf(panel));
    }
  });
  client.on('up', () => {
    for (const drill of panel.drills) {
      drill.up();
    }
  });
}

/** A client's cursor in this page's room. */
function cursorOf(panel) {
  const client = panel.client;
  return client instanceof ChatClient ? client.cursor(room) : client.cursor;
}

/** Asks the server to drop every connection of the room, and follows each panel back. */
async function drop() {
  if (!roomFieldValid()) {
    return;
  }
  const number = ++drops;
  const drills = TECHNIQUES.map((technique) => {
    const panel = panels[technique];
    const drill = new Drill(panel, number);
    panel.drills.push(drill);
    return drill;
  });
  drillState.textContent = `· drop ${number}: asking the server…`;
  try {
    const scope = controls.elements.cluster.checked ? '?scope=cluster' : '';
    const response = await fetch(appUrl(`api/rooms/${room}/drop${scope}`), { method: 'POST' });
    const text = await response.text();
    if (!response.ok) {
      let detail = `HTTP ${response.status}`;
      try {
        detail = JSON.parse(text).detail || detail;
      }
      catch (e) {
        // keep the status line
      }
      throw new Error(detail);
    }
    const closed = JSON.parse(text);
    drillState.textContent = `· drop ${number}: the server closed ${closed.sse} SSE stream(s), `
      + `${closed.longpolling} parked long poll(s), ${closed.websocket} WebSocket(s)`
      + (closed.instances === undefined ? '' : ` here; ${closed.instances} instance(s) heard it`);
    drillState.dataset.answer = text;
    if (!scope) {
      // this instance closed none of a technique's connections: nothing of it to follow
      drills.forEach((drill, index) => {
        const technique = TECHNIQUES[index];
        if (technique !== 'polling' && closed[technique] === 0 && drill.downAt === null) {
          drill.end('not-dropped', `Drop ${number}: the server had no ${technique === 'longpolling'
            ? 'parked long poll' : 'connection'} in this room to close; the next request started from the `
            + 'cursor as always.');
        }
      });
    }
  }
  catch (e) {
    drillState.textContent = `· drop ${number} failed: ${e.message}`;
    for (const drill of drills) {
      drill.end('failed', `Drop ${number} failed: ${e.message}`);
    }
  }
}

/** One chart for the four: each technique's latency distribution (percentile against ms), live. */
const distribution = new Chart(page.querySelector('[data-role="cdf-chart"]'), {
  type: 'line',
  data: { datasets: TECHNIQUES.map((technique) => ({ label: NAMES[technique], data: [], borderColor: COLORS[technique],
    backgroundColor: COLORS[technique], pointRadius: 0, borderWidth: 2, stepped: true })) },
  options: fittedOptions({
    parsing: false,
    plugins: { legend: {} },
    scales: { x: { type: 'linear', beginAtZero: true, title: { display: true, long: 'latency (ms)', short: 'latency (ms)' },
      ticks: { wideLimit: 11, narrowLimit: 5 } },
    y: { min: 0, max: 100, title: { display: true, long: 'percentile of messages (%)', short: '% of messages' },
      ticks: { stepSize: 25, wideLimit: 5, narrowLimit: 5 } } },
  }),
});
const drawn = {};

function renderDistribution() {
  let changed = false;
  TECHNIQUES.forEach((technique, index) => {
    const latencies = panels[technique].latencies;
    if (drawn[technique] === latencies.length) {
      return;
    }
    drawn[technique] = latencies.length;
    const sorted = latencies.map((entry) => entry.latency).sort((a, b) => a - b);
    distribution.data.datasets[index].data = sorted.map((latency, i) => ({ x: Math.round(latency * 10) / 10,
      y: Math.round(((i + 1) / sorted.length) * 1000) / 10 }));
    changed = true;
  });
  if (changed) {
    distribution.update('none');
  }
}

/** The run as data: settings, and per technique its counters, cost and every latency. */
function runData() {
  const round = (value) => (value === null ? null : Math.round(value * 10) / 10);
  return {
    room, exportedAt: new Date().toISOString(), published: seq,
    settings: { rate: setting('rate'), payload: setting('payload'),
      interval: setting('interval'), timeout: setting('timeout') },
    techniques: Object.fromEntries(TECHNIQUES.map((technique) => {
      const panel = panels[technique];
      const sorted = panel.latencies.map((entry) => entry.latency).sort((a, b) => a - b);
      return [technique, { received: panel.latencies.length, lost: panel.lost || 0, duplicated: panel.duplicates(),
        p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), max: round(sorted.length ? sorted[sorted.length - 1] : null),
        gapMissing: panel.missing, requests: panel.cost.requests, bytesReceived: panel.cost.bytes,
        ids: panel.ids, drills: panel.drills.map((drill) => drill.toJSON()),
        latencies: panel.latencies.map((entry) => ({ seq: entry.seq, id: entry.id, nonce: entry.nonce,
          ms: round(entry.latency) })) }];
    })),
  };
}

function runCsv(data) {
  const lines = ['technique,seq,nonce,latency_ms'];
  for (const technique of TECHNIQUES) {
    for (const entry of data.techniques[technique].latencies) {
      lines.push(`${technique},${entry.seq},${entry.nonce},${entry.ms}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Downloads the run; the link stays in the page (data-role=export-link) until the next export. */
function download(kind) {
  const data = runData();
  const body = kind === 'json' ? JSON.stringify(data, null, 2) : runCsv(data);
  const link = page.querySelector('[data-role="export-link"]');
  if (link.href) {
    URL.revokeObjectURL(link.href);
  }
  link.href = URL.createObjectURL(new Blob([body], { type: kind === 'json' ? 'application/json' : 'text/csv' }));
  link.download = `pushlab-compare-${room}.${kind}`;
  link.dataset.kind = kind;
  link.click();
}

function showError(message) {
  errorNode.textContent = message;
  errorNode.hidden = !message;
}

/** (Re)starts every panel from the room's current last id, so only new messages count. */
async function startAll() {
  const mine = ++runs;
  Object.values(panels).forEach((panel) => {
    if (panel.client) {
      panel.client.stop();
      panel.client = null;
    }
    panel.reset();
  });
  TECHNIQUES.forEach((technique) => delete drawn[technique]);
  sent = new Map();
  seq = 0;
  drops = 0;
  newestId = 0;
  drillState.textContent = '';
  publishedNode.textContent = '0';
  let cursor = 0;
  try {
    cursor = await lastId(room);
  }
  catch (e) {
    showError(`server unreachable: ${e.message}`);
  }
  if (mine !== runs) {
    return;
  }
  newestId = cursor;
  statsAtStart = await serverStats();
  for (const technique of TECHNIQUES) {
    const client = newClient(technique, room, cursor);
    bind(panels[technique], client);
    client.start();
  }
}

async function publishOne() {
  if (!roomFieldValid()) {
    return;
  }
  const number = ++seq;
  const nonce = `cmp-${session}-${number}`;
  const size = setting('payload');
  const base = `message ${number} `;
  const text = (base + 'x'.repeat(Math.max(0, size - base.length))).slice(0, Math.max(size, 1));
  sent.set(nonce, { seq: number, t0: performance.now() });
  publishedNode.textContent = String(number);
  try {
    const response = await fetch(appUrl(`api/rooms/${room}/messages`), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ from: 'compare', text, nonce }),
    });
    if (!response.ok) {
      const problem = await response.json().catch(() => ({}));
      throw new Error(problem.detail || `HTTP ${response.status}`);
    }
    const stored = await response.json();
    newestId = Math.max(newestId, stored.id);
    showError('');
  }
  catch (e) {
    sent.delete(nonce);
    showError(`publish failed: ${e.message}`);
  }
}

function stopTicker() {
  if (ticker) {
    clearTimeout(ticker);
    ticker = null;
  }
  tickerButton.textContent = 'Start ticker';
  tickerState.textContent = '';
}

function startTicker() {
  if (!roomFieldValid()) {
    return;
  }
  const rate = setting('rate');
  const count = setting('count');
  const period = 1000 / rate;
  const started = performance.now();
  let done = 0;
  tickerButton.textContent = 'Stop ticker';
  tickerState.textContent = `· ticker at ${rate} msg/s for ${count} messages`;
  const tick = () => {
    if (done >= count) {
      stopTicker();
      tickerState.textContent = `· ticker done (${count} messages)`;
      return;
    }
    done++;
    publishOne();
    // schedule against the start time so the rate does not drift
    ticker = setTimeout(tick, Math.max(0, started + done * period - performance.now()));
  };
  tick();
}

tickerButton.addEventListener('click', () => (ticker ? stopTicker() : startTicker()));
controls.querySelector('[data-action="export-json"]').addEventListener('click', () => download('json'));
controls.querySelector('[data-action="export-csv"]').addEventListener('click', () => download('csv'));
controls.querySelector('[data-action="send"]').addEventListener('click', () => publishOne());
controls.querySelector('[data-action="drop"]').addEventListener('click', () => drop());
controls.querySelector('[data-action="reset"]').addEventListener('click', () => {
  stopTicker();
  startAll();
});
controls.elements.room.addEventListener('change', () => {
  if (!roomFieldValid()) {
    stopTicker();
    return;
  }
  fieldError(controls.elements.room, '');
  if (controls.elements.room.value !== room) {
    room = controls.elements.room.value;
    stopTicker();
    startAll();
  }
});

/** The server's per-technique figures (GET /api/stats), or null when it cannot be read. */
async function serverStats() {
  try {
    const response = await fetch(appUrl('api/stats'), { cache: 'no-store' });
    return response.ok ? (await response.json()).techniques : null;
  }
  catch (e) {
    return null;
  }
}

/** Bytes per message as text: bytes / messages, or — before the first message. */
function perMessage(bytes, messages) {
  return messages > 0 ? formatBytes(Math.round(bytes / messages)) : '—';
}

/**
 * The cost table: per technique, what this page's client paid (requests, bytes received per
 * message received, connections open now) beside what the server counted since the run
 * started (requests served, bytes sent per message delivered, connections open now). The
 * server's figures hold every client of the technique on the server, not only this page.
 */
function renderCost(server) {
  for (const technique of TECHNIQUES) {
    const panel = panels[technique];
    const row = costTable.querySelector(`tr[data-technique="${technique}"]`);
    const set = (name, value) => {
      row.querySelector(`[data-cost-cell="${name}"]`).textContent = String(value);
    };
    set('browser-requests', panel.cost.requests);
    set('browser-bytes', perMessage(panel.cost.bytes, panel.ids.length));
    set('browser-open', panel.cost.open);
    const now = server && server[technique];
    const start = statsAtStart && statsAtStart[technique];
    if (now && start) {
      const delivered = now.delivered - start.delivered;
      set('server-requests', now.requests - start.requests);
      set('server-bytes', perMessage(now.bytes - start.bytes, delivered));
      set('server-open', now.open);
    }
  }
}

async function refreshServer() {
  renderCost(await serverStats());
}

const roomParam = new URLSearchParams(location.search).get('room');
if (roomParam && ROOM_PATTERN.test(roomParam)) {
  room = roomParam;
  controls.elements.room.value = roomParam;
}
startAll();
setInterval(() => {
  Object.values(panels).forEach((panel) => panel.render());
  renderDistribution();
}, 250);
setInterval(refreshServer, 1000);
