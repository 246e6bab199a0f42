// Short polling: GET /api/rooms/{room}/messages?after={cursor} every interval. The answer is
// the room's retained log after the cursor, so a hole in it (`gap`) cannot be filled: it is
// reported at once. A failed request is retried after max(interval, backoff).
import { fetchCounted } from '../common.js';
import { TechniqueClient, backoff, problemDetail, retryAfter } from './client.js';

/** Most messages in one answer; a full answer means more wait, so the next poll is at once. */
const PAGE = 100;

/** Bounds of the interval (ms), as the pages' Interval fields; setTimeout would fire at once past 2^31 - 1. */
export const MIN_INTERVAL_MS = 100;
export const MAX_INTERVAL_MS = 60000;

export class PollingClient extends TechniqueClient {
  /**
   * @param {{ room: string, cursor: number, interval: () => number }} options interval is read
   *   before every wait, so a page may change it while polling, and kept within 100 ms..60 s
   */
  constructor({ room, cursor, interval }) {
    super(room, cursor);
    this.interval = interval;
    this.generation = 0;
    this.timer = null;
    this.failures = 0;
  }

  start() {
    this.stop();
    this.running = true;
    this.schedule(0);
  }

  stop() {
    this.generation++;
    this.running = false;
    clearTimeout(this.timer);
    this.cost.open = 0;
  }

  /** Polls now instead of at the next tick. */
  pollNow() {
    if (this.running) {
      this.schedule(0);
    }
  }

  /** The interval of the next wait, within MIN_INTERVAL_MS..MAX_INTERVAL_MS. */
  nextInterval() {
    const value = Number(this.interval());
    return Number.isFinite(value) ? Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, value)) : 1000;
  }

  /** Polls after ms (a wait too long for setTimeout is cut to its longest, not made 0). */
  schedule(ms) {
    ms = Math.min(ms, 2 ** 31 - 1);
    clearTimeout(this.timer);
    const mine = this.generation;
    this.nextAt = performance.now() + ms;
    this.timer = setTimeout(() => this.poll(mine), ms);
  }

  async poll(mine) {
    let wait = this.nextInterval();
    try {
      this.cost.open = 1;
      const known = this.sequencer.received;
      const { response, text, bytes } = await fetchCounted(`/api/rooms/${this.room}/messages?after=${known}`);
      this.cost.open = 0;
      if (mine !== this.generation) {
        return;
      }
      this.emit('cost', { requests: 1, bytes });
      if (!response.ok) {
        const error = new Error(problemDetail(response, text));
        error.retryAfter = retryAfter(response);
        throw error;
      }
      const data = JSON.parse(text);
      const via = this.downSince === null ? 'live' : 'catch-up';
      if (this.sequencer.restartedBelow(data.last, known)) {
        // the server numbers the room from 1 again: read it from there at once
        wait = 0;
      }
      else {
        this.sequencer.accept(data.messages, via, { retained: true });
      }
      this.failures = 0;
      this.markUp();
      this.emit('state', { state: 'open', empty: data.messages.length === 0 });
      if (data.messages.length >= PAGE) {
        wait = 0;
      }
    }
    catch (e) {
      this.cost.open = 0;
      if (mine !== this.generation) {
        return;
      }
      this.markDown(e.message);
      wait = Math.max(wait, backoff(this.failures++, e.retryAfter));
      this.emit('state', { state: 'retrying', wait, error: e.message });
    }
    if (mine === this.generation) {
      this.schedule(wait);
    }
  }
}
