// RFC 6455 lab: the handshake calculator, the frame encoder and decoder, and a live
// connection to the hand-written server. Everything the server or the user wrote is put
// in the page with textContent (through el()).
import { appUrl, el, formatBytes, setStatus } from './common.js';

const page = document.getElementById('page');
const OPCODES = { 0: 'continuation', 1: 'text', 2: 'binary', 8: 'close', 9: 'ping', 10: 'pong' };
const EXTENDED_LENGTH_BYTES = { '7-bit': 0, '16-bit': 2, '64-bit': 8 };
const SHOWN_PAYLOAD_BYTES = 48;
const SHOWN_TEXT_CHARS = 300;
const LOG_LIMIT = 20;

/** POSTs JSON; returns the answer's JSON or throws an Error with the problem's detail. */
async function postJson(url, body) {
  const response = await fetch(appUrl(url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new Error(data.detail || `HTTP ${response.status}`);
  }
  return data;
}

function showError(node, error) {
  node.textContent = error ? error.message : '';
  node.hidden = !error;
}

function hexPairs(hex) {
  return hex.match(/../g) || [];
}

function bits(hexByte) {
  return parseInt(hexByte, 16).toString(2).padStart(8, '0');
}

function opcodeLabel(opcode) {
  return `0x${opcode.toString(16).toUpperCase()} ${OPCODES[opcode] || 'reserved'}`;
}

function segment(kind, title, hex) {
  const node = el('span', `seg seg-${kind}`, hexPairs(hex).join(' '));
  node.title = title;
  node.dataset.segment = kind;
  return node;
}

/** The frame's bytes, one colour per header field, then (the start of) the payload. */
function byteView(frame) {
  const header = frame.headerHex;
  const extended = EXTENDED_LENGTH_BYTES[frame.lengthEncoding] * 2;
  const view = el('div', 'bytes');
  view.append(segment('b0', 'FIN, RSV1-3, opcode', header.slice(0, 2)));
  view.append(segment('b1', 'MASK, payload length (7 bits)', header.slice(2, 4)));
  if (extended > 0) {
    view.append(segment('ext', `extended payload length (${frame.lengthEncoding})`, header.slice(4, 4 + extended)));
  }
  if (frame.masked) {
    view.append(segment('key', 'masking key', header.slice(4 + extended, 12 + extended)));
  }
  const shown = frame.payloadHex.slice(0, SHOWN_PAYLOAD_BYTES * 2);
  if (shown.length > 0) {
    view.append(segment('payload', frame.masked ? 'payload, masked' : 'payload', shown));
  }
  if (frame.payloadHex.length > shown.length) {
    view.append(el('span', 'more', `… ${(frame.payloadHex.length - shown.length) / 2} more bytes`));
  }
  return view;
}

/** One field of the table; its label wears the colour of its bytes above. */
function row(table, field, label, value, kind) {
  const tr = el('tr');
  const th = el('th', kind ? `seg-${kind}` : '', label);
  tr.append(th);
  const td = el('td', 'mono', value);
  td.dataset.field = field;
  tr.append(td);
  table.append(tr);
}

/** A frame description as the server sent it: the bytes, then each field explained. */
function renderFrame(frame) {
  const node = el('div', 'frame');
  node.append(byteView(frame));
  const b0 = bits(frame.headerHex.slice(0, 2));
  const b1 = bits(frame.headerHex.slice(2, 4));
  const length7 = parseInt(b1.slice(1), 2);
  const extended = EXTENDED_LENGTH_BYTES[frame.lengthEncoding] * 2;
  const table = el('table', 'fields');
  row(table, 'byte0', 'Byte 0', `${b0.slice(0, 1)} ${b0.slice(1, 4)} ${b0.slice(4)} = FIN, RSV1-3, opcode`, 'b0');
  row(table, 'fin', 'FIN', frame.fin ? '1 — final fragment' : '0 — more fragments follow', 'b0');
  row(table, 'opcode', 'Opcode', opcodeLabel(frame.opcode), 'b0');
  const lengthMeaning = length7 === 126 ? '126: a 16-bit length follows'
    : length7 === 127 ? '127: a 64-bit length follows' : `length ${length7}`;
  row(table, 'byte1', 'Byte 1', `${b1.slice(0, 1)} ${b1.slice(1)} = MASK ${b1.slice(0, 1)}, ${lengthMeaning}`, 'b1');
  if (extended > 0) {
    const hex = frame.headerHex.slice(4, 4 + extended);
    row(table, 'extendedLength', 'Extended length', `${hexPairs(hex).join(' ')} = ${parseInt(hex, 16)}`, 'ext');
  }
  row(table, 'payloadLength', 'Payload length', `${frame.payloadLength} bytes, ${frame.lengthEncoding} encoding`,
    extended > 0 ? 'ext' : 'b1');
  row(table, 'maskingKey', 'Masking key', frame.masked ? frame.maskingKey : 'none (unmasked)', 'key');
  row(table, 'payload', 'Payload', frame.masked
    ? 'masked: byte i XOR key byte (i mod 4) gives back the data'
    : 'as sent: a server never masks', 'payload');
  if (frame.closeCode !== undefined) {
    row(table, 'closeCode', 'Close code', frame.closeCode, 'payload');
  }
  if (frame.fragments !== undefined) {
    row(table, 'fragments', 'Fragments', `${frame.fragments} frames (the fields above are the first frame's)`);
  }
  if (frame.text !== null && frame.text !== undefined) {
    const text = frame.text.length > SHOWN_TEXT_CHARS ? `${frame.text.slice(0, SHOWN_TEXT_CHARS)}…` : frame.text;
    row(table, 'text', frame.closeCode !== undefined ? 'Reason' : 'Text', text, 'payload');
  }
  if (frame.textNote) {
    row(table, 'textNote', 'Breaks §8.1', frame.textNote, 'payload');
  }
  if (frame.ruleNote) {
    row(table, 'ruleNote', 'Breaks RFC 6455', frame.ruleNote, 'b0');
  }
  node.append(table);
  return node;
}

// 1 · Handshake
const handshakeForm = page.querySelector('[data-role="handshake-form"]');
const handshakeError = page.querySelector('[data-role="handshake-error"]');

function randomKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

handshakeForm.querySelector('[data-action="random-key"]').addEventListener('click', () => {
  handshakeForm.elements.key.value = randomKey();
  handshakeForm.requestSubmit();
});

handshakeForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    const steps = await postJson('/api/lab/handshake', { key: handshakeForm.elements.key.value.trim() });
    for (const [name, value] of Object.entries(steps)) {
      const node = page.querySelector(`[data-step="${name}"]`);
      if (node) {
        node.textContent = value;
      }
    }
    page.querySelector('[data-role="request-key"]').textContent = steps.key;
    page.querySelector('[data-role="response-accept"]').textContent = steps.accept;
    showError(handshakeError, null);
  }
  catch (e) {
    // the steps and the example exchange belonged to the previous key: they must not read as this one's
    page.querySelectorAll('[data-step]').forEach((node) => {
      node.textContent = '—';
    });
    page.querySelector('[data-role="request-key"]').textContent = '—';
    page.querySelector('[data-role="response-accept"]').textContent = '—';
    showError(handshakeError, e);
  }
});

