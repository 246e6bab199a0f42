// /websocket: group and private chat. The client (clients/websocket.js) holds the one
// connection to /ws/chat?user={name}: on a drop it reconnects with the shared backoff,
// rejoins its rooms and fills the gap from the history frame, each message once (by id).
// This module draws conversations, presence and errors. User text is only ever put in the
// page with textContent (el()).
import {
  Counters, MessageList, ROOM_PATTERN, TEXT_MAX_CHARS, appUrl, el, fieldError, formatTime, initialRoom, randomId,
  setStatus,
} from './common.js';
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
  'name taken by another session': (name) => `While this server was cut off from the cluster, another browser `
    + `took the name “${name}”. It is theirs now: pick another name.`,
};
/**
 * Nonces of the chat messages this tab sent (kept across reloads of the tab): only those are
 * styled as "mine". A message that merely carries this user's name (posted over HTTP, or sent
 * under the name before this user took it) is shown like anyone else's.
 */
const sentNonces = new Set(JSON.parse(sessionStorage.getItem('pushlab.sent') || '[]'));
/**
 * Texts sent but not yet echoed by the server, by nonce -> { key, text }: the field is
 * cleared at once, and a text the server refuses (its `error` frame carries the nonce) is
 * put back, so nothing typed is lost.
 */
const unconfirmed = new Map();

const page = document.getElementById('page');
const counters = new Counters(page);
const connectForm = page.querySelector('[data-role="connect-form"]');
const connectError = page.querySelector('[data-role="connect-error"]');
const disconnectButton = page.querySelector('[data-action="disconnect"]');
const chatForm = page.querySelector('[data-role="chat-form"]');
const chatError = page.querySelector('[data-role="chat-error"]');
const joinForm = page.querySelector('[data-role="join-form"]');
const joinError = page.querySelector('[data-role="join-error"]');
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
  checking: false, // the name is being checked with the server before connecting
  current: null, // key of the shown conversation
  // key -> { key, kind, name, list, node, tab, unread, users, rejoining, joined, refused }; a room is
  // joined once its history came, refused when the server refused to join it again after a reconnect
  conversations: new Map(),
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
  entry = { key, kind, name, list: new MessageList(node), node, tab, unread: 0, users: [], rejoining: false,
    joined: false, refused: false };
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
    const open = el('button', 'room-name', entry.refused ? `#${entry.name} (not joined)` : `#${entry.name}`);
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
  if (room && !isOpen()) {
    presenceList.replaceChildren(el('li', 'empty', 'Unknown while disconnected.'));
  }
  else if (room && room.refused) {
    presenceList.replaceChildren(el('li', 'empty', 'Unknown: you are not in this room.'));
  }
  else if (users.length === 0) {
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
  const canChat = open && entry && !entry.refused;
  chatForm.elements.text.disabled = !canChat;
  chatForm.querySelector('button').disabled = !canChat;
  joinForm.querySelector('button').disabled = !open;
  privateForm.querySelector('button').disabled = !state.wanted;
  connectForm.elements.user.disabled = state.wanted || state.checking;
  connectForm.querySelector('button[type="submit"]').disabled = state.wanted || state.checking;
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
  for (const entry of rooms().filter((room) => !room.refused)) {
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
  client.on('join-refused', current(joinRefused));
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
    for (const entry of joined.filter((room) => !room.refused)) {
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
    // the client stopped; say what the refusal was: the name (asked again, in case the check
    // before connecting could not be made), else most likely the page's origin.
    state.wanted = false;
    setStatus(page, 'handshake refused', 'bad');
    const user = state.user;
    nameRefusal(user).then((refusal) => showConnectError(refusal ? nameRefusedText(user, refusal)
      : 'The server is up but refused the WebSocket handshake several times in a row (the browser '
      + 'does not show why), though it accepts the name. Usually it is 403: this page was loaded from an origin '
      + 'the server does not allow (pushlab.websocket.allowed-origins, or a TLS proxy without forwarded headers). '
      + 'Reload the page from the server\'s own address, or press Connect to try again.'));
  }
  else if (what === 'stopped') {
    setStatus(page, 'disconnected', '');
  }
  renderPresence();
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
  entry.joined = true;
  if (entry.refused) {
    entry.refused = false;
    renderRooms();
    updateForms();
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
  unconfirmed.delete(message.nonce);
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
  unconfirmed.delete(message.nonce);
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
  let text = `${frame.code}: ${frame.message}`;
  const sent = frame.nonce != null ? unconfirmed.get(frame.nonce) : undefined;
  if (sent) {
    // the refused text goes back in the field, unless the user typed something else meanwhile
    unconfirmed.delete(frame.nonce);
    const field = chatForm.elements.text;
    if (state.current === sent.key && field.value === '') {
      field.value = sent.text;
      text += ' Your text is back in the field.';
    }
    else {
      text += ` Not sent: “${sent.text}”`;
    }
  }
  chatError.textContent = text;
  chatError.hidden = false;
}

/** The server refused a join (or a rejoin after a reconnect): the room is not joined. */
function joinRefused({ room, code, message }) {
  showServerError(code, message);
  showJoinError(`#${room} was not joined: ${code}: ${message}`);
  const entry = state.conversations.get(roomKey(room));
  if (!entry) {
    return;
  }
  if (entry.joined) {
    // it was joined before the reconnect: keep what it shows, marked as not joined
    entry.refused = true;
    entry.rejoining = false;
    entry.users = [];
    entry.list.system(`Not joined again after the reconnect (${code}: ${message}). Join it again, or leave it.`);
    renderRooms();
    renderPresence();
    updateForms();
  }
  else {
    removeConversation(entry.key);
  }
}

function showJoinError(text) {
  joinError.textContent = text;
  joinError.hidden = false;
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

/**
 * Asks the server whether the handshake accepts a name (GET /api/names/check, read-only):
 * the browser never shows why a handshake was refused, so an invalid or look-alike name is
 * caught before connecting, with the server's own reason.
 * @returns {Promise<string|null>} why the name is refused, or null (also when the check fails)
 */
async function nameRefusal(user) {
  try {
    const response = await fetch(appUrl(`/api/names/check?user=${encodeURIComponent(user)}`), { cache: 'no-store' });
    if (!response.ok) {
      return null;
    }
    const verdict = await response.json();
    return verdict.valid === false ? String(verdict.detail || 'the name is not allowed') : null;
  }
  catch (e) {
    return null;
  }
}

function nameRefusedText(user, refusal) {
  return `The server refuses the name “${user}”: ${refusal.replace(/^user: /, '')}. Pick another name.`;
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
  const entry = state.conversations.get(roomKey(room));
  if (state.client && !(entry && entry.refused)) {
    state.client.leave(room);
  }
  removeConversation(roomKey(room));
}

/** Opens (or shows) the private conversation with a name. */
function talkTo(peer) {
  show(conversation(peerKey(peer), 'user', peer).key);
}

connectForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (state.checking) {
    return;
  }
  const user = connectForm.elements.user.value.trim();
  if (!USER_PATTERN.test(user)) {
    showConnectError('A name is 1 to 32 letters, digits, _ . or - (no spaces).');
    return;
  }
  connectError.hidden = true;
  state.checking = true;
  updateForms();
  const refusal = await nameRefusal(user);
  state.checking = false;
  updateForms();
  if (refusal) {
    showConnectError(nameRefusedText(user, refusal));
    connectForm.elements.user.focus();
    return;
  }
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
    showJoinError('room: a room is lower-case letters, digits and -, 1 to 32 characters.');
    return;
  }
  joinError.hidden = true;
  joinRoom(room);
  joinForm.elements.room.value = '';
});

