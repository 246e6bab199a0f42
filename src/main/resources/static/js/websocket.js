// /websocket: group and private chat. The client (clients/websocket.js) holds the one
// connection to /ws/chat?user={name}: on a drop it reconnects with the shared backoff,
// rejoins its rooms and fills the gap from the history frame, each message once (by id).
// This module draws conversations, presence and errors. User text is only ever put in the
// page with textContent (el()).
import { Counters, MessageList, ROOM_PATTERN, el, formatTime, initialRoom, randomId, setStatus } from './common.js';
import { ChatClient } from './clients/websocket.js';
import { stallWatch } from './stall.js';

const USER_PATTERN = /^[\p{L}\p{N}_.-]{1,32}$/u;
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
const privateForm = page.querySelector('[data-role="private-form"]');
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
  client: null, // the ChatClient of the current name
  wanted: false, // the user wants to be connected: the client reconnects after a drop
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
      button.addEventListener('click', () => talkTo(name));
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

// --- the connection (clients/websocket.js) ---

function isOpen() {
  return state.client !== null && state.client.isOpen;
}

function updateForms() {
  const open = isOpen();
  const entry = state.conversations.get(state.current);
  chatForm.elements.text.disabled = !open || !entry;
  chatForm.querySelector('button').disabled = !open || !entry;
  joinForm.querySelector('button').disabled = !open;
  privateForm.querySelector('button').disabled = !state.wanted;
  connectForm.elements.user.disabled = state.wanted;
  connectForm.querySelector('button[type="submit"]').disabled = state.wanted;
  disconnectButton.disabled = !state.wanted;
  renderRooms();
}

function send(frame) {
  return state.client !== null && state.client.send(frame);
}

function connect() {
  const previous = state.client;
  if (previous) {
    previous.stop();
  }
  const client = new ChatClient({ user: state.user });
  state.client = client;
  for (const entry of rooms()) {
    // after Disconnect and Connect, carry each room's cursor over: only what was missed is new
    client.join(entry.name, previous ? previous.cursor(entry.name) : null);
  }
  // events of a client that is no longer the page's (a name change) are ignored
  const current = (handler) => (...args) => {
    if (state.client === client) {
      handler(...args);
    }
  };
  client.on('frame-in', current((bytes) => {
    counters.add('framesIn');
    counters.add('bytesIn', bytes);
  }));
  client.on('frame-out', current((bytes) => {
    counters.add('framesOut');
    counters.add('bytesOut', bytes);
  }));
  client.on('state', current((event) => clientState(event)));
  client.on('close', current((event) => closed(event)));
  client.on('history', current(history));
  client.on('message', current((message, via) => chat(message, via)));
  client.on('gap', current(({ room, from, to, missing }) => {
    const entry = state.conversations.get(roomKey(room));
    if (entry) {
      entry.list.system(`${missing} message${missing === 1 ? ' is' : 's are'} no longer retained by the server `
        + `(gap: #${from}–#${to}).`);
    }
  }));
  client.on('restart', current(({ room, cursor, last }) => {
    const entry = state.conversations.get(roomKey(room));
    if (entry) {
      entry.list.restarted(`The server restarted and lost this room's messages (ids now end at #${last}, this page had #${cursor}): `
      + 'reading the room again from its first message.');
    }
  }));
  client.on('presence', current(presence));
  client.on('private', current(privateMessage));
  client.on('error', current(serverError));
  client.start();
}

function clientState({ state: what, attempt, wait, opened, reason }) {
  if (what === 'connecting') {
    stall.start();
    setStatus(page, attempt > 0 ? `reconnecting (attempt ${attempt})…` : 'connecting…', 'warn');
    if (attempt > 0) {
      counters.add('reconnects');
    }
  }
  else if (what === 'open') {
    stall.opened();
    setStatus(page, `connected as ${state.user}`, 'ok');
    connectError.hidden = true;
    const joined = rooms();
    for (const entry of joined) {
      entry.rejoining = true; // the client has sent their joins again
    }
    if (joined.length === 0) {
      joinRoom(initialRoom());
    }
  }
  else if (what === 'retrying') {
    setStatus(page, `${opened ? 'connection lost' : 'could not connect'}; retrying in ${(wait / 1000).toFixed(1)} s`,
      'bad');
  }
  else if (what === 'name-in-use') {
    state.wanted = false;
    showConnectError(NAME_REFUSED[reason]?.(state.user)
      ?? `The name “${state.user}” is in use by another browser (${reason || 'name in use'}). Pick another name.`);
    setStatus(page, reason || 'name in use', 'bad');
  }
  else if (what === 'refused') {
    // The browser hides the handshake's status, but the server answered plain HTTP meanwhile:
    // the client stopped; say what the refusal likely was.
    state.wanted = false;
    showConnectError('The server is up but refused the WebSocket handshake several times in a row (the browser '
      + 'does not show why). Usually it is 403: this page was loaded from an origin the server does not allow '
      + '(pushlab.websocket.allowed-origins, or a TLS proxy without forwarded headers). '
      + 'Reload the page from the server\'s own address, or press Connect to try again.');
    setStatus(page, 'handshake refused', 'bad');
  }
  else if (what === 'stopped') {
    setStatus(page, 'disconnected', '');
  }
  updateForms();
}

function closed(event) {
  stall.opened();
  for (const entry of rooms()) {
    entry.users = [];
  }
  renderPresence();
  if (event.code === 1009) {
    showServerError('too_big', 'The server closed the connection (1009): a frame was over its size limit.');
  }
  else if (event.code === 1008) {
    showServerError('too_slow', `The server closed the connection (1008): ${event.reason || 'policy violation'}.`);
  }
  else if (event.code === 1012) {
    showServerError('restart', 'The server dropped the connection (1012, service restart); reconnecting.');
  }
  updateForms();
}

function history({ room, added, restarted }) {
  const entry = state.conversations.get(roomKey(room));
  if (!entry) {
    return;
  }
  if (entry.rejoining) {
    entry.rejoining = false;
    if (restarted) {
      return; // the restart line said what happened
    }
    entry.list.system(added > 0 ? `Reconnected: ${added} missed message${added === 1 ? '' : 's'} recovered from history.`
      : 'Reconnected: nothing was missed.');
  }
}

function chat(message, via) {
  const entry = state.conversations.get(roomKey(message.room));
  if (!entry) {
    return; // a message still on its way after a leave
  }
  if (entry.list.add(message, { mine: isMine(message) })) {
    if (via === 'live') {
      counters.add('messages');
      markUnread(entry);
    }
    else if (entry.rejoining) {
      counters.add('recovered');
    }
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
  if (state.client) {
    state.client.join(room);
  }
  show(entry.key);
}

function leaveRoom(room) {
  if (state.client) {
    state.client.leave(room);
  }
  removeConversation(roomKey(room));
}

/** Opens (or shows) the private conversation with a name. */
function talkTo(peer) {
  show(conversation(peerKey(peer), 'user', peer).key);
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
  connect();
  updateForms();
});

disconnectButton.addEventListener('click', () => {
  state.wanted = false;
  if (state.client) {
    state.client.stop();
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

privateForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const to = privateForm.elements.to.value.trim();
  if (!USER_PATTERN.test(to)) {
    showServerError('invalid_name', 'A name is 1 to 32 letters, digits, _ . or - (no spaces).');
    return;
  }
  talkTo(to);
  privateForm.elements.to.value = '';
  chatForm.elements.text.focus();
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
