// WebSocket: one connection to /ws/chat?user={name} carries every room the client joined,
// its presence and private messages. After a drop (close 1012 on a drill, 1001 on a
// restart, a network loss) the shared backoff reconnects, the client rejoins its rooms, and
// the `history` frame of each join fills what was missed: it holds the room's newest
// messages, so those at or below a room's cursor are expected overlap, not duplicates, and
// a hole beyond it (more missed than the history holds) is filled by the shared re-sync.
// A handshake the server keeps refusing while it answers HTTP (likely 403, a foreign
// Origin) is not retried forever: after MAX_REFUSED the client stops and says so.
// Each join carries a nonce: a join the server refuses (its `error` frame echoes the nonce,
// e.g. too_many_rooms) is rolled back, so it is not sent again after a reconnect.
import { fetchCounted, randomId, utf8Length, webSocketUrl } from '../common.js';
import { Emitter, Sequencer, backoff, lastId } from './client.js';

/** Failed handshakes in a row (never opened, server up) before the client stops retrying. */
export const MAX_REFUSED = 5;

/** Close code of a name held by another browser session. */
export const NAME_IN_USE = 4009;

/**
 * Events, besides those of every client (message, gap, duplicate, cost, down, up; `message`
 * and `gap` carry the room): state ({ state: 'connecting' | 'open' | 'retrying' | 'stopped' |
 * 'refused' | 'name-in-use', attempt, wait }), close ({ code, reason, opened }), history
 * ({ room, added, rejoin }), presence (frame), private (frame), error (frame), join-refused
 * ({ room, code, message }: the room was left out, it is not joined), frame-in (bytes),
 * frame-out (bytes).
 */
export class ChatClient extends Emitter {
  /** @param {{ user: string }} options the chat name */
  constructor({ user }) {
    super();
    this.user = user;
    this.socket = null;
    this.wanted = false;
    this.opened = false;
    this.attempt = 0;
    this.refused = 0;
    this.timer = null;
    this.rooms = new Map(); // room -> Sequencer
    this.awaiting = new Set(); // rooms whose history has not come since the last (re)join
    this.joins = new Map(); // nonce of a join sent on this connection -> its room, until its history
    this.cost = { requests: 0, bytes: 0, open: 0 };
    this.downSince = null;
    this.on('cost', ({ requests = 0, bytes = 0 }) => {
      this.cost.requests += requests;
      this.cost.bytes += bytes;
    });
  }

  /** The last id handed over in a room (null before its first message). */
  cursor(room) {
    const sequencer = this.rooms.get(room);
    return sequencer ? sequencer.cursor : null;
  }

  /** Messages the server sent again at or below a room's cursor, in every room (dropped). */
  duplicates() {
    return [...this.rooms.values()].reduce((sum, sequencer) => sum + sequencer.duplicates, 0);
  }

  get isOpen() {
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN;
  }

  /** Connects, and reconnects after every drop until stop(). */
  start() {
    this.wanted = true;
    this.attempt = 0;
    this.refused = 0;
    this.connect();
  }

  stop(code = 1000, reason = 'bye') {
    this.wanted = false;
    clearTimeout(this.timer);
    if (this.socket) {
      this.socket.close(code, reason);
    }
    this.cost.open = 0;
  }

  /**
   * Joins a room (now when open, else on the next open).
   * @param {number|null} cursor hand over only messages after this id; null takes the history whole
   */
  join(room, cursor = null) {
    if (!this.rooms.has(room)) {
      this.rooms.set(room, new Sequencer(this, room, cursor));
    }
    if (this.isOpen) {
      this.awaiting.add(room);
      this.sendJoin(room);
    }
  }

  leave(room) {
    this.forget(room);
    this.send({ type: 'leave', room });
  }

  sendJoin(room) {
    const nonce = `join-${randomId()}`;
    this.joins.set(nonce, room);
    this.send({ type: 'join', room, nonce });
  }

  /** Drops a room: no cursor, not awaited, not joined again after a reconnect. */
  forget(room) {
    this.rooms.delete(room);
    this.awaiting.delete(room);
    for (const [nonce, joined] of this.joins) {
      if (joined === room) {
        this.joins.delete(nonce);
      }
    }
    if (this.isOpen && this.awaiting.size === 0) {
      this.markUp();
    }
  }

  /** Sends a frame; false when not connected. */
  send(frame) {
    if (!this.isOpen) {
      return false;
    }
    const text = JSON.stringify(frame);
    this.socket.send(text);
    this.emit('frame-out', utf8Length(text));
    return true;
  }

