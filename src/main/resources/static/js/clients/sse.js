// Server-Sent Events: one EventSource on GET /api/rooms/{room}/events?lastEventId={cursor}.
// When the stream ends (a drop, a restart, a proxy), the browser reconnects by itself after
// the server's `retry:` delay and sends Last-Event-ID; the server replays what was missed.
// Only when the browser gives up (an answer that is not an event stream, e.g. 503) does the
// shared backoff open a new EventSource from the cursor.
import { appUrl, utf8Length } from '../common.js';
import { TechniqueClient, backoff, lastId } from './client.js';

export class SseClient extends TechniqueClient {
  /**
   * @param {{ room: string, cursor: number, retry?: number|null }} options retry: ask the
   *   server for this `retry:` (ms) instead of its default
   */
  constructor({ room, cursor, retry = null }) {
    super(room, cursor);
    this.retry = retry;
    this.source = null;
    this.timer = null;
    this.failures = 0;
  }

  start() {
    this.stop();
    this.running = true;
    this.open();
  }

  stop() {
    this.running = false;
    clearTimeout(this.timer);
    if (this.source) {
      this.source.close();
      this.source = null;
    }
    this.cost.open = 0;
  }

  /** Whether a stream is open or being opened. */
  get active() {
    return this.source !== null && this.source.readyState !== EventSource.CLOSED;
  }

  open() {
    clearTimeout(this.timer);
    if (this.source) {
      this.source.close();
    }
    let url = `/api/rooms/${this.room}/events?lastEventId=${this.sequencer.received ?? 0}`;
    if (this.retry) {
      url += `&retry=${this.retry}`;
    }
    const source = new EventSource(appUrl(url));
    this.source = source;
    this.emit('cost', { requests: 1 });
    this.emit('state', { state: 'connecting' });
    source.addEventListener('open', () => {
      if (this.source !== source) {
        return;
      }
      this.failures = 0;
      this.cost.open = 1;
      this.emit('state', { state: 'open' });
      const reconnected = this.downSince !== null;
      this.markUp();
      if (reconnected) {
        // the browser resumes from its own Last-Event-ID, which a restarted server has not reached
        this.sequencer.verify(() => lastId(this.room)).then((restarted) => {
          if (restarted && this.source === source && this.running) {
            this.open();
          }
        });
      }
    });
    source.addEventListener('message', (event) => {
      if (this.source !== source) {
        return;
      }
      // id:, event: and data: lines as they came on the wire
      this.emit('cost', { bytes: utf8Length(event.data) + utf8Length(event.lastEventId) + 30 });
      this.sequencer.accept([JSON.parse(event.data)], 'live');
    });
    source.addEventListener('error', () => {
      if (this.source !== source) {
        return;
      }
      this.cost.open = 0;
      if (source.readyState === EventSource.CONNECTING) {
        // the browser reconnects by itself after retry: and sends Last-Event-ID
        this.markDown('stream ended');
        this.emit('cost', { requests: 1 });
        this.emit('state', { state: 'retrying', auto: true });
      }
      else {
        this.markDown('stream refused');
        const wait = backoff(this.failures++);
        this.emit('state', { state: 'retrying', wait });
        this.timer = setTimeout(() => {
          if (this.running) {
            this.open();
          }
        }, wait);
      }
    });
  }
}
