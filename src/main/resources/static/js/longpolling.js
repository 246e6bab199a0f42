// Long polling: one request parked at the server at a time; it returns as soon as a
// message arrives (or with 204 at the timeout) and the page asks again at once.
import { Counters, MessageList, bindSendForm, delay, fetchCounted, initialRoom, randomId, setStatus } from './common.js';

const MIN_TIMEOUT_MS = 1000;

const page = document.getElementById('page');
const controls = page.querySelector('[data-role="controls"]');
const list = new MessageList(page);
const counters = new Counters(page);
const cursorNode = page.querySelector('[data-role="cursor"]');
const parkedNode = page.querySelector('[data-role="parked"]');
const client = randomId().replace(/[^A-Za-z0-9_-]/g, '');
page.querySelector('[data-role="client"]').textContent = client;

let room = initialRoom();
let cursor = 0;
let paused = false;
let generation = 0;
let controller = null;

function timeout() {
  // Below a second a long poll is a busy loop of short polls: keep at least 1000 ms.
  const value = Number(controls.elements.timeout.value);
  return Number.isFinite(value) ? Math.min(25000, Math.max(MIN_TIMEOUT_MS, value)) : 25000;
}

/** Starts over in the current room from its last 20 messages. */
async function run() {
  const mine = ++generation;
  if (controller) {
    controller.abort();
  }
  try {
    const { response, text } = await fetchCounted(`/api/rooms/${room}/messages?after=0&limit=1`);
    cursor = response.ok ? Math.max(0, JSON.parse(text).last - 20) : 0;
  }
  catch (e) {
    cursor = 0;
  }
  loop(mine);
}

/** Polls until the page pauses or changes room. The cursor is kept across pauses: the server's queue kept what arrived meanwhile. */
async function loop(mine) {
  let failures = 0;
  while (mine === generation && !paused) {
    controller = new AbortController();
    parkedNode.textContent = 'parked at the server, waiting';
    setStatus(page, 'waiting for messages', 'ok');
    try {
      const url = `/api/rooms/${room}/longpoll?client=${client}&after=${cursor}&timeout=${timeout()}`;
      const { response, text, bytes } = await fetchCounted(url, { signal: controller.signal });
      if (mine !== generation) {
        return;
      }
      counters.add('requests');
      counters.add('bytes', bytes);
      failures = 0;
      if (response.status === 204) {
        counters.add('empty');
        continue;
      }
      if (!response.ok) {
        throw new Error(`HTTP ${response.status}`);
      }
      const data = JSON.parse(text);
      if (data.gap) {
        list.system('The queue overflowed while this page was away: some messages were dropped (gap).');
      }
      for (const message of data.messages) {
        if (list.add(message)) {
          counters.add('messages');
        }
        cursor = Math.max(cursor, message.id);
      }
      cursorNode.textContent = String(cursor);
    }
    catch (e) {
      if (mine !== generation || e.name === 'AbortError') {
        return;
      }
      failures++;
      counters.add('reconnects');
      const wait = Math.min(30000, 500 * 2 ** Math.min(failures, 6));
      setStatus(page, `error: ${e.message}; retrying in ${Math.round(wait / 1000)} s`, 'bad');
      await delay(wait);
    }
  }
  parkedNode.textContent = 'idle';
}

controls.querySelector('[data-action="toggle"]').addEventListener('click', (event) => {
  paused = !paused;
  event.target.textContent = paused ? 'Resume' : 'Pause';
  const mine = ++generation;
  if (paused) {
    if (controller) {
      controller.abort();
    }
    parkedNode.textContent = 'idle';
    setStatus(page, 'paused', 'warn');
  }
  else {
    loop(mine);
  }
});

bindSendForm({
  room,
  onRoomChange: (newRoom) => {
    room = newRoom;
    list.clear();
    run();
  },
});
run();
