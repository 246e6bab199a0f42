// What the four technique clients share: one backoff, one ordering and de-duplication by
// id, one way to handle a gap, and one way to report events. Each technique's own module
// (polling.js, longpolling.js, sse.js, websocket.js) only speaks its wire protocol; the
// pages (its own page and /compare) only draw what the client reports.
//
// Events every client emits (subscribe with client.on(name, fn)):
//   message  (message, via)  each message once, in id order; via is 'live', 'catch-up'
//                             (replayed after a reconnect: Last-Event-ID, the long-poll
//                             `after`, WebSocket history) or 'resync' (a short poll that
//                             filled a hole, see Sequencer)
//   state    ({ state, ... }) 'connecting', 'open', 'retrying' ({ wait, error }), 'stopped'
//   down     ({ reason })     the connection was lost (stream ended, 503, close code…)
//   up       ({ downFor })    it is back and has caught up from its cursor
//   gap      ({ from, to, missing }) ids from..to are no longer retained: lost for good
//   duplicate (message)       the server sent a message at or below the cursor again
//   restart  ({ room, cursor, last }) the room's newest id is below the cursor: the server
//                             lost the room's log and numbers it from 1 again; the client
//                             reads it again from id 0 (see Sequencer.restartedBelow)
//   cost     ({ requests, bytes }) a request made / bytes received (added to client.cost)
import { fetchCounted } from '../common.js';

/** Starting delay of the backoff, doubled per failure in a row. */
export const BACKOFF_START_MS = 500;

/** Longest delay of the backoff. */
export const BACKOFF_MAX_MS = 30000;

/**
 * The one reconnect backoff of every client: 500 ms × 2^attempt, at most 30 s, with "equal
 * jitter" (half of it fixed, half random) so that clients dropped together do not come back
 * in the same millisecond. Attempt 0 waits 250–500 ms, 1 waits 0.5–1 s, 2 waits 1–2 s, …,
 * 6 and more wait 15–30 s. A server's Retry-After, when it sends one, is a floor.
 * @param {number} attempt failures in a row before this one (0 for the first)
 * @param {number} [retryAfterSeconds] the server's Retry-After
 */
export function backoff(attempt, retryAfterSeconds = 0) {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** Math.min(attempt, 16));
  const wait = ceiling / 2 + (Math.random() * ceiling) / 2;
  return Math.max(wait, (Number(retryAfterSeconds) || 0) * 1000);
}

/** The Retry-After of a response in seconds, or 0. */
export function retryAfter(response) {
  const value = Number(response && response.headers.get('Retry-After'));
  // at most an hour: a larger delay would overflow setTimeout (2^31 ms) and fire at once
  return Number.isFinite(value) && value > 0 ? Math.min(value, 3600) : 0;
}

/** Reads an error answer's problem+json detail, or the status line. */
export function problemDetail(response, text) {
  try {
    const problem = JSON.parse(text);
    if (problem && problem.detail) {
      return `HTTP ${response.status}: ${problem.detail}`;
    }
  }
  catch (e) {
    // not JSON
  }
  return `HTTP ${response.status}`;
}

/** A small event emitter; handlers that throw do not stop the others. */
export class Emitter {
  constructor() {
    this.handlers = {};
  }

  on(name, handler) {
    (this.handlers[name] = this.handlers[name] || []).push(handler);
    return this;
  }

  emit(name, ...args) {
    for (const handler of this.handlers[name] || []) {
      try {
        handler(...args);
      }
      catch (e) {
        console.error(e); // eslint-disable-line no-console
      }
    }
  }
}

/** The newest id of a room (0 when empty), from one short poll. */
export async function lastId(room) {
  const { response, text } = await fetchCounted(`/api/rooms/${room}/messages?after=0&limit=1`);
  if (!response.ok) {
    throw new Error(problemDetail(response, text));
  }
  return JSON.parse(text).last;
}

