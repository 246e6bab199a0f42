// Server-Sent Events: one EventSource; the browser reconnects by itself with
// Last-Event-ID, and the Reconnect button does the same by hand with ?lastEventId=.
import { Counters, MessageList, bindSendForm, delay, fetchCounted, initialRoom, setStatus, utf8Length } from './common.js';
import { stallWatch } from './stall.js';

const page = document.getElementById('page');
const list = new MessageList(page);
const counters = new Counters(page);
const cursorNode = page.querySelector('[data-role="cursor"]');
const toggle = page.querySelector('[data-action="toggle"]');
const stall = stallWatch(page.querySelector('.messages-card h2'), 'event stream');

let room = initialRoom();
let cursor = null;
let source = null;
let replayUntil = 0;

function connect() {
  if (source) {
    source.close();
    source = null;
  }
  const url = cursor === null ? `/api/rooms/${room}/events` : `/api/rooms/${room}/events?lastEventId=${cursor}`;
  source = new EventSource(url);
  counters.add('requests');
  setStatus(page, 'connecting…', 'warn');
  toggle.textContent = 'Disconnect';
  stall.start();
  source.addEventListener('open', () => {
    stall.opened();
    setStatus(page, 'stream open', 'ok');
  });
  source.addEventListener('message', (event) => {
    const message = JSON.parse(event.data);
    // id: + event: + data: lines as they came on the wire
    counters.add('bytes', utf8Length(event.data) + utf8Length(event.lastEventId) + 30);
    if (list.add(message)) {
      counters.add('messages');
      if (message.id <= replayUntil) {
        counters.add('replayed');
      }
    }
    cursor = Math.max(cursor ?? 0, message.id);
    cursorNode.textContent = String(cursor);
  });
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CONNECTING) {
      counters.add('reconnects');
      counters.add('requests');
      setStatus(page, 'reconnecting (the browser sends Last-Event-ID)…', 'warn');
    }
    else {
      setStatus(page, 'closed', 'bad');
    }
  });
}

/** Starts from the room's last 20 messages; retries with backoff while the server cannot be reached. */
async function start() {
  stall.start();
  for (let failures = 0; ; failures++) {
    try {
      const { response, text } = await fetchCounted(`/api/rooms/${room}/messages?after=0&limit=1`);
      if (!response.ok) {
        throw new Error(`HTTP ${response.status}`);
      }
      cursor = Math.max(0, JSON.parse(text).last - 20);
      break;
    }
    catch (e) {
      const wait = Math.min(30000, 500 * 2 ** Math.min(failures, 6));
      counters.add('reconnects');
      setStatus(page, `could not reach the server (${e.message}); retrying in ${Math.round(wait / 100) / 10} s`, 'bad');
      await delay(wait);
    }
  }
  connect();
}

page.querySelector('[data-action="reconnect"]').addEventListener('click', async () => {
  counters.add('reconnects');
  setStatus(page, 'reconnecting…', 'warn');
  stall.start(); // the lookup of the last id waits for a connection too
  try {
    const { text } = await fetchCounted(`/api/rooms/${room}/messages?after=0&limit=1`);
    replayUntil = JSON.parse(text).last;
  }
  catch (e) {
    replayUntil = 0;
  }
  connect();
});

toggle.addEventListener('click', () => {
  if (source && source.readyState !== EventSource.CLOSED) {
    source.close();
    toggle.textContent = 'Connect';
    setStatus(page, 'disconnected', 'warn');
  }
  else {
    connect();
  }
});

bindSendForm({
  room,
  onRoomChange: (newRoom) => {
    room = newRoom;
    list.clear();
    start();
  },
});
start();
