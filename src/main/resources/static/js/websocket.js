// WebSocket chat: one connection to /ws/chat?user={name} carries every frame of every room
// and of private conversations. On a drop it reconnects with backoff, rejoins its rooms and
// fills the gap from the history frame, showing each message once (by id).
// User text is only ever put in the page with textContent (el()).
import { Counters, MessageList, ROOM_PATTERN, el, formatTime, initialRoom, randomId, setStatus, utf8Length } from './common.js';
import { stallWatch } from './stall.js';

const USER_PATTERN = /^[\p{L}\p{N}_.-]{1,32}$/u;
const BACKOFF_START_MS = 500;
const BACKOFF_MAX_MS = 30000;
/** Failed handshakes in a row (never opened) before the page stops retrying. */
const MAX_REFUSED = 5;
/** What the server's 4009 close reasons mean, for the user. */
const NAME_REFUSED = {
  'name in use': (name) => `The name “${name}” is in use by another browser. Pick another name.`,
  'name reserved': (name) => `The name “${name}” was just used by another browser, and is kept for it for a short `
    + 'while in case it reconnects. Pick another name, or try again in a minute.',
  'name looks like one in use': (name) => `The name “${name}” looks like a name someone else is using. `
    + 'Pick another name.',
};
/**
 * Nonces of the chat messages this tab sent (kept across reloads of the tab): only those are
 * styled as "mine". A message that merely carries this user's name (posted over HTTP, or sent
 * under the name before this user took it) is shown like anyone else's.
 */
const sentNonces = new Set(JSON.parse(sessionStorage.getItem('pushlab.sent') || '[]'));

const page = document.getElementById('page');
const counters = new Counters(page);
const connectForm = page.querySelector('[data-role="connect-form"]');
const connectError = page.querySelector('[data-role="connect-error"]');
const disconnectButton = page.querySelector('[data-action="disconnect"]');
const chatForm = page.querySelector('[data-role="chat-form"]');
const chatError = page.querySelector('[data-role="chat-error"]');
const joinForm = page.querySelector('[data-role="join-form"]');
const tabs = page.querySelector('[data-role="tabs"]');
const conversationsNode = page.querySelector('[data-role="conversations"]');
const noConversation = page.querySelector('[data-role="no-conversation"]');
const titleNode = page.querySelector('[data-role="conversation-title"]');
const roomList = page.querySelector('[data-role="rooms"]');
const presenceList = page.querySelector('[data-role="presence"]');
const presenceRoom = page.querySelector('[data-role="presence-room"]');
const errorList = page.querySelector('[data-role="errors"]');
const noErrors = page.querySelector('[data-role="no-errors"]');
const stall = stallWatch(connectForm, 'WebSocket connection');

const state = {
  user: null,
  socket: null,
  wanted: false, // the user wants to be connected: reconnect after a drop
  opened: false, // the current socket reached "open"
  attempt: 0,
  timer: null,
  current: null, // key of the shown conversation
  conversations: new Map(), // key -> { key, kind, name, list, node, tab, unread, users, rejoining }
};

// --- conversations (a room, or a private conversation with one person) ---

function roomKey(room) {
  return `room:${room}`;
}

function peerKey(peer) {
  return `user:${peer}`;
}

function conversation(key, kind, name) {
  let entry = state.conversations.get(key);
  if (entry) {
    return entry;
  }
  const node = el('div', 'conversation');
  node.dataset.conversation = key;
  node.hidden = true;
  const messages = el('ol', 'messages');
  messages.dataset.role = 'messages';
  messages.setAttribute('aria-live', 'polite');
  const empty = el('p', 'empty', kind === 'room' ? 'No messages in this room yet.'
    : `Only you and ${name} see this conversation.`);
  empty.dataset.role = 'empty';
  node.append(messages, empty);
  conversationsNode.append(node);
  const tab = el('button', kind === 'room' ? 'tab' : 'tab private', kind === 'room' ? `#${name}` : `@${name}`);
  tab.type = 'button';
  tab.dataset.tab = key;
  tab.addEventListener('click', () => show(key));
  tabs.append(tab);
  entry = { key, kind, name, list: new MessageList(node), node, tab, unread: 0, users: [], rejoining: false };
  state.conversations.set(key, entry);
  noConversation.hidden = true;
  renderRooms();
  return entry;
}

