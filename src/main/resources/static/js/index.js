// Overview: the server's own per-technique figures, refreshed every 2 s.
import { appUrl, formatBytes, setStatus } from './common.js';

const page = document.getElementById('page');
const body = page.querySelector('[data-role="stats"]');

function ratio(a, b) {
  return b > 0 ? (a / b).toFixed(a / b >= 100 ? 0 : 2) : '—';
}

async function refresh() {
  try {
    const response = await fetch(appUrl('api/stats'), { cache: 'no-store' });
    const data = await response.json();
    for (const [technique, figures] of Object.entries(data.techniques)) {
      const row = body.querySelector(`[data-technique="${technique}"]`);
      if (!row) {
        continue;
      }
      const set = (field, value) => {
        row.querySelector(`[data-field="${field}"]`).textContent = value;
      };
      set('open', figures.open);
      set('requests', figures.requests);
      set('delivered', figures.delivered);
      set('bytes', formatBytes(figures.bytes));
      set('requestsPerMessage', ratio(figures.requests, figures.delivered));
      set('bytesPerMessage', ratio(figures.bytes, figures.delivered));
    }
    setStatus(page, 'live', 'ok');
  }
  catch (e) {
    setStatus(page, 'server unreachable', 'bad');
  }
}

refresh();
setInterval(refresh, 2000);