/**
 * One room's cursor on one client: hands each message over once and in id order, and
 * handles every hole the same way.
 *
 * - De-duplication: ids of a room strictly increase and every technique delivers them in
 *   order, so a message at or below the cursor has been handed over already. It is dropped;
 *   it counts as a duplicate unless it came in a frame that overlaps by design (the
 *   WebSocket history on rejoin is the room's newest messages, not those after a cursor).
 * - Gap: ids of a room have no holes, so a message beyond cursor + 1 means some are missing
 *   (the server's `gap` flag says the same). The client then re-syncs by short polling from
 *   its cursor (GET messages?after=cursor, as the wire contract advises), hands over what
 *   the room still retains, and reports what is gone for good as a `gap` event. Messages
 *   that come meanwhile wait, so the order holds. When the answer with the hole was already
 *   the retained log (a short poll), there is nothing to re-sync: the hole is reported at once.
 */
export class Sequencer {
  /**
   * @param {Emitter} client the client whose events (message, gap, duplicate, cost) to emit
   * @param {string} room the room
   * @param {number|null} cursor the last id handed over; null takes the first message as the start
   *
   * `cursor` is the last id handed to the page; `received` the newest id that came on the
   * wire (ahead of the cursor while a re-sync holds messages back). Transports ask the
   * server for what comes after `received`, so nothing is asked for twice.
   */
  constructor(client, room, cursor) {
    this.client = client;
    this.room = room;
    this.cursor = cursor;
    this.received = cursor;
    this.pending = null;
    this.duplicates = 0;
    this.missing = 0;
  }

  /**
   * @param {object[]} messages the messages of one answer or frame
   * @param {string} via how they came: 'live', 'catch-up', 'resync'
   * @param {{ overlap?: boolean, retained?: boolean }} options overlap: messages at or below
   *   the cursor are expected (not duplicates); retained: the answer is the room's retained
   *   log, so a hole in it cannot be filled
   * @returns {number} how many were handed over now
   */
  accept(messages, via, { overlap = false, retained = false } = {}) {
    const sorted = [...messages].sort((a, b) => a.id - b.id);
    if (sorted.length > 0) {
      this.received = Math.max(this.received ?? 0, sorted[sorted.length - 1].id);
    }
    let handed = 0;
    for (let i = 0; i < sorted.length; i++) {
      const message = sorted[i];
      if (this.pending) {
        this.pending.push({ messages: sorted.slice(i), via, overlap, retained });
        return handed;
      }
      if (this.cursor !== null && message.id <= this.cursor) {
        if (!overlap) {
          this.duplicates++;
          this.client.emit('duplicate', message);
        }
        continue;
      }
      if (this.cursor !== null && message.id > this.cursor + 1) {
        if (retained) {
          this.lose(message.id - 1);
        }
        else {
          this.pending = [{ messages: sorted.slice(i), via, overlap, retained }];
          this.resync(message.id);
          return handed;
        }
      }
      this.cursor = message.id;
      handed++;
      this.client.emit('message', message, via);
    }
    return handed;
  }

  /**
   * Whether the room's newest id (`last`, from the server) is below what this client has
   * received: the server lost the room's log (an in-memory server restarted, Redis was
   * flushed) and numbers the room from 1 again, so every message it holds now is new to this
   * client. Then a `restart` event says so and the cursor goes back to 0, so the next request
   * reads the room again from its first message (or {@link Sequencer#verify} does). A restart that has already
   * published past the old cursor cannot be told from the wire.
   * @param {number} last the room's newest id, as the server reports it
   * @param {number|null} known what this client had received when it sent the request that
   *   reported `last` (messages that came since may be newer than `last`)
   * @returns {boolean} whether the room restarted
   */
  restartedBelow(last, known) {
    if (known === null || known === undefined || !(last < known)) {
      return false;
    }
    this.client.emit('restart', { room: this.room, cursor: this.cursor, last });
    this.cursor = 0;
    this.received = 0;
    return true;
  }