function removeConversation(key) {
  const entry = state.conversations.get(key);
  if (!entry) {
    return;
  }
  entry.node.remove();
  entry.tab.remove();
  state.conversations.delete(key);
  if (state.current === key) {
    const next = state.conversations.keys().next();
    state.current = null;
    if (!next.done) {
      show(next.value);
    }
    else {
      titleNode.textContent = 'Messages';
      noConversation.hidden = false;
      renderPresence();
      updateForms();
    }
  }
  renderRooms();
}

function show(key) {
  const entry = state.conversations.get(key);
  if (!entry) {
    return;
  }
  state.current = key;
  for (const other of state.conversations.values()) {
    other.node.hidden = other !== entry;
    other.tab.classList.toggle('active', other === entry);
  }
  entry.unread = 0;
  renderTab(entry);
  titleNode.textContent = entry.kind === 'room' ? `Room #${entry.name}` : `Private with ${entry.name}`;
  entry.list.list.scrollTop = entry.list.list.scrollHeight;
  renderPresence();
  renderRooms();
  updateForms();
}

function renderTab(entry) {
  const label = entry.kind === 'room' ? `#${entry.name}` : `@${entry.name}`;
  entry.tab.replaceChildren(label);
  if (entry.unread > 0) {
    entry.tab.append(el('span', 'badge', entry.unread));
  }
}

function markUnread(entry) {
  if (state.current !== entry.key) {
    entry.unread++;
    renderTab(entry);
  }
}

function rooms() {
  return [...state.conversations.values()].filter((entry) => entry.kind === 'room');
}

function renderRooms() {
  roomList.replaceChildren(...rooms().map((entry) => {
    const item = el('li', state.current === entry.key ? 'active' : '');
    const open = el('button', 'room-name', `#${entry.name}`);
    open.type = 'button';
    open.addEventListener('click', () => show(entry.key));
    const leave = el('button', 'secondary', 'Leave');
    leave.type = 'button';
    leave.disabled = !isOpen();
    leave.addEventListener('click', () => leaveRoom(entry.name));
    item.append(open, leave);
    return item;
  }));
}

function renderPresence() {
  const entry = state.conversations.get(state.current);
  const room = entry && entry.kind === 'room' ? entry : null;
  presenceRoom.textContent = room ? `#${room.name}` : '—';
  const users = room ? room.users : [];
  presenceList.replaceChildren(...users.map((name) => {
    const button = el('button', name === state.user ? 'me' : '', name === state.user ? `${name} (you)` : name);
    button.type = 'button';
    button.dataset.user = name;
    if (name === state.user) {
      button.disabled = true;
    }
    else {
      button.title = `Talk to ${name} privately`;
      button.addEventListener('click', () => show(conversation(peerKey(name), 'user', name).key));
    }
    const item = el('li');
    item.append(button);
    return item;
  }));
  if (users.length === 0) {
    presenceList.replaceChildren(el('li', 'empty', room ? 'Nobody (yet).' : 'Pick a room to see who is here.'));
  }
  else if (room && room.count > users.length) {
    presenceList.append(el('li', 'empty', `and ${room.count - users.length} more`));
  }
}

// --- the connection ---

function isOpen() {
  return state.socket !== null && state.socket.readyState === WebSocket.OPEN;
}

function updateForms() {
  const open = isOpen();
  const entry = state.conversations.get(state.current);
  chatForm.elements.text.disabled = !open || !entry;
  chatForm.querySelector('button').disabled = !open || !entry;
  joinForm.querySelector('button').disabled = !open;
  connectForm.elements.user.disabled = state.wanted;
  connectForm.querySelector('button[type="submit"]').disabled = state.wanted;
  disconnectButton.disabled = !state.wanted;
  renderRooms();
}

function send(frame) {
  if (!isOpen()) {
    return false;
  }
  const text = JSON.stringify(frame);
  state.socket.send(text);
  counters.add('framesOut');
  counters.add('bytesOut', utf8Length(text));
  return true;
}