// 2 · Encode, 3 · Decode
const encodeForm = page.querySelector('[data-role="encode-form"]');
const encodeResult = page.querySelector('[data-role="encode-result"]');
const decodeForm = page.querySelector('[data-role="decode-form"]');
const decodeResult = page.querySelector('[data-role="decode-result"]');

encodeForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = encodeForm.elements;
  try {
    const result = await postJson('/api/lab/frames/encode', {
      text: form.text.value,
      opcode: Number(form.opcode.value),
      mask: form.mask.checked,
      fin: form.fin.checked,
    });
    const hex = el('p', 'hex mono', hexPairs(result.hex).join(' '));
    hex.dataset.role = 'encoded-hex';
    const decode = el('button', 'secondary', 'Decode these bytes ↓');
    decode.type = 'button';
    decode.addEventListener('click', () => {
      decodeForm.elements.hex.value = hexPairs(result.hex).join(' ');
      decodeForm.requestSubmit();
    });
    encodeResult.replaceChildren(renderFrame(result.frame), hex, decode);
    showError(page.querySelector('[data-role="encode-error"]'), null);
  }
  catch (e) {
    encodeResult.replaceChildren();
    showError(page.querySelector('[data-role="encode-error"]'), e);
  }
});

decodeForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    const frame = await postJson('/api/lab/frames/decode', { hex: decodeForm.elements.hex.value });
    decodeResult.replaceChildren(renderFrame(frame));
    showError(page.querySelector('[data-role="decode-error"]'), null);
  }
  catch (e) {
    decodeResult.replaceChildren();
    showError(page.querySelector('[data-role="decode-error"]'), e);
  }
});

