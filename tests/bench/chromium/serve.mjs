// The Chromium peer of the start-up benchmark: serves the kiosk's built UI (ui/dist) exactly as
// built, with a fake backend in front of it — `window.__TAURI_INTERNALS__` answering the same
// commands with the same data the real kiosk gives (captured from `baeum-kiosk search --json` and
// `status --json`). The UI's own `ui_ready` call comes back here as POST /ready; this process
// prints `ready` on stdout then, so the benchmark can time it.
// Usage: node serve.mjs UI_DIST PAGE_JSON STATUS_JSON   (prints `listening PORT` first)
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';

const [dist, pageFile, statusFile] = process.argv.slice(2);
const page = readFileSync(pageFile, 'utf8');
const status = readFileSync(statusFile, 'utf8');

const shim = `<script>
(() => {
  const page = ${page};
  const status = ${status};
  const callbacks = new Map();
  let next = 1;
  const answers = {
    kiosk_settings: () => ({ idle_warning_secs: 120, idle_grace_secs: 30, printer: false }),
    catalog_page: () => page,
    sync_status: () => status,
    sync_now: () => status,
    'plugin:event|listen': () => next++,
    'plugin:event|unlisten': () => null,
    ui_ready: () => { fetch('/ready', { method: 'POST' }); return null; },
  };
  window.__TAURI_INTERNALS__ = {
    invoke: (cmd, args) => {
      const answer = answers[cmd];
      return answer ? Promise.resolve(answer(args)) : Promise.reject({ code: 'unexpected', message: cmd });
    },
    transformCallback: (cb) => { const id = next++; callbacks.set(id, cb); return id; },
    unregisterCallback: (id) => callbacks.delete(id),
    convertFileSrc: (p) => p,
  };
  window.__TAURI_EVENT_PLUGIN_INTERNALS__ = { unregisterListener: () => {} };
})();
</script>`;

const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.woff2': 'font/woff2', '.ttf': 'font/ttf', '.png': 'image/png', '.svg': 'image/svg+xml' };

const server = createServer((req, res) => {
  if (req.method === 'POST' && req.url === '/ready') {
    console.log('ready');
    res.writeHead(204).end();
    return;
  }
  const path = req.url === '/' ? 'index.html' : normalize(decodeURIComponent(req.url.split('?')[0])).replace(/^[/\\]+/, '');
  try {
    let body = readFileSync(join(dist, path));
    if (path === 'index.html') body = Buffer.from(body.toString('utf8').replace('<head>', `<head>${shim}`));
    res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(body);
  } catch {
    res.writeHead(404).end();
  }
});
server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
