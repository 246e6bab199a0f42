// /compare: four subscribers of one room (short polling, long polling, SSE, WebSocket),
// one publisher, latency measured on this browser's clock (performance.now() at the
// publish call → each panel's arrival of the same nonce). User text goes in with
// textContent only.
import { ROOM_PATTERN, delay, el, fetchCounted, formatBytes, randomId, utf8Length } from './common.js';
import { stallWatch } from './stall.js';

const page = document.getElementById('page');
const controls = page.querySelector('[data-role="controls"]');
const publishedNode = page.querySelector('[data-role="published"]');
const tickerState = page.querySelector('[data-role="ticker-state"]');
const errorNode = page.querySelector('[data-role="error"]');
const tickerButton = controls.querySelector('[data-action="ticker"]');

const TECHNIQUES = ['polling', 'longpolling', 'sse', 'websocket'];
const COLORS = { polling: '#d9822b', longpolling: '#8e44ad', sse: '#1f9d8a', websocket: '#2454d6' };
const session = randomId().replace(/[^A-Za-z0-9]/g, '').slice(0, 10);

/** What this page published: nonce → { seq, t0 }. */
let sent = new Map();
let seq = 0;
let ticker = null;
let room = controls.elements.room.value;

function setting(name, fallback, min, max) {
  const value = Number(controls.elements[name].value);
  return Number.isFinite(value) && value >= min && value <= max ? value : fallback;
}