decodeForm.querySelectorAll('[data-example]').forEach((button) => {
  button.addEventListener('click', () => {
    decodeForm.elements.hex.value = hexPairs(button.dataset.example).join(' ');
    decodeForm.requestSubmit();
  });
});

// 4 · The hand-written server, live
const rawPort = Number(page.dataset.rawPort);
/** The path the page opens on the raw server (which answers any path): the handshake example shows it too. */
const RAW_PATH = '/lab';
const rawUrl = `ws://${location.hostname}:${rawPort}${RAW_PATH}`;
const rawForm = page.querySelector('[data-role="raw-form"]');
const rawLog = page.querySelector('[data-role="raw-log"]');
const connectButton = page.querySelector('[data-action="connect"]');
const disconnectButton = page.querySelector('[data-action="disconnect"]');
// The raw server speaks plain TCP on its own port (no TLS, no proxy): a page served over
// HTTPS (e.g. behind deploy/nginx.conf) may not open ws:// to it, so say so instead of failing.
const rawBlocked = location.protocol === 'https:' && rawPort > 0;
if (rawBlocked) {
  const notice = el('p', 'notice', `This page came over HTTPS, and the hand-written server is plain ws:// on port ${rawPort}`
    + ' of this host, without TLS: browsers refuse that mixed content. Open this page over http:// on the app\'s own port'
    + ' to talk to it. Sections 1 to 3 work either way.');
  notice.dataset.role = 'raw-https';
  rawLog.before(notice);
  connectButton.disabled = true;
}
let socket = null;
let sent = [];

function setConnected(connected) {
  connectButton.disabled = connected;
  disconnectButton.disabled = !connected;
  rawForm.querySelectorAll('button').forEach((button) => {
    button.disabled = !connected;
  });
}

function logLine(className, text) {
  rawLog.prepend(el('li', className, text));
  while (rawLog.children.length > LOG_LIMIT) {
    rawLog.lastElementChild.remove();
  }
}

function connect() {
  socket = new WebSocket(rawUrl);
  sent = [];
  setStatus(page, 'connecting…', 'warn');
  socket.addEventListener('open', () => {
    setStatus(page, 'open', 'ok');
    setConnected(true);
    logLine('system', `Connected to ${rawUrl}: the server answered 101 with the right Sec-WebSocket-Accept.`);
  });
  socket.addEventListener('message', (event) => {
    const what = sent.shift() || 'a message';
    const item = el('li');
    item.append(el('p', 'caption', `You sent ${what}; the server decoded this frame:`));
    item.append(renderFrame(JSON.parse(event.data)));
    rawLog.prepend(item);
    while (rawLog.children.length > LOG_LIMIT) {
      rawLog.lastElementChild.remove();
    }
  });
  socket.addEventListener('close', (event) => {
    setStatus(page, `closed (${event.code}${event.reason ? `: ${event.reason}` : ''})`, event.wasClean ? '' : 'bad');
    setConnected(false);
    logLine('system', `Closed with code ${event.code}${event.reason ? ` — ${event.reason}` : ''}.`);
  });
}

