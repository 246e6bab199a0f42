// /polling: the page of short polling. The client (clients/polling.js) asks the server every
// interval; this module draws what it reports.
import { Counters, MessageList, bindSendForm, initialRoom, numberField, setStatus, showPolledMessages } from './common.js';
import { backoff, lastId } from './clients/client.js';
import { PollingClient } from './clients/polling.js';
import { stallWatch } from './stall.js';

const page = document.getElementById('page');
const controls = page.querySelector('[data-role="controls"]');
const list = new MessageList(page);
const counters = new Counters(page);
const cursorNode = page.querySelector('[data-role="cursor"]');
const nextNode = page.querySelector('[data-role="next"]');
const stall = stallWatch(page.querySelector('.messages-card h2'), 'poll request');

let room = initialRoom();
let client = null;
let paused = false;
let generation = 0;
let startTimer = null;

/** The interval in use: the field's last good value (100 to 60000 ms); a refused one is shown, not used. */
const intervalField = numberField(controls.elements.interval, {
  inUse: (value) => `still polling every ${value} ms`,
  onChange: (value) => {
    if (client && client.running) {
      client.schedule(value);
      if (client.downSince === null) {
        setStatus(page, `polling every ${value} ms`, 'ok');
      }
    }
  },
});

function interval() {
  return intervalField.value();
}

function showNext() {
  if (paused) {
    nextNode.textContent = 'paused';
  }
  else if (client && client.nextAt !== undefined) {
    nextNode.textContent = `${Math.max(0, Math.round(client.nextAt - performance.now()))} ms`;
  }
}

/** Starts in the current room from its last 20 messages; retries with the backoff while the server cannot be reached. */
async function start(failures = 0) {
  const mine = ++generation;
  clearTimeout(startTimer);
  if (client) {
    client.stop();
    client = null;
  }
  stall.start();
  let cursor;
  try {
    cursor = Math.max(0, (await lastId(room)) - 20);
    stall.opened();
  }
  catch (e) {
    stall.opened();
    if (mine !== generation) {
      return;
    }
    counters.add('errors');
    const wait = Math.max(interval(), backoff(failures));
    setStatus(page, `could not reach the server (${e.message}); retrying in ${(wait / 1000).toFixed(1)} s`, 'bad');
    startTimer = setTimeout(() => {
      if (mine === generation) {
        start(failures + 1);
      }
    }, wait);
    return;
  }
  if (mine !== generation) {
    return;
  }
  client = new PollingClient({ room, cursor, interval });
  showPolledMessages(client, { counters, list, cursorNode });
  client.on('restart', ({ cursor, last }) => {
    list.restarted(`The server restarted and lost this room's messages (ids now end at #${last}, this page had #${cursor}): `
      + 'reading the room again from its first message.');
  });
  client.on('gap', ({ from, to, missing }) => {
    list.system(`${missing} message${missing === 1 ? ' is' : 's are'} no longer retained by the server `
      + `(gap: #${from}–#${to}).`);
  });
  client.on('state', ({ state, empty, wait, error }) => {
    if (state === 'open') {
      if (empty) {
        counters.add('empty');
      }
      setStatus(page, `polling every ${interval()} ms`, 'ok');
    }
    else if (state === 'retrying') {
      counters.add('errors');
      setStatus(page, `error: ${error}; retrying in ${(wait / 1000).toFixed(1)} s`, 'bad');
    }
  });
  if (!paused) {
    client.start();
  }
}

// Enter in the field takes its value (as leaving it does) instead of submitting the form and reloading the page
controls.addEventListener('submit', (event) => {
  event.preventDefault();
  controls.elements.interval.dispatchEvent(new Event('change'));
});
controls.querySelector('[data-action="toggle"]').addEventListener('click', (event) => {
  paused = !paused;
  event.target.textContent = paused ? 'Resume' : 'Pause';
  if (!client) {
    return;
  }
  if (paused) {
    client.stop();
    setStatus(page, 'paused', 'warn');
  }
  else {
    client.start();
  }
});
setInterval(showNext, 100);

bindSendForm({
  room,
  onRoomChange: (newRoom) => {
    room = newRoom;
    list.clear();
    start();
  },
});
start();