function percentile(sorted, p) {
  if (sorted.length === 0) {
    return null;
  }
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** One panel: its counters, its latency chart, its message list. */
class Panel {
  constructor(technique) {
    this.technique = technique;
    this.root = page.querySelector(`[data-panel="${technique}"]`);
    this.list = this.root.querySelector('[data-role="messages"]');
    this.chart = new Chart(this.root.querySelector('[data-role="chart"]'), {
      type: 'line',
      data: { labels: [], datasets: [{ label: 'latency (ms)', data: [], borderColor: COLORS[technique],
        backgroundColor: COLORS[technique], pointRadius: 2, borderWidth: 1.5, tension: 0.2 }] },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: { x: { title: { display: true, text: 'message' }, ticks: { maxTicksLimit: 8 } },
          y: { beginAtZero: true, title: { display: true, text: 'ms' } } },
      },
    });
    this.reset();
  }

  reset() {
    this.latencies = [];
    this.seen = new Set();
    this.duplicated = 0;
    this.cost = { requests: 0, bytes: 0, open: 0 };
    this.chart.data.labels = [];
    this.chart.data.datasets[0].data = [];
    this.chartDirty = true;
    this.list.replaceChildren();
  }

  status(text, kind = '') {
    const node = this.root.querySelector('[data-role="status"]');
    node.textContent = text;
    node.className = `status ${kind}`;
  }

  /** A message arrived on this panel's transport. */
  receive(message) {
    const now = performance.now();
    const key = `${message.room}:${message.id}`;
    if (this.seen.has(key)) {
      this.duplicated++;
      return;
    }
    this.seen.add(key);
    const mine = message.nonce ? sent.get(message.nonce) : undefined;
    const item = el('li', mine ? 'mine' : '');
    item.dataset.id = message.id;
    item.append(el('span', 'id', `#${message.id}`), el('span', 'from', message.from), el('span', 'text', message.text));
    if (mine) {
      const latency = now - mine.t0;
      this.latencies.push({ seq: mine.seq, latency, nonce: message.nonce });
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

  render() {
    const sorted = this.latencies.map((entry) => entry.latency).sort((a, b) => a - b);
    const received = new Set(this.latencies.map((entry) => entry.nonce));
    const grace = 2 * setting('interval', 1000, 100, 60000) + 3000;
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
    set('duplicated', this.duplicated);
    set('p50', format(percentile(sorted, 50)));
    set('p95', format(percentile(sorted, 95)));
    set('max', format(sorted.length ? sorted[sorted.length - 1] : null));
    this.root.querySelector('[data-cost="requests"]').textContent = String(this.cost.requests);
    this.root.querySelector('[data-cost="bytes"]').textContent = formatBytes(this.cost.bytes);
    this.root.querySelector('[data-cost="open"]').textContent = String(this.cost.open);
    if (this.chartDirty) {
      this.chart.update('none');
      this.chartDirty = false;
    }
  }

  server(figures) {
    this.root.querySelector('[data-server="open-requests"]').textContent = `${figures.open} / ${figures.requests}`;
    this.root.querySelector('[data-server="delivered"]').textContent = String(figures.delivered);
    this.root.querySelector('[data-server="bytes"]').textContent = formatBytes(figures.bytes);
  }
}

/** Short polling: a request every interval for messages after the cursor. */
class PollingTransport {
  constructor(panel) {
    this.panel = panel;
    this.generation = 0;
  }

  start(startRoom, cursor) {
    this.stop();
    const run = this.generation;
    this.cursor = cursor;
    this.panel.status('polling', 'ok');
    const loop = async () => {
      while (run === this.generation) {
        try {
          this.panel.cost.open = 1;
          const { response, text, bytes } = await fetchCounted(`/api/rooms/${startRoom}/messages?after=${this.cursor}`);
          this.panel.cost.open = 0;
          if (run !== this.generation) {
            return;
          }
          this.panel.cost.requests++;
          this.panel.cost.bytes += bytes;
          if (!response.ok) {
            throw new Error(`HTTP ${response.status}`);
          }
          const data = JSON.parse(text);
          for (const message of data.messages) {
            this.panel.receive(message);
            this.cursor = Math.max(this.cursor, message.id);
          }
          this.panel.status(`every ${setting('interval', 1000, 100, 60000)} ms`, 'ok');
          if (data.messages.length >= 100) {
            continue;
          }
        }
        catch (e) {
          this.panel.cost.open = 0;
          this.panel.status(`error: ${e.message}`, 'bad');
        }
        await delay(setting('interval', 1000, 100, 60000));
      }
    };
    loop();
  }

  stop() {
    this.generation++;
  }
}

/** Long polling: one parked request at a time, re-sent at once with the new cursor. */
class LongPollingTransport {
  constructor(panel) {
    this.panel = panel;
    this.generation = 0;
    this.client = `cmp-${session}-${randomId().replace(/[^A-Za-z0-9]/g, '').slice(0, 8)}`;
  }

  start(startRoom, cursor) {
    this.stop();
    const run = this.generation;
    this.cursor = cursor;
    const loop = async () => {
      let failures = 0;
      while (run === this.generation) {
        this.controller = new AbortController();
        try {
          this.panel.cost.open = 1;
          this.panel.status('parked', 'ok');
          const url = `/api/rooms/${startRoom}/longpoll?client=${this.client}&after=${this.cursor}`
            + `&timeout=${setting('timeout', 25000, 1000, 25000)}`;
          const { response, text, bytes } = await fetchCounted(url, { signal: this.controller.signal });
          this.panel.cost.open = 0;
          if (run !== this.generation) {
            return;
          }
          this.panel.cost.requests++;
          this.panel.cost.bytes += bytes;
          failures = 0;
          if (response.status === 204) {
            continue;
          }
          if (!response.ok) {
            throw new Error(`HTTP ${response.status}`);
          }
          for (const message of JSON.parse(text).messages) {
            this.panel.receive(message);
            this.cursor = Math.max(this.cursor, message.id);
          }
        }
        catch (e) {
          this.panel.cost.open = 0;
          if (run !== this.generation || e.name === 'AbortError') {
            return;
          }
          failures++;
          this.panel.status(`error: ${e.message}; retrying`, 'bad');
          await delay(Math.min(10000, 250 * 2 ** failures));
        }
      }
    };
    loop();
  }

  stop() {
    this.generation++;
    if (this.controller) {
      this.controller.abort();
    }
    this.panel.cost.open = 0;
  }
}

/** Server-Sent Events: one EventSource from the cursor. */
class SseTransport {
  constructor(panel) {
    this.panel = panel;
    this.generation = 0;
  }

  start(startRoom, cursor) {
    this.stop();
    this.source = new EventSource(`/api/rooms/${startRoom}/events?lastEventId=${cursor}`);
    this.panel.cost.requests++;
    this.panel.status('connecting', 'warn');
    this.stall = this.stall || stallWatch(this.panel.root.querySelector('h2'), 'SSE stream');
    this.stall.start();
    this.source.addEventListener('open', () => {
      this.stall.opened();
      this.panel.cost.open = 1;
      this.panel.status('stream open', 'ok');
    });
    this.source.addEventListener('message', (event) => {
      // id:, event: and data: lines as they came on the wire
      this.panel.cost.bytes += utf8Length(event.data) + utf8Length(event.lastEventId) + 30;
      this.panel.receive(JSON.parse(event.data));
    });
    this.source.addEventListener('error', () => {
      this.panel.cost.open = 0;
      if (this.source.readyState === EventSource.CONNECTING) {
        this.panel.cost.requests++;
        this.panel.status('reconnecting', 'warn');
      }
      else {
        this.panel.status('closed', 'bad');
      }
    });
  }

  stop() {
    if (this.stall) {
      this.stall.opened();
    }
    if (this.source) {
      this.source.close();
      this.source = null;
    }
    this.panel.cost.open = 0;
  }
}

/** WebSocket: join the room on /ws/chat and receive chat frames; reconnect with backoff. */
class WebSocketTransport {
  constructor(panel) {
    this.panel = panel;
    this.generation = 0;
    this.user = `cmp-${session}`.slice(0, 32);
  }

  start(startRoom) {
    this.stop();
    const run = this.generation;
    let failures = 0;
    const connect = () => {
      if (run !== this.generation) {
        return;
      }
      const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
      const socket = new WebSocket(`${scheme}://${location.host}/ws/chat?user=${encodeURIComponent(this.user)}`);
      this.socket = socket;
      this.panel.cost.requests++;
      this.panel.status('connecting', 'warn');
      socket.addEventListener('open', () => {
        failures = 0;
        this.panel.cost.open = 1;
        this.panel.status('connected', 'ok');
        socket.send(JSON.stringify({ type: 'join', room: startRoom }));
      });
      socket.addEventListener('message', (event) => {
        this.panel.cost.bytes += utf8Length(event.data) + (event.data.length > 125 ? 4 : 2);
        const frame = JSON.parse(event.data);
        if (frame.type === 'chat' && frame.room === startRoom) {
          this.panel.receive(frame);
        }
        else if (frame.type === 'error') {
          this.panel.status(`error: ${frame.code}`, 'bad');
        }
      });
      socket.addEventListener('close', (event) => {
        this.panel.cost.open = 0;
        if (run !== this.generation) {
          return;
        }
        failures++;
        this.panel.status(`closed (${event.code}); reconnecting`, 'bad');
        setTimeout(connect, Math.min(10000, 250 * 2 ** failures));
      });
    };
    connect();
  }

  stop() {
    this.generation++;
    if (this.socket) {
      this.socket.close(1000, 'reset');
      this.socket = null;
    }
    this.panel.cost.open = 0;
  }
}

const panels = Object.fromEntries(TECHNIQUES.map((technique) => [technique, new Panel(technique)]));
const transports = {
  polling: new PollingTransport(panels.polling),
  longpolling: new LongPollingTransport(panels.longpolling),
  sse: new SseTransport(panels.sse),
  websocket: new WebSocketTransport(panels.websocket),
};

/** One chart for the four: each technique's latency distribution (percentile against ms), live. */
const distribution = new Chart(page.querySelector('[data-role="cdf-chart"]'), {
  type: 'line',
  data: { datasets: TECHNIQUES.map((technique) => ({ label: technique, data: [], borderColor: COLORS[technique],
    backgroundColor: COLORS[technique], pointRadius: 0, borderWidth: 2, stepped: true })) },
  options: {
    animation: false, responsive: true, maintainAspectRatio: false, parsing: false,
    scales: { x: { type: 'linear', beginAtZero: true, title: { display: true, text: 'latency (ms)' } },
      y: { min: 0, max: 100, title: { display: true, text: 'percentile of messages (%)' } } },
  },
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
    settings: { rate: setting('rate', 5, 1, 50), payload: setting('payload', 32, 1, 2000),
      interval: setting('interval', 1000, 100, 60000), timeout: setting('timeout', 25000, 1000, 25000) },
    techniques: Object.fromEntries(TECHNIQUES.map((technique) => {
      const panel = panels[technique];
      const sorted = panel.latencies.map((entry) => entry.latency).sort((a, b) => a - b);
      return [technique, { received: panel.latencies.length, lost: panel.lost || 0, duplicated: panel.duplicated,
        p50: round(percentile(sorted, 50)), p95: round(percentile(sorted, 95)), max: round(sorted.length ? sorted[sorted.length - 1] : null),
        requests: panel.cost.requests, bytesReceived: panel.cost.bytes,
        latencies: panel.latencies.map((entry) => ({ seq: entry.seq, nonce: entry.nonce, ms: round(entry.latency) })) }];
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
  Object.values(transports).forEach((transport) => transport.stop());
  Object.values(panels).forEach((panel) => panel.reset());
  TECHNIQUES.forEach((technique) => delete drawn[technique]);
  sent = new Map();
  seq = 0;
  publishedNode.textContent = '0';
  let cursor = 0;
  try {
    const { response, text } = await fetchCounted(`/api/rooms/${room}/messages?after=0&limit=1`);
    if (response.ok) {
      cursor = JSON.parse(text).last;
    }
  }
  catch (e) {
    showError(`server unreachable: ${e.message}`);
  }
  for (const technique of TECHNIQUES) {
    transports[technique].start(room, cursor);
  }
}

async function publishOne() {
  const number = ++seq;
  const nonce = `cmp-${session}-${number}`;
  const size = setting('payload', 32, 1, 2000);
  const base = `message ${number} `;
  const text = (base + 'x'.repeat(Math.max(0, size - base.length))).slice(0, Math.max(size, 1));
  sent.set(nonce, { seq: number, t0: performance.now() });
  publishedNode.textContent = String(number);
  try {
    const response = await fetch(`/api/rooms/${room}/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ from: 'compare', text, nonce }),
    });
    if (!response.ok) {
      const problem = await response.json().catch(() => ({}));
      throw new Error(problem.detail || `HTTP ${response.status}`);
    }
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
  const rate = setting('rate', 5, 1, 50);
  const count = setting('count', 100, 1, 100000);
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
controls.querySelector('[data-action="reset"]').addEventListener('click', () => {
  stopTicker();
  startAll();
});
controls.elements.room.addEventListener('change', () => {
  if (ROOM_PATTERN.test(controls.elements.room.value)) {
    room = controls.elements.room.value;
    stopTicker();
    startAll();
  }
});

async function refreshServer() {
  try {
    const response = await fetch('/api/stats', { cache: 'no-store' });
    const data = await response.json();
    for (const technique of TECHNIQUES) {
      if (data.techniques[technique]) {
        panels[technique].server(data.techniques[technique]);
      }
    }
  }
  catch (e) {
    // the panels say when the server is gone
  }
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
refreshServer();