function send(data, what) {
  if (socket && socket.readyState === WebSocket.OPEN) {
    sent.push(what);
    socket.send(data);
  }
}

page.querySelector('[data-role="raw-url"]').textContent = rawUrl;
page.querySelector('[data-role="request-path"]').textContent = RAW_PATH;
if (rawPort > 0 && !rawBlocked) {
  page.querySelector('[data-role="request-host"]').textContent = `${location.hostname}:${rawPort}`;
  connectButton.addEventListener('click', connect);
  disconnectButton.addEventListener('click', () => socket && socket.close(1000, 'bye'));
  rawForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = rawForm.elements.text.value;
    send(text, `a text message of ${formatBytes(new TextEncoder().encode(text).length)}`);
  });
  rawForm.querySelectorAll('[data-send]').forEach((button) => {
    button.addEventListener('click', () => {
      const kind = button.dataset.send;
      if (kind === 'binary') {
        const bytes = new TextEncoder().encode(rawForm.elements.text.value);
        send(bytes, `${formatBytes(bytes.length)} of binary data`);
      }
      else {
        const size = Number(kind);
        send('0123456789'.repeat(Math.ceil(size / 10)).slice(0, size), `a text message of ${formatBytes(size)}`);
      }
    });
  });
}
else {
  page.querySelector('[data-role="raw-off"]').hidden = false;
  connectButton.disabled = true;
}

// Start with a worked example in every calculator.
handshakeForm.requestSubmit();
encodeForm.requestSubmit();
decodeForm.requestSubmit();

// 5 · Classic tutorial bugs: each card's Decode button feeds a concrete example to the
// real decoder or handshake checker and shows what the tutorial's code makes of it.
const TUTORIAL_KEY = 'tDXVE3a5pXSFEKGPT01PWQ==';
const BUG_LENGTHS = [127, 200];
// Client frames, masked with the key 37fa213d of RFC 6455 §5.7.
const READ_SCENARIOS = [
  { id: 'coalesced', title: 'Two frames in one read',
    what: 'The browser sends "Hello" and "Hi" in quick succession; one recv returns both frames.',
    reads: ['818537fa213d7f9f4d5158818237fa213d7f93'] },
  { id: 'split', title: 'One frame over two reads',
    what: '"Hello" arrives as 8 bytes (header and "He"), then the last 3.',
    reads: ['818537fa213d7f9f', '4d5158'] },
  { id: 'fragmented', title: 'A fragmented message',
    what: '"Hel" in a text frame with FIN=0, then "lo" in a continuation frame (opcode 0x0) with FIN=1.',
    reads: ['018337fa213d7f9f4d', '808237fa213d5b95'] },
  { id: 'close', title: 'A close frame',
    what: 'The user leaves the page: the browser sends a close frame with code 1001 (going away).',
    reads: ['888237fa213d3413'] },
];

function spaced(hex) {
  return hexPairs(hex).join(' ');
}

/** A header's bytes, coloured by field, as one line of text ("81 7e 00 c8"). */
function headerBytes(hex, lengthEncoding) {
  const code = el('code', 'hex-line');
  const extended = EXTENDED_LENGTH_BYTES[lengthEncoding] * 2;
  const parts = [['b0', hex.slice(0, 2)], ['b1', hex.slice(2, 4)], ['ext', hex.slice(4, 4 + extended)]];
  parts.filter(([, bytes]) => bytes.length > 0).forEach(([kind, bytes], i) => {
    if (i > 0) {
      code.append(' ');
    }
    code.append(el('span', `seg seg-${kind}`, spaced(bytes)));
  });
  return code;
}

function verdict(ok, text) {
  const node = el('span', `status ${ok ? 'ok' : 'bad'}`, text);
  node.dataset.role = 'verdict';
  return node;
}

function cell(tr, content, field) {
  const td = el('td');
  if (field) {
    td.dataset.field = field;
  }
  td.append(...content);
  tr.append(td);
  return td;
}