function connect() {
  clearTimeout(state.timer);
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const socket = new WebSocket(`${scheme}://${location.host}/ws/chat?user=${encodeURIComponent(state.user)}`);
  state.socket = socket;
  state.opened = false;
  stall.start();
  setStatus(page, state.attempt > 0 ? `reconnecting (attempt ${state.attempt})…` : 'connecting…', 'warn');
  socket.addEventListener('open', () => {
    if (state.socket !== socket) {
      return;
    }
    state.opened = true;
    state.attempt = 0;
    stall.opened();
    setStatus(page, `connected as ${state.user}`, 'ok');
    connectError.hidden = true;
    const joined = rooms();
    if (joined.length === 0) {
      joinRoom(initialRoom());
    }
    for (const entry of joined) {
      entry.rejoining = true;
      send({ type: 'join', room: entry.name });
    }
    updateForms();
  });
  socket.addEventListener('message', (event) => {
    if (state.socket === socket) {
      receive(event.data);
    }
  });
  socket.addEventListener('close', (event) => {
    if (state.socket === socket) {
      closed(event);
    }
  });
}

function closed(event) {
  const opened = state.opened;
  stall.opened();
  state.socket = null;
  for (const entry of rooms()) {
    entry.users = [];
  }
  renderPresence();
  if (event.code === 4009) {
    state.wanted = false;
    showConnectError(NAME_REFUSED[event.reason]?.(state.user)
      ?? `The name “${state.user}” is in use by another browser. Pick another name.`);
    setStatus(page, event.reason || 'name in use', 'bad');
  }
  else if (event.code === 1009) {
    showServerError('too_big', 'The server closed the connection (1009): a frame was over its size limit.');
  }
  else if (event.code === 1008) {
    showServerError('too_slow', `The server closed the connection (1008): ${event.reason || 'policy violation'}.`);
  }
  if (!state.wanted) {
    if (event.code !== 4009) {
      setStatus(page, 'disconnected', '');
    }
    updateForms();
    return;
  }
  if (opened) {
    state.refused = 0;
  }
  else if (state.refused >= MAX_REFUSED) {
    // The browser hides the handshake's status, but the server answered plain HTTP meanwhile:
    // stop and say what the refusal likely was.
    state.wanted = false;
    state.refused = 0;
    showConnectError('The server is up but refused the WebSocket handshake several times in a row (the browser '
      + 'does not show why). Usually it is 403: this page was loaded from an origin the server does not allow '
      + '(pushlab.websocket.allowed-origins, or a TLS proxy without forwarded headers). '
      + 'Reload the page from the server\'s own address, or press Connect to try again.');
    setStatus(page, 'handshake refused', 'bad');
    updateForms();
    return;
  }
  else {
    // a handshake that never opened: count it as refused only if the server answers plain HTTP
    fetch('/api/stats', { cache: 'no-store' }).then((response) => {
      if (response.ok) {
        state.refused = (state.refused || 0) + 1;
      }
    }).catch(() => {
      state.refused = 0;
    });
  }
  const wait = Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** state.attempt) * (0.5 + Math.random() / 2);
  state.attempt++;
  const why = opened ? 'connection lost' : 'could not connect';
  setStatus(page, `${why}; retrying in ${(wait / 1000).toFixed(1)} s`, 'bad');
  state.timer = setTimeout(() => {
    counters.add('reconnects');
    connect();
  }, wait);
  updateForms();
}

function receive(data) {
  counters.add('framesIn');
  counters.add('bytesIn', utf8Length(data));
  let frame;
  try {
    frame = JSON.parse(data);
  }
  catch (e) {
    showServerError('client', 'The server sent a frame that is not JSON.');
    return;
  }
  switch (frame.type) {
    case 'history': return history(frame);
    case 'chat': return chat(frame);
    case 'presence': return presence(frame);
    case 'private': return privateMessage(frame);
    case 'error': return serverError(frame);
    default: return undefined;
  }
}

function history(frame) {
  const entry = state.conversations.get(roomKey(frame.room));
  if (!entry) {
    return;
  }
  let added = 0;
  for (const message of frame.messages) {
    if (entry.list.add(message, { mine: isMine(message) })) {
      added++;
    }
  }
  if (entry.rejoining) {
    entry.rejoining = false;
    counters.add('recovered', added);
    entry.list.system(added > 0 ? `Reconnected: ${added} missed message${added === 1 ? '' : 's'} recovered from history.`
      : 'Reconnected: nothing was missed.');
  }
}

function chat(message) {
  const entry = state.conversations.get(roomKey(message.room));
  if (!entry) {
    return; // a message still on its way after a leave
  }
  if (entry.list.add(message, { mine: isMine(message) })) {
    counters.add('messages');
    markUnread(entry);
  }
}

function isMine(message) {
  return message.from === state.user && message.nonce != null && sentNonces.has(message.nonce);
}

