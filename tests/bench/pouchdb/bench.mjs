// PouchDB peer for `make bench`: starts a real pouchdb-server process on a free loopback port
// (LevelDB on disk), loads the same course documents the Baeum hub serves, then times
//   cold:        pouchdb-node (LevelDB on disk) replicate.from(server) of every document;
//   incremental: the same after CHANGES documents changed on the server.
// Prints one JSON line: {"docs", "avg_doc_bytes", "cold_ms", "incremental_ms", "changed"}.
// Usage: node bench.mjs DOCS.ndjson CHANGED.ndjson
//
// `node bench.mjs push N` instead times pouchdb-node replicate.to(server) of N queued
// enrollment-intent documents of ~300 bytes (the kiosk outbox's job) and prints
// {"docs", "avg_doc_bytes", "push_ms"}.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const PouchDB = require('pouchdb-node');
const here = dirname(fileURLToPath(import.meta.url));

const [docsFile, changedFile] = process.argv.slice(2);
const pushCount = docsFile === 'push' ? Number(changedFile) : 0;
const readDocs = (file) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));

const freePort = () =>
  new Promise((ok) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });

const dir = mkdtempSync(join(tmpdir(), 'baeum-pouch-'));
const port = await freePort();
const server = spawn(join(here, 'node_modules', '.bin', 'pouchdb-server'), ['--host', '127.0.0.1', '--port', String(port), '--dir', join(dir, 'server')], {
  stdio: 'ignore',
  cwd: dir, // pouchdb-server writes its log.txt into the working directory
});
try {
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(base)).ok) break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  if (pushCount > 0) {
    await push(base, pushCount);
  } else {
    await pull(base);
  }
} finally {
  server.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}

async function push(base, n) {
  const remote = new PouchDB(`${base}/intents`);
  await remote.info();
  const local = new PouchDB(join(dir, 'outbox'));
  const docs = [];
  for (let i = 0; i < n; i++) {
    const hex = (i * 2654435761 >>> 0).toString(16).padStart(8, '0');
    docs.push({
      _id: `${hex}${String(i).padStart(24, '0')}`,
      type: 'apply',
      kiosk_id: 'k-4f1c2a9e0b7d4c3e8a6f5b2d1c0e9f8a',
      seq: 10_001 + i,
      learner_id: `l-${String(i).padStart(32, '0')}`,
      course_id: `gm-course-${i % 170}`,
      claims: [],
      client: 'baeum-kiosk/0.1.0 (Linux x86_64; Tauri 2)',
      created_at: new Date(Date.UTC(2026, 10, 26, 5, 0, i % 60)).toISOString(),
    });
  }
  for (let i = 0; i < docs.length; i += 2000) await local.bulkDocs(docs.slice(i, i + 2000));
  const avgBytes = Math.round(docs.reduce((sum, d) => sum + JSON.stringify(d).length, 0) / docs.length);
  const t0 = performance.now();
  const result = await local.replicate.to(remote, { batch_size: 500 });
  const pushMs = performance.now() - t0;
  const count = (await remote.info()).doc_count;
  if (count !== n || result.docs_written !== n) throw new Error(`pushed ${count} of ${n}`);
  console.log(JSON.stringify({ docs: n, avg_doc_bytes: avgBytes, push_ms: pushMs }));
  await local.close();
}

async function pull(base) {
  const remote = new PouchDB(`${base}/courses`);
  const docs = readDocs(docsFile);
  for (let i = 0; i < docs.length; i += 2000) await remote.bulkDocs(docs.slice(i, i + 2000));
  const avgBytes = Math.round(docs.reduce((n, d) => n + JSON.stringify(d).length, 0) / docs.length);

  const local = new PouchDB(join(dir, 'local'));
  let t0 = performance.now();
  await local.replicate.from(remote, { batch_size: 1000, batches_limit: 4 });
  const coldMs = performance.now() - t0;
  const count = (await local.info()).doc_count;
  if (count !== docs.length) throw new Error(`replicated ${count} of ${docs.length}`);

  const changed = readDocs(changedFile);
  const revs = await remote.allDocs({ keys: changed.map((d) => d._id) });
  await remote.bulkDocs(changed.map((d, i) => ({ ...d, _rev: revs.rows[i].value.rev })));
  t0 = performance.now();
  const result = await local.replicate.from(remote, { batch_size: 1000 });
  const incrementalMs = performance.now() - t0;
  console.log(
    JSON.stringify({ docs: docs.length, avg_doc_bytes: avgBytes, cold_ms: coldMs, incremental_ms: incrementalMs, changed: result.docs_written }),
  );
  await local.close();
}
