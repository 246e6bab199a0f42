// /sse: the page of Server-Sent Events. The client (clients/sse.js) holds one EventSource
// that the browser reconnects with Last-Event-ID; the Reconnect button does the same by
// hand with ?lastEventId=, and the retry field asks the server for another `retry:`.
import { Counters, MessageList, bindSendForm, delay, initialRoom, numberField, setStatus } from './common.js';
import { backoff, lastId } from './clients/client.js';
import { SseClient } from './clients/sse.js';
import { stallWatch } from './stall.js';

/** Bounds of the `retry` the server accepts (ms, docs/api.md); empty asks for its default. */
export const RETRY_MIN_MS = 500;
export const RETRY_MAX_MS = 60000;

const page = document.getElementById('page');
const list = new MessageList(page);
const counters = new Counters(page);
const cursorNode = page.querySelector('[data-role="cursor"]');
const toggle = page.querySelector('[data-action="toggle"]');
const retryInput = page.querySelector('[data-role="retry-form"] input[name="retry"]');
const retryNote = page.querySelector('[data-role="retry-note"]');
const stall = stallWatch(page.querySelector('.messages-card h2'), 'event stream');

let room = initialRoom();
let client = null;
let generation = 0;
/** Whether this client's stream has been open: every later open is a reconnect. */
let opened = false;
/**
 * After a reconnect (the Reconnect button, Connect, or the browser's own): the room's last id
 * then (`until`, null while it is being asked), and the ids that came before the answer. The
 * server replays what was missed before it goes live, so a message up to `until` is a replay.
 */
let replay = null;

/** The retry field: 500 to 60000 ms, or empty for the server's default; a refused value is not used. */
const retryField = numberField(retryInput, {
  empty: 'the server\'s default',
  onChange: () => {
    showRetry();
    if (client && client.active) {
      connect(); // reopen from the cursor with the new retry
    }
  },
});

/** The retry the user chose, or null for the server's default. */
function chosenRetry() {
  const value = retryField.value();
  return value === null ? null : Math.min(RETRY_MAX_MS, Math.max(RETRY_MIN_MS, Math.round(value)));
}

/** Counts a message shown after a reconnect as replayed when it was missed while disconnected. */
function countReplay(id) {
  if (!replay) {
    return;
  }
  if (replay.until === null) {
    replay.early.push(id);
  }
  else if (id <= replay.until) {
    counters.add('replayed');
  }
}

/** A stream (re)opened: from the second open on, asks for the room's last id to tell replays from live messages. */
function reopened(forClient) {
  if (!opened) {
    opened = true;
    return;
  }
  const mine = { until: null, early: [] };
  replay = mine;
  lastId(room).then((last) => {
    if (replay === mine && client === forClient) {
      mine.until = last;
      mine.early.filter((id) => id <= last).forEach(() => counters.add('replayed'));
    }
  }, () => {
    if (replay === mine) {
      replay = null;
    }
  });
}

function showRetry() {
  const retry = chosenRetry();
  retryNote.textContent = retry === null ? 'the server\'s default (pushlab.sse.retry)'
    : `${retry} ms (the stream is opened with ?retry=${retry})`;
}

function connect() {
  if (!client) {
    return;
  }
  client.retry = chosenRetry();
  client.start();
  toggle.textContent = 'Disconnect';
}

function bind(newClient) {
  newClient.on('cost', ({ requests = 0, bytes = 0 }) => {
    counters.add('requests', requests);
    counters.add('bytes', bytes);
  });
  newClient.on('message', (message) => {
    if (list.add(message)) {
      counters.add('messages');
      countReplay(message.id);
    }
    cursorNode.textContent = String(newClient.cursor);
  });
  newClient.on('restart', ({ cursor, last }) => {
    list.restarted(`The server restarted and lost this room's messages (ids now end at #${last}, this page had #${cursor}): `
      + 'reading the room again from its first message.');
  });
  newClient.on('gap', ({ from, to, missing }) => {
    list.system(`${missing} message${missing === 1 ? ' is' : 's are'} no longer retained by the server `
      + `(gap: #${from}–#${to}).`);
  });
  newClient.on('state', ({ state, auto, wait }) => {
    if (state === 'connecting') {
      stall.start();
      setStatus(page, 'connecting…', 'warn');
    }
    else if (state === 'open') {
      stall.opened();
      setStatus(page, 'stream open', 'ok');
      reopened(newClient);
    }
    else if (state === 'retrying') {
      counters.add('reconnects');
      setStatus(page, auto ? 'reconnecting (the browser sends Last-Event-ID)…'
        : `the stream was refused; retrying in ${(wait / 1000).toFixed(1)} s`, 'warn');
    }
  });
}

/** Starts from the room's last 20 messages; retries with the backoff while the server cannot be reached. */
async function start() {
  const mine = ++generation;
  if (client) {
    client.stop();
    client = null;
  }
  stall.start();
  let cursor;
  for (let failures = 0; ; failures++) {
    try {
      cursor = Math.max(0, (await lastId(room)) - 20);
      break;
    }
    catch (e) {
      if (mine !== generation) {
        return;
      }
      const wait = backoff(failures);
      counters.add('reconnects');
      setStatus(page, `could not reach the server (${e.message}); retrying in ${(wait / 1000).toFixed(1)} s`, 'bad');
      await delay(wait);
    }
  }
  if (mine !== generation) {
    return;
  }
  client = new SseClient({ room, cursor });
  opened = false;
  replay = null;
  bind(client);
  connect();
}

page.querySelector('[data-action="reconnect"]').addEventListener('click', () => {
  if (!client) {
    return;
  }
  counters.add('reconnects');
  setStatus(page, 'reconnecting…', 'warn');
  connect();
});

toggle.addEventListener('click', () => {
  if (client && client.active) {
    client.stop();
    stall.opened();
    toggle.textContent = 'Connect';
    setStatus(page, 'disconnected', 'warn');
  }
  else {
    connect();
  }
});

retryInput.form.addEventListener('submit', (event) => {
  event.preventDefault();
  retryInput.dispatchEvent(new Event('change'));
});
showRetry();

bindSendForm({
  room,
  onRoomChange: (newRoom) => {
    room = newRoom;
    list.clear();
    start();
  },
});
start();
