// /longpolling: the page of long polling. The client (clients/longpolling.js) keeps one
// request parked at the server; this module draws what it reports.
import { Counters, MessageList, bindSendForm, initialRoom, numberField, setStatus, showPolledMessages } from './common.js';
import { lastId } from './clients/client.js';
import { LongPollingClient, newClientId } from './clients/longpolling.js';

const page = document.getElementById('page');
const controls = page.querySelector('[data-role="controls"]');
const list = new MessageList(page);
const counters = new Counters(page);
const cursorNode = page.querySelector('[data-role="cursor"]');
const parkedNode = page.querySelector('[data-role="parked"]');
const clientId = newClientId();
page.querySelector('[data-role="client"]').textContent = clientId;

let room = initialRoom();
let client = null;
let paused = false;
let generation = 0;

/** The timeout in use: the field's last good value (1000 to 25000 ms), read before each request. */
const timeoutField = numberField(controls.elements.timeout, {
  inUse: (value) => `the next requests still wait up to ${value} ms`,
});

function timeout() {
  return timeoutField.value();
}

/** The request parked at the server now: when it went out and the timeout it asked for. */
let parked = null;

/** Shows how long the parked request has waited, of its timeout (a new timeout applies to the next request). */
function showParked() {
  if (!parked || !client || !client.running) {
    return;
  }
  const waited = Math.min(parked.timeout, performance.now() - parked.since) / 1000;
  parkedNode.textContent = `parked at the server for ${waited.toFixed(1)} s of its ${parked.timeout / 1000} s timeout`
    + ' (answered at once when a message comes; a new timeout applies to the next request)';
}
setInterval(showParked, 250);

/** Starts over in the current room from its last 20 messages. */
async function run() {
  const mine = ++generation;
  if (client) {
    client.stop();
    client = null;
  }
  let cursor = 0;
  try {
    cursor = Math.max(0, (await lastId(room)) - 20);
  }
  catch (e) {
    // start from the beginning; the client's backoff says when the server is unreachable
  }
  if (mine !== generation) {
    return;
  }
  client = new LongPollingClient({ room, cursor, client: clientId, timeout });
  showPolledMessages(client, { counters, list, cursorNode });
  client.on('restart', ({ cursor, last }) => {
    list.restarted(`The server restarted and lost this room's messages (ids now end at #${last}, this page had #${cursor}): `
      + 'reading the room again from its first message.');
  });
  client.on('gap', ({ from, to, missing }) => {
    list.system(`While this page was away the room stopped holding ${missing} `
      + `message${missing === 1 ? '' : 's'} (gap: #${from}–#${to}).`);
  });
  client.on('state', ({ state, empty, wait, error, timeout: parkedFor }) => {
    if (state === 'open' && empty) {
      counters.add('empty');
    }
    else if (state === 'open') {
      parked = { since: performance.now(), timeout: parkedFor };
      showParked();
      setStatus(page, 'waiting for messages', 'ok');
    }
    else if (state === 'retrying') {
      counters.add('reconnects');
      parked = null;
      parkedNode.textContent = 'idle';
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
  controls.elements.timeout.dispatchEvent(new Event('change'));
});
controls.querySelector('[data-action="toggle"]').addEventListener('click', (event) => {
  paused = !paused;
  event.target.textContent = paused ? 'Resume' : 'Pause';
  if (!client) {
    return;
  }
  // The cursor is kept across pauses: the server's queue (or its history) keeps what arrives meanwhile.
  if (paused) {
    client.stop();
    parkedNode.textContent = 'idle';
    setStatus(page, 'paused', 'warn');
  }
  else {
    client.start();
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
