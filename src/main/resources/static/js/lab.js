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
const rawUrl = `ws://${location.hostname}:${rawPort}/lab`;
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