async function decodeLengthBug() {
  const { lengths } = await postJson('/api/lab/frames/lengths', { lengths: BUG_LENGTHS });
  const table = el('table', 'bug-table');
  const head = el('tr');
  ['Payload', 'The tutorial’s header', 'PushLab’s header'].forEach((title) => head.append(el('th', '', title)));
  table.append(head);
  for (const row of lengths) {
    const tr = el('tr');
    tr.dataset.length = row.length;
    cell(tr, [`${row.length} bytes`]);
    const tutorial = [headerBytes(row.tutorial.headerHex, row.tutorial.lengthEncoding),
      el('p', 'bug-line', `${row.tutorial.lengthEncoding} form; the decoder reads ${row.tutorial.decodedLength} bytes`)];
    tutorial[0].dataset.role = 'tutorial-hex';
    if (row.tutorial.lengthNote) {
      const note = el('p', 'bug-line bad', '');
      note.append(verdict(false, 'breaks §5.2'), ` ${row.tutorial.lengthNote}`);
      note.dataset.role = 'length-note';
      tutorial.push(note);
    }
    cell(tr, tutorial, 'tutorial');
    const pushlab = [headerBytes(row.pushlab.headerHex, row.pushlab.lengthEncoding),
      el('p', 'bug-line', `${row.pushlab.lengthEncoding} form; the decoder reads ${row.pushlab.decodedLength} bytes`)];
    pushlab[0].dataset.role = 'pushlab-hex';
    const ok = el('p', 'bug-line', '');
    ok.append(verdict(!row.pushlab.lengthNote, row.pushlab.lengthNote ? 'breaks §5.2' : 'shortest form'));
    pushlab.push(ok);
    cell(tr, pushlab, 'pushlab');
    table.append(tr);
  }
  const wrap = el('div', 'table-wrap');
  wrap.append(table);
  return [wrap, el('p', 'explain', 'What a browser does: given the tutorial’s frame, Chromium fails the connection'
    + ' (the page sees close with code 1006); PushLab’s frame is delivered as a 200-byte message.')];
}

function quoted(text) {
  return `“${text}”`;
}

function tutorialOutcome(result) {
  if (result.error) {
    const node = el('p', 'bug-line bad', '');
    node.append(verdict(false, 'crashes'), ` ${result.error}`);
    const bytes = result.unmaskedHex ? [el('p', 'bug-line muted', `unmasked bytes: ${spaced(result.unmaskedHex)}`)] : [];
    return [node, ...bytes];
  }
  return [el('p', 'bug-line', `one message: ${quoted(result.text)}`)];
}

function pushlabOutcome(result) {
  const lines = [];
  for (const frame of result.frames) {
    if (frame.opcode >= 8) {
      const what = frame.opcode === 8
        ? `close frame, code ${frame.closeCode}${frame.text ? ` (${frame.text})` : ''}: answer it and close`
        : `${OPCODES[frame.opcode]} frame`;
      lines.push(el('p', 'bug-line', what));
    }
    else if (!frame.fin) {
      lines.push(el('p', 'bug-line', `${OPCODES[frame.opcode]} frame with FIN=0: the first part of a message`));
    }
  }
  for (const message of result.messages) {
    const line = el('p', 'bug-line', '');
    line.append(verdict(true, 'message'), ` ${quoted(message.text ?? `${message.length} bytes of binary data`)}`
      + (message.fragments > 1 ? ` (${message.fragments} fragments joined)` : ''));
    lines.push(line);
  }
  if (result.waiting) {
    lines.push(el('p', 'bug-line muted', `waits for ${result.waiting}`));
  }
  if (result.failure) {
    lines.push(el('p', 'bug-line bad', `fails the connection with ${result.failure.closeCode}: ${result.failure.reason}`));
  }
  return lines;
}