// a bad name is the To field's error: shown next to it, and gone once the name is corrected
privateForm.elements.to.addEventListener('input', () => {
  if (privateForm.elements.to.value.trim() === '' || USER_PATTERN.test(privateForm.elements.to.value.trim())) {
    fieldError(privateForm.elements.to, '');
  }
});

privateForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const to = privateForm.elements.to.value.trim();
  if (!USER_PATTERN.test(to)) {
    fieldError(privateForm.elements.to, 'To: a name is 1 to 32 letters, digits, _ . or - (no spaces).');
    privateForm.elements.to.focus();
    return;
  }
  fieldError(privateForm.elements.to, '');
  talkTo(to);
  privateForm.elements.to.value = '';
  chatForm.elements.text.focus();
});

chatForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const entry = state.conversations.get(state.current);
  const text = chatForm.elements.text.value;
  if (!entry) {
    return;
  }
  if (text.trim() === '') {
    chatError.textContent = 'text: only spaces; type something to send.';
    chatError.hidden = false;
    return;
  }
  const length = [...text].length;
  if (length > TEXT_MAX_CHARS) {
    chatError.textContent = `text: must be 1 to ${TEXT_MAX_CHARS} characters (an emoji counts as one); this one has ${length}.`;
    chatError.hidden = false;
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
    unconfirmed.set(nonce, { key: entry.key, text });
    if (unconfirmed.size > 100) {
      unconfirmed.delete(unconfirmed.keys().next().value); // never answered (a drop)
    }
  }
});

connectForm.elements.user.value = localStorage.getItem('pushlab.name') || '';
renderPresence();
updateForms();