  connect() {
    clearTimeout(this.timer);
    const socket = new WebSocket(webSocketUrl(`ws/chat?user=${encodeURIComponent(this.user)}`));
    this.socket = socket;
    this.opened = false;
    this.emit('cost', { requests: 1 });
    this.emit('state', { state: 'connecting', attempt: this.attempt });
    socket.addEventListener('open', () => {
      if (this.socket !== socket) {
        return;
      }
      this.opened = true;
      this.attempt = 0;
      this.refused = 0;
      this.cost.open = 1;
      this.awaiting = new Set(this.rooms.keys());
      this.joins.clear();
      for (const room of this.rooms.keys()) {
        this.sendJoin(room);
      }
      this.emit('state', { state: 'open' });
      if (this.awaiting.size === 0) {
        this.markUp();
      }
    });
    socket.addEventListener('message', (event) => {
      if (this.socket === socket) {
        this.receive(event.data);
      }
    });
    socket.addEventListener('close', (event) => {
      if (this.socket === socket) {
        this.closed(event);
      }
    });
  }

  receive(data) {
    const bytes = utf8Length(data);
    // 2 bytes of frame header up to 125 bytes of payload, 4 up to 65,535
    this.emit('cost', { bytes: bytes + (bytes > 125 ? 4 : 2) });
    this.emit('frame-in', bytes);
    let frame;
    try {
      frame = JSON.parse(data);
    }
    catch (e) {
      this.emit('error', { type: 'error', code: 'client', message: 'The server sent a frame that is not JSON.' });
      return;
    }
    const sequencer = frame.room ? this.rooms.get(frame.room) : undefined;
    switch (frame.type) {
      case 'history': {
        if (!sequencer) {
          return;
        }
        const rejoin = sequencer.cursor !== null && this.downSince !== null;
        const added = sequencer.accept(frame.messages, 'catch-up', { overlap: true });
        for (const [nonce, room] of this.joins) {
          if (room === frame.room) {
            this.joins.delete(nonce); // accepted
          }
        }
        const socket = this.socket;
        const joined = (restarted) => {
          if (this.socket !== socket) {
            return;
          }
          this.emit('history', { room: frame.room, added, rejoin, restarted });
          this.awaiting.delete(frame.room);
          if (this.awaiting.size === 0) {
            this.markUp();
          }
        };
        if (rejoin) {
          // history is the room's newest messages: a restarted server's are all at or below the cursor
          sequencer.verify(() => lastId(frame.room)).then(joined);
        }
        else {
          joined(false);
        }
        return;
      }
      case 'chat':
        if (sequencer) {
          sequencer.accept([frame], 'live');
        }
        return;
      case 'error':
        if (this.joins.has(frame.nonce)) {
          const room = this.joins.get(frame.nonce);
          this.forget(room);
          this.emit('join-refused', { room, code: frame.code, message: frame.message });
          return;
        }
        this.emit('error', frame);
        return;
      case 'presence':
      case 'private':
        this.emit(frame.type, frame);
        return;
      default:
    }
  }

  closed(event) {
    const opened = this.opened;
    this.socket = null;
    this.cost.open = 0;
    this.emit('close', { code: event.code, reason: event.reason, opened });
    if (event.code === NAME_IN_USE) {
      this.wanted = false;
      this.emit('state', { state: 'name-in-use', reason: event.reason });
      return;
    }
    if (!this.wanted) {
      this.emit('state', { state: 'stopped' });
      return;
    }
    this.markDown(`closed ${event.code}${event.reason ? ` ${event.reason}` : ''}`);
    if (opened) {
      this.refused = 0;
    }
    else if (this.refused >= MAX_REFUSED) {
      // The browser hides the handshake's status, but the server answered plain HTTP
      // meanwhile: the refusal is the server's (likely 403), retrying will not help.
      this.wanted = false;
      this.refused = 0;
      this.emit('state', { state: 'refused' });
      return;
    }
    else {
      fetchCounted('/api/stats').then(({ response }) => {
        if (response.ok) {
          this.refused++;
        }
      }).catch(() => {
        this.refused = 0;
      });
    }
    const wait = backoff(this.attempt);
    this.attempt++;
    this.emit('state', { state: 'retrying', wait, opened, attempt: this.attempt });
    this.timer = setTimeout(() => {
      if (this.wanted) {
        this.connect();
      }
    }, wait);
  }

  markDown(reason) {
    if (this.downSince === null) {
      this.downSince = performance.now();
      this.emit('down', { reason });
    }
  }

  markUp() {
    if (this.downSince !== null) {
      const downFor = performance.now() - this.downSince;
      this.downSince = null;
      this.emit('up', { downFor });
    }
  }
}