function rememberSent(nonce) {
  sentNonces.add(nonce);
  const recent = [...sentNonces].slice(-200);
  if (recent.length < sentNonces.size) {
    sentNonces.clear();
    recent.forEach((kept) => sentNonces.add(kept));
  }
  sessionStorage.setItem('pushlab.sent', JSON.stringify(recent));
}

// presence: a list (the first names of a big room, and the count) when this connection
// joins or a big room changes; then `joined` / `left` deltas while the room is small
function presence(frame) {
  const entry = state.conversations.get(roomKey(frame.room));
  if (!entry) {
    return;
  }
  if (Array.isArray(frame.users)) {
    entry.users = frame.users.slice();
  }
  else if (typeof frame.joined === 'string' && !entry.users.includes(frame.joined)) {
    entry.users = [...entry.users, frame.joined].sort(byName);
  }
  else if (typeof frame.left === 'string') {
    entry.users = entry.users.filter((name) => name !== frame.left);
  }
  entry.count = typeof frame.count === 'number' ? frame.count : entry.users.length;
  if (state.current === entry.key) {
    renderPresence();
  }
}

// the server's order: case-insensitive, then exact
function byName(a, b) {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x !== y) {
    return x < y ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

function privateMessage(message) {
  const mine = message.from === state.user;
  const peer = mine ? message.to : message.from;
  const entry = conversation(peerKey(peer), 'user', peer);
  const item = el('li', mine ? 'private mine' : 'private');
  if (message.nonce) {
    item.dataset.nonce = message.nonce;
  }
  item.append(el('span', 'id', mine ? '→' : '←'), el('span', 'from', message.from), el('span', 'text', message.text),
    el('span', 'meta', `${formatTime(message.sentAt)} · to ${message.to}`));
  entry.list.append(item);
  counters.add('messages');
  markUnread(entry);
}

function serverError(frame) {
  showServerError(frame.code, frame.message);
  chatError.textContent = `${frame.code}: ${frame.message}`;
  chatError.hidden = false;
}

function showServerError(code, message) {
  const item = el('li', '');
  item.append(el('code', '', code), el('span', '', message), el('span', 'meta', ` · ${new Date().toLocaleTimeString()}`));
  errorList.prepend(item);
  while (errorList.children.length > 20) {
    errorList.lastElementChild.remove();
  }
  noErrors.hidden = true;
}

function showConnectError(text) {
  connectError.textContent = text;
  connectError.hidden = false;
}

// --- user actions ---

function joinRoom(room) {
  const entry = conversation(roomKey(room), 'room', room);
  send({ type: 'join', room });
  show(entry.key);
}

function leaveRoom(room) {
  send({ type: 'leave', room });
  removeConversation(roomKey(room));
}

connectForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const user = connectForm.elements.user.value.trim();
  if (!USER_PATTERN.test(user)) {
    showConnectError('A name is 1 to 32 letters, digits, _ . or - (no spaces).');
    return;
  }
  connectError.hidden = true;
  if (state.user !== user) {
    for (const key of [...state.conversations.keys()]) {
      removeConversation(key);
    }
  }
  state.user = user;
  localStorage.setItem('pushlab.name', user);
  state.wanted = true;
  state.attempt = 0;
  connect();
  updateForms();
});

disconnectButton.addEventListener('click', () => {
  state.wanted = false;
  clearTimeout(state.timer);
  if (state.socket) {
    state.socket.close(1000, 'bye');
  }
  updateForms();
});

joinForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const room = joinForm.elements.room.value.trim();
  if (!ROOM_PATTERN.test(room)) {
    showServerError('invalid_room', 'A room is lower-case letters, digits and -, 1 to 32 characters.');
    return;
  }
  joinRoom(room);
  joinForm.elements.room.value = '';
});

chatForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const entry = state.conversations.get(state.current);
  const text = chatForm.elements.text.value;
  if (!entry || text.trim() === '') {
    return;
  }
  chatError.hidden = true;
  const nonce = `page-${randomId()}`;
  const frame = entry.kind === 'room' ? { type: 'chat', room: entry.name, text, nonce }
    : { type: 'private', to: entry.name, text, nonce };
  if (entry.kind === 'room') {
    rememberSent(nonce);
  }
  if (send(frame)) {
    chatForm.elements.text.value = '';
  }
});

connectForm.elements.user.value = localStorage.getItem('pushlab.name') || '';
renderPresence();
updateForms();