async function decodeRecvBug() {
  const nodes = [];
  for (const scenario of READ_SCENARIOS) {
    const { reads } = await postJson('/api/lab/frames/reads', { reads: scenario.reads });
    const block = el('div', 'bug-scenario');
    block.dataset.scenario = scenario.id;
    block.append(el('h4', '', scenario.title), el('p', 'explain', scenario.what));
    const table = el('table', 'bug-table');
    const head = el('tr');
    ['Read', 'The tutorial gets', 'PushLab gets'].forEach((title) => head.append(el('th', '', title)));
    table.append(head);
    reads.forEach((read, i) => {
      const tr = el('tr');
      tr.dataset.read = i + 1;
      cell(tr, [el('p', 'bug-line', `recv ${i + 1}`), el('code', 'hex-line', spaced(read.hex))]);
      cell(tr, tutorialOutcome(read.tutorial), 'tutorial');
      cell(tr, pushlabOutcome(read.pushlab), 'pushlab');
      table.append(tr);
    });
    const wrap = el('div', 'table-wrap');
    wrap.append(table);
    block.append(wrap);
    nodes.push(block);
  }
  return nodes;
}

async function decodeHandshakeBug() {
  const { accept } = await postJson('/api/lab/handshake', { key: TUTORIAL_KEY });
  const examples = [
    { id: 'pre-rfc', title: 'A pre-RFC answer: draft headers, no Sec-WebSocket-Accept',
      response: 'HTTP/1.1 101 Web Socket Protocol Handshake\r\nUpgrade: WebSocket\r\nConnection: Upgrade\r\n'
        + 'WebSocket-Origin: http://127.0.0.1:5000\r\nWebSocket-Location: ws://127.0.0.1:9527\r\n\r\n' },
    { id: 'tutorial', title: 'The tutorial’s answer: Sec-WebSocket-Accept and the leftover WebSocket-Location',
      response: 'HTTP/1.1 101 Switching Protocols\r\nUpgrade:websocket\r\nConnection: Upgrade\r\n'
        + `Sec-WebSocket-Accept: ${accept}\r\nWebSocket-Location: ws://127.0.0.1:9527\r\n\r\n` },
    { id: 'pushlab', title: 'PushLab’s answer (RFC 6455 §4.2.2)',
      response: 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n'
        + `Sec-WebSocket-Accept: ${accept}\r\n\r\n` },
  ];
  const nodes = [el('p', 'explain', `The request's key, from the tutorial's captured request: ${TUTORIAL_KEY}.`
    + ` base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")) = ${accept}.`)];
  for (const example of examples) {
    const result = await postJson('/api/lab/handshake/check', { key: TUTORIAL_KEY, response: example.response });
    const block = el('div', 'bug-scenario');
    block.dataset.scenario = example.id;
    const title = el('h4', '', `${example.title} `);
    title.append(verdict(result.opens, result.opens ? 'the browser opens it' : 'the browser fails it'));
    block.append(title, el('pre', 'wire', example.response.replaceAll('\r\n', '\n').trimEnd()));
    const summary = el('p', `bug-line ${result.opens ? '' : 'bad'}`, result.summary);
    summary.dataset.role = 'summary';
    block.append(summary);
    const list = el('ul', 'bug-checks');
    for (const check of result.checks) {
      const item = el('li', check.passed ? 'ok' : 'bad', `${check.passed ? '✓' : '✗'} ${check.name}: ${check.detail}`);
      item.dataset.check = check.name;
      list.append(item);
    }
    for (const note of result.notes) {
      const item = el('li', 'note', `note: ${note}`);
      item.dataset.role = 'note';
      list.append(item);
    }
    block.append(list);
    nodes.push(block);
  }
  return nodes;
}

const BUG_DECODERS = { length: decodeLengthBug, recv: decodeRecvBug, handshake: decodeHandshakeBug };

page.querySelectorAll('[data-action="decode-bug"]').forEach((button) => {
  const card = button.closest('article.bug');
  const result = card.querySelector('[data-role="bug-result"]');
  const error = card.querySelector('[data-role="bug-error"]');
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      result.replaceChildren(...await BUG_DECODERS[button.dataset.bug]());
      result.dataset.state = 'done';
      showError(error, null);
    }
    catch (e) {
      result.replaceChildren();
      showError(error, e);
    }
    finally {
      button.disabled = false;
    }
  });
});
