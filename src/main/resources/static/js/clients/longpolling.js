// Long polling: GET /api/rooms/{room}/longpoll?client=&after={cursor}&timeout= parks at the
// server until a message comes (200) or the timeout passes (204); the next request goes out
// at once with the new cursor. Because every request carries `after`, a lost queue (a drop
// answered 503, an evicted queue, another instance) costs nothing: the server rebuilds it
// from the room's history. A `gap` (the room no longer holds what the cursor asks for) is filled by the shared re-sync.
import { fetchCounted, randomId } from '../common.js';
import { TechniqueClient, backoff, lastId, problemDetail, retryAfter } from './client.js';

/** Below a second a long poll is a busy loop of short polls: every request waits at least this. */
export const MIN_TIMEOUT_MS = 1000;

/** The longest timeout the server allows (pushlab.long-polling.timeout). */
export const MAX_TIMEOUT_MS = 25000;

/** A client id as the server wants it: ^[A-Za-z0-9_-]{8,64}$. */
export function newClientId(prefix = '') {
  return `${prefix}${randomId()}`.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 64);
}

export class LongPollingClient extends TechniqueClient {
  /**
   * @param {{ room: string, cursor: number, client?: string, timeout: () => number }} options
   *   timeout is read before every request and kept within 1 s..25 s
   */
  constructor({ room, cursor, client = newClientId(), timeout }) {
    super(room, cursor);
    this.client = client;
    this.timeout = timeout;
    this.generation = 0;
    this.controller = null;
  }

  /** The timeout of the next request, within MIN_TIMEOUT_MS..MAX_TIMEOUT_MS. */
  nextTimeout() {
    const value = Number(this.timeout());
    return Number.isFinite(value) ? Math.min(MAX_TIMEOUT_MS, Math.max(MIN_TIMEOUT_MS, value)) : MAX_TIMEOUT_MS;
  }

  start() {
    this.stop();
    this.running = true;
    this.loop(this.generation);
  }

  stop() {
    this.generation++;
    this.running = false;
    if (this.controller) {
      this.controller.abort();
      this.controller = null;
    }
    this.cost.open = 0;
  }

  async loop(mine) {
    let failures = 0;
    while (mine === this.generation) {
      if (failures > 0) {
        // back after a failure: a parked request would not tell a server that restarted
        await this.sequencer.verify(() => lastId(this.room));
        if (mine !== this.generation) {
          return;
        }
      }
      const controller = new AbortController();
      this.controller = controller;
      try {
        this.cost.open = 1;
        const timeout = this.nextTimeout();
        this.emit('state', { state: 'open', timeout });
        const known = this.sequencer.received;
        const url = `/api/rooms/${this.room}/longpoll?client=${this.client}&after=${known}`
          + `&timeout=${timeout}`;
        const { response, text, bytes } = await fetchCounted(url, { signal: controller.signal });
        this.cost.open = 0;
        if (mine !== this.generation) {
          return;
        }
        this.emit('cost', { requests: 1, bytes });
        if (response.status === 204) {
          failures = 0;
          this.markUp();
          this.emit('state', { state: 'open', empty: true });
          continue;
        }
        if (!response.ok) {
          const error = new Error(problemDetail(response, text));
          error.retryAfter = retryAfter(response);
          throw error;
        }
        const data = JSON.parse(text);
        failures = 0;
        const via = this.downSince === null ? 'live' : 'catch-up';
        if (!this.sequencer.restartedBelow(data.last, known)) {
          this.sequencer.accept(data.messages, via);
        }
        this.markUp();
      }
      catch (e) {
        this.cost.open = 0;
        if (mine !== this.generation || e.name === 'AbortError') {
          return;
        }
        this.markDown(e.message);
        const wait = backoff(failures++, e.retryAfter);
        this.emit('state', { state: 'retrying', wait, error: e.message });
        await new Promise((resolve) => {
          setTimeout(resolve, wait);
        });
      }
    }
  }
}
