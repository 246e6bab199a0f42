// Says so when a stream or poll has not opened within a few seconds. The usual reason is
// the HTTP/1.1 limit of six connections per origin: other tabs of this site hold them.
import { el } from './common.js';

export const STALL_MS = 4000;

/**
 * Watches one opening. Call start() when the request is made and opened() when it
 * answers; if opened() has not come within ms, a notice appears under anchor.
 */
export function stallWatch(anchor, what, ms = STALL_MS) {
  let timer = null;
  let notice = null;
  const clear = () => {
    clearTimeout(timer);
    timer = null;
    if (notice) {
      notice.remove();
      notice = null;
    }
  };
  return {
    start() {
      clear();
      timer = setTimeout(() => {
        notice = el('p', 'stall-notice', `The ${what} has not opened after ${Math.round(ms / 1000)} s. `
          + 'The browser is probably waiting for a connection: under HTTP/1.1 it opens at most six per origin, and other '
          + 'tabs of this site (each /compare tab holds two) may hold them all. Close some, or serve PushLab over HTTP/2 '
          + '(deploy/nginx.conf).');
        notice.dataset.role = 'stall';
        notice.setAttribute('role', 'status');
        anchor.after(notice);
      }, ms);
    },
    opened: clear,
  };
}
