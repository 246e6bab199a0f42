// Short polling: ask the server every interval for messages after the cursor.
import { Counters, MessageList, bindSendForm, fetchCounted, initialRoom, setStatus } from './common.js';
import { stallWatch } from './stall.js';

const page = document.getElementById('page');
const controls = page.querySelector('[data-role="controls"]');
const list = new MessageList(page);
const counters = new Counters(page);
const cursorNode = page.querySelector('[data-role="cursor"]');
const nextNode = page.querySelector('[data-role="next"]');
const stall = stallWatch(page.querySelector('.messages-card h2'), 'poll request');

let room = initialRoom();
let cursor = null;
let timer = null;
let paused = false;
let generation = 0;

function interval() {
  const value = Number(controls.elements.interval.value);
  return Number.isFinite(value) && value >= 100 ? value : 1000;
}

function schedule(ms) {
  clearTimeout(timer);
  if (paused) {
    nextNode.textContent = 'paused';
    return;
  }
  nextNode.textContent = `${ms} ms`;
  timer = setTimeout(poll, ms);
}

async function start() {
  // Start with the room's last 20 messages; when the server cannot be reached, say so and retry.
  const mine = ++generation;
  stall.start();
  try {
    const { response, text } = await fetchCounted(`/api/rooms/${room}/messages?after=0&limit=1`);
    stall.opened();
    if (mine !== generation) {
      return;
    }
    if (!response.ok) {
      throw new Error(`HTTP ${response.status}`);
    }
    cursor = Math.max(0, JSON.parse(text).last - 20);
  }
  catch (e) {
    stall.opened();
    if (mine !== generation) {
      return;
    }
    counters.add('errors');
    const wait = Math.max(interval(), 2000);
    setStatus(page, `could not reach the server (${e.message}); retrying in ${wait / 1000} s`, 'bad');
    clearTimeout(timer);
    timer = setTimeout(() => {
      if (mine === generation) {
        start();
      }
    }, wait);
    return;
  }
  poll();
}

async function poll() {
  const mine = generation;
  try {
    const { response, text, bytes } = await fetchCounted(`/api/rooms/${room}/messages?after=${cursor}`);
    if (mine !== generation) {
      return;
    }
    counters.add('requests');
    counters.add('bytes', bytes);
    if (!response.ok) {
      throw new Error(`HTTP ${response.status}`);
    }
    const data = JSON.parse(text);
    if (data.gap) {
      list.system('Some messages are no longer retained by the server (gap).');
    }
    if (data.messages.length === 0) {
      counters.add('empty');
    }
    for (const message of data.messages) {
      if (list.add(message)) {
        counters.add('messages');
      }
      cursor = Math.max(cursor, message.id);
    }
    cursorNode.textContent = String(cursor);
    setStatus(page, `polling every ${interval()} ms`, 'ok');
    // A full page means more is waiting: ask again at once.
    schedule(data.messages.length >= 100 ? 0 : interval());
  }
  catch (e) {
    if (mine !== generation) {
      return;
    }
    counters.add('errors');
    setStatus(page, `error: ${e.message}; retrying`, 'bad');
    schedule(Math.max(interval(), 2000));
  }
}

controls.querySelector('[data-action="toggle"]').addEventListener('click', (event) => {
  paused = !paused;
  event.target.textContent = paused ? 'Resume' : 'Pause';
  if (paused) {
    setStatus(page, 'paused', 'warn');
  }
  schedule(0);
});
controls.elements.interval.addEventListener('change', () => schedule(interval()));

bindSendForm({
  room,
  onRoomChange: (newRoom) => {
    room = newRoom;
    list.clear();
    start();
  },
});
start();
