// Shared helpers of every page: rendering user text safely, the send form, counters.
// User text is only ever put in the page with textContent.

export const ROOM_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/;

/** What a room name may be, in words (docs/api.md). */
export const ROOM_RULE = '1 to 32 lowercase letters, digits or "-", starting with a letter or digit';

/** The most characters (code points: an emoji is one) a message text may have; the server decides. */
export const TEXT_MAX_CHARS = 2000;

/**
 * The application's root URL, found from this module's own address (static/js/common.js is
 * served two levels below it), so every request keeps working under
 * server.servlet.context-path or behind a proxy that serves the app under a path.
 */
export const APP_ROOT = new URL('../', import.meta.url);

/** An absolute URL of the app for a path such as 'api/stats' or '/api/stats'. */
export function appUrl(path) {
  return new URL(path.replace(/^\//, ''), APP_ROOT).href;
}

/** The chat WebSocket's URL (ws: or wss: as the page), under the app's root. */
export function webSocketUrl(path) {
  const url = new URL(appUrl(path));
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}

/** Reads ?room= from the address bar, or the default room. */
export function initialRoom() {
  const room = new URLSearchParams(location.search).get('room');
  return room && ROOM_PATTERN.test(room) ? room : 'lobby';
}

/** A random id usable as a long-polling client id or a nonce. */
export function randomId() {
  if (crypto.randomUUID) {
    return crypto.randomUUID();
  }
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Creates an element with text content (never HTML). */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }
  if (text !== undefined && text !== null) {
    node.textContent = String(text);
  }
  return node;
}

export function formatTime(epochMillis) {
  return new Date(epochMillis).toLocaleTimeString();
}

/** Shows a message list: appends messages in id order, never twice. */
export class MessageList {
  constructor(root, { limit = 300 } = {}) {
    this.list = root.querySelector('[data-role="messages"]');
    this.empty = root.querySelector('[data-role="empty"]');
    this.limit = limit;
    this.seen = new Set();
  }

  /** Adds a message unless it was shown already; returns true when added. */
  add(message, { mine = false, extra = '' } = {}) {
    const key = `${message.room}:${message.id}`;
    if (this.seen.has(key)) {
      return false;
    }
    this.seen.add(key);
    const item = el('li', mine ? 'mine' : '');
    item.dataset.id = message.id;
    if (message.nonce) {
      item.dataset.nonce = message.nonce;
    }
    item.append(el('span', 'id', `#${message.id}`), el('span', 'from', message.from), el('span', 'text', message.text));
    item.append(el('span', 'meta', `${formatTime(message.sentAt)}${extra}`));
    this.append(item);
    return true;
  }

  system(text) {
    this.append(el('li', 'system', text));
  }

  /** The server numbers the room from 1 again (it lost the room's log): says so, and shows its ids as new. */
  restarted(text) {
    this.seen.clear();
    this.system(text);
  }

  append(item) {
    const atBottom = this.list.scrollTop + this.list.clientHeight >= this.list.scrollHeight - 30;
    this.list.append(item);
    while (this.list.children.length > this.limit) {
      this.list.firstElementChild.remove();
    }
    if (this.empty) {
      this.empty.hidden = true;
    }
    if (atBottom) {
      this.list.scrollTop = this.list.scrollHeight;
    }
  }

  clear() {
    this.list.replaceChildren();
    this.seen.clear();
    if (this.empty) {
      this.empty.hidden = false;
    }
  }
}

/** Live counters bound to elements with data-counter="name". */
export class Counters {
  constructor(root = document) {
    this.values = {};
    this.nodes = {};
    root.querySelectorAll('[data-counter]').forEach((node) => {
      this.nodes[node.dataset.counter] = node;
      this.values[node.dataset.counter] = 0;
    });
  }

  add(name, amount = 1) {
    this.set(name, (this.values[name] || 0) + amount);
  }

  set(name, value) {
    this.values[name] = value;
    const node = this.nodes[name];
    if (node) {
      node.textContent = name.toLowerCase().includes('bytes') ? formatBytes(value) : String(value);
    }
  }
}

export function formatBytes(bytes) {
  if (bytes < 1024) {
    return `${bytes} B`;
  }
  if (bytes < 1024 * 1024) {
    return `${(bytes / 1024).toFixed(1)} KiB`;
  }
  return `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
}

/** Byte length of a string as UTF-8. */
export function utf8Length(text) {
  return new TextEncoder().encode(text).length;
}

/** Sets a status badge: kind is ok, warn, bad or ''. */
export function setStatus(root, text, kind = '') {
  const node = root.querySelector('[data-role="status"]');
  if (node) {
    node.textContent = text;
    node.className = `status ${kind}`;
  }
}

/** Publishes a message with POST; returns the stored message or throws an Error with the server's detail. */
export async function publish(room, from, text, nonce) {
  const response = await fetch(appUrl(`api/rooms/${encodeURIComponent(room)}/messages`), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ from, text, nonce }),
  });
  if (!response.ok) {
    let detail = `HTTP ${response.status}`;
    try {
      const problem = await response.json();
      detail = problem.detail || detail;
    }
    catch (e) {
      // keep the status line
    }
    throw new Error(detail);
  }
  return response.json();
}

/** The label text of a form field, e.g. "Interval (ms)". */
function fieldName(input) {
  const label = input.closest('label');
  return label ? label.firstChild.textContent.trim() : input.name;
}

/**
 * Shows an error next to a field (after its label), marks it aria-invalid and points its
 * aria-describedby at the message; an empty message clears both.
 */
export function fieldError(input, message) {
  const anchor = input.closest('label') || input;
  let node = input.fieldError;
  if (!node) {
    node = el('span', 'field-error');
    node.id = `${input.name}-error-${randomId().slice(0, 8)}`;
    node.setAttribute('role', 'alert');
    anchor.after(node);
    input.fieldError = node;
  }
  node.textContent = message || '';
  node.hidden = !message;
  if (message) {
    input.setAttribute('aria-invalid', 'true');
    input.setAttribute('aria-describedby', node.id);
  }
  else {
    input.removeAttribute('aria-invalid');
    input.removeAttribute('aria-describedby');
  }
}

/**
 * A number field checked against its own min and max: a value outside them (or not a number,
 * or empty unless `empty` says what empty means) is refused with a message next to the field,
 * and the last good value stays in use. onChange(value) is called when a good value is set.
 * Returns { value() } with the value in use; every delay a page passes to setTimeout goes
 * through one, so none can exceed its field's max (setTimeout treats ≥ 2^31 ms as 0).
 */
export function numberField(input, { empty, onChange, inUse = (value) => `still using ${value}` } = {}) {
  const min = Number(input.min);
  const max = Number(input.max);
  const allowEmpty = empty !== undefined;
  const parse = () => {
    const raw = input.value.trim();
    if (raw === '' && !input.validity.badInput) {
      return allowEmpty ? { ok: true, value: null } : { ok: false };
    }
    const value = Number(raw);
    return { ok: raw !== '' && Number.isFinite(value) && value >= min && value <= max, value };
  };
  const initial = parse();
  let good = initial.ok ? initial.value : Number(input.defaultValue || min);
  const describe = (value) => (value === null ? empty : value);
  input.addEventListener('input', () => {
    if (parse().ok) {
      fieldError(input, '');
    }
  });
  input.addEventListener('change', () => {
    const { ok, value } = parse();
    if (!ok) {
      fieldError(input, `${fieldName(input)}: must be a number from ${min} to ${max}`
        + `${allowEmpty ? ', or empty for ' + empty : ''}; ${inUse(describe(good))}.`);
      return;
    }
    fieldError(input, '');
    good = value;
    if (onChange) {
      onChange(value);
    }
  });
  return { value: () => good };
}

/**
 * Wires the shared send form. onRoomChange(room) is called when the room field changes;
 * the name is remembered in localStorage.
 */
export function bindSendForm({ room, onRoomChange, onSent } = {}) {
  const form = document.querySelector('[data-role="send-form"]');
  const error = document.querySelector('[data-role="send-error"]');
  const roomInput = form.elements.room;
  const fromInput = form.elements.from;
  roomInput.value = room;
  fromInput.value = localStorage.getItem('pushlab.name') || `guest-${Math.floor(Math.random() * 900 + 100)}`;
  let shownRoom = room;
  error.id = error.id || 'send-error';
  /** Clears the form's error and the field it was about. */
  const clearError = () => {
    error.hidden = true;
    for (const input of form.elements) {
      if (input.getAttribute('aria-describedby') === error.id) {
        input.removeAttribute('aria-invalid');
        input.removeAttribute('aria-describedby');
      }
    }
  };
  /** Shows an error under the form; a detail starting with a field's name ("text: …") marks that field. */
  const showError = (detail) => {
    clearError();
    error.textContent = detail;
    error.hidden = false;
    const field = form.elements[detail.split(':')[0]];
    if (field instanceof HTMLInputElement) {
      field.setAttribute('aria-invalid', 'true');
      field.setAttribute('aria-describedby', error.id);
    }
  };
  // the browser's own validation blocks a submit without a submit event: an old error would stay
  form.addEventListener('input', clearError);
  form.addEventListener('invalid', clearError, true);
  roomInput.addEventListener('change', () => {
    if (!ROOM_PATTERN.test(roomInput.value)) {
      fieldError(roomInput, `Room: must be ${ROOM_RULE}; still showing ${shownRoom}.`);
      return;
    }
    fieldError(roomInput, '');
    if (roomInput.value !== shownRoom && onRoomChange) {
      shownRoom = roomInput.value;
      onRoomChange(roomInput.value);
    }
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearError();
    const text = form.elements.text.value;
    const length = [...text].length;
    if (length > TEXT_MAX_CHARS) {
      showError(`text: must be 1 to ${TEXT_MAX_CHARS} characters (an emoji counts as one); this one has ${length}.`);
      return;
    }
    localStorage.setItem('pushlab.name', fromInput.value);
    try {
      const message = await publish(roomInput.value, fromInput.value, text, `page-${randomId()}`);
      form.elements.text.value = '';
      if (onSent) {
        onSent(message);
      }
    }
    catch (e) {
      showError(e.message);
    }
  });
  return { roomInput, fromInput };
}

/**
 * fetch() that also tells how many bytes the response cost, headers included where the
 * browser can tell (Resource Timing transferSize), else the body's length.
 * Returns { response, text, bytes }.
 */
export async function fetchCounted(url, options = {}) {
  const absolute = url.startsWith('/') ? appUrl(url) : new URL(url, APP_ROOT).href;
  const response = await fetch(absolute, { cache: 'no-store', ...options });
  const text = await response.text();
  let bytes = utf8Length(text);
  const entries = performance.getEntriesByName(absolute);
  const entry = entries[entries.length - 1];
  if (entry && entry.transferSize > 0) {
    bytes = entry.transferSize;
  }
  if (performance.getEntriesByType('resource').length > 200) {
    performance.clearResourceTimings();
  }
  return { response, text, bytes };
}

/** Waits ms milliseconds (for client-side backoff only). */
export function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Shows what an HTTP polling client receives: its requests and bytes in the counters, each new
 * message in the list, and its cursor.
 */
export function showPolledMessages(client, { counters, list, cursorNode }) {
  client.on('cost', ({ requests = 0, bytes = 0 }) => {
    counters.add('requests', requests);
    counters.add('bytes', bytes);
  });
  client.on('message', (message) => {
    if (list.add(message)) {
      counters.add('messages');
    }
    cursorNode.textContent = String(client.cursor);
  });
}