  /**
   * After a reconnect, checks the cursor against the room's newest id (read by `readLast`)
   * while messages that come meanwhile wait; if the room restarted, reads it again from id 0
   * (as a re-sync), then hands over what waited.
   * @param {() => Promise<number>} readLast reads the room's newest id from the server
   * @returns {Promise<boolean>} whether the room restarted
   */
  async verify(readLast) {
    if (this.received === null || this.pending) {
      return false;
    }
    this.pending = [];
    const known = this.received;
    let last = null;
    try {
      last = await readLast();
    }
    catch (e) {
      // the room cannot be read now: carry on from the cursor
    }
    if (last !== null && this.restartedBelow(last, known)) {
      // what came live meanwhile may also be in the re-read room: not a duplicate
      for (const batch of this.pending) {
        batch.overlap = true;
      }
      await this.resync(last + 1);
      this.received = Math.max(this.received, this.cursor);
      return true;
    }
    const waiting = this.pending;
    this.pending = null;
    for (const batch of waiting) {
      this.accept(batch.messages, batch.via, batch);
    }
    return false;
  }

  /** Reports cursor+1..to as gone for good and moves the cursor past them. */
  lose(to) {
    const from = this.cursor + 1;
    if (to < from) {
      return;
    }
    this.missing += to - from + 1;
    this.cursor = to;
    this.client.emit('gap', { room: this.room, from, to, missing: to - from + 1 });
  }

  /** Short-polls from the cursor up to (not including) id until, then replays what waited. */
  async resync(until) {
    try {
      for (let rounds = 0; rounds < 20 && this.cursor < until - 1; rounds++) {
        const { response, text, bytes } = await fetchCounted(
          `/api/rooms/${this.room}/messages?after=${this.cursor}&limit=1000`);
        this.client.emit('cost', { requests: 1, bytes });
        if (!response.ok) {
          throw new Error(problemDetail(response, text));
        }
        const data = JSON.parse(text);
        const before = data.messages.filter((message) => message.id < until);
        for (const message of before) {
          if (message.id <= this.cursor) {
            continue;
          }
          if (message.id > this.cursor + 1) {
            this.lose(message.id - 1);
          }
          this.cursor = message.id;
          this.client.emit('message', message, 'resync');
        }
        if (before.length === 0 || before.length < data.messages.length || !data.messages.length) {
          break;
        }
      }
    }
    catch (e) {
      // the room cannot be read now: what is still missing is reported below
    }
    this.lose(until - 1);
    const waiting = this.pending;
    this.pending = null;
    for (const batch of waiting) {
      this.accept(batch.messages, batch.via, batch);
    }
  }
}

/**
 * What every technique client is: an emitter with one room's Sequencer, its cost
 * (requests made, bytes received, connections open now) and its down/up state.
 */
export class TechniqueClient extends Emitter {
  constructor(room, cursor) {
    super();
    this.room = room;
    this.sequencer = new Sequencer(this, room, cursor);
    this.cost = { requests: 0, bytes: 0, open: 0 };
    this.downSince = null;
    this.running = false;
    this.on('cost', ({ requests = 0, bytes = 0 }) => {
      this.cost.requests += requests;
      this.cost.bytes += bytes;
    });
  }

  /** The last id handed over. */
  get cursor() {
    return this.sequencer.cursor;
  }

  /** Messages the server sent again at or below the cursor (dropped, never handed over). */
  duplicates() {
    return this.sequencer.duplicates;
  }

  /** The connection was lost (once per outage). */
  markDown(reason) {
    if (this.downSince === null) {
      this.downSince = performance.now();
      this.emit('down', { reason, cursor: this.cursor });
    }
  }

  /** It is back and caught up from its cursor (once per outage). */
  markUp() {
    if (this.downSince !== null) {
      const downFor = performance.now() - this.downSince;
      this.downSince = null;
      this.emit('up', { downFor, cursor: this.cursor });
    }
  }
}
