// Warm Chromium peer for the certificate benchmark: one headless Chromium (the system's, via
// playwright-core), one page reused; each HTML certificate loaded and printed with page.pdf().
// Usage: node pdf.mjs DIR N  — prints one JSON line with per-certificate times and sizes.
import { chromium } from 'playwright-core';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dir, nArg] = process.argv.slice(2);
const n = Number(nArg ?? 500);
const files = readdirSync(dir).filter((f) => f.endsWith('.html')).sort().slice(0, n);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage();
const times = [];
let bytes = 0;
const batchStart = performance.now();
for (const f of files) {
  const start = performance.now();
  await page.goto(pathToFileURL(join(dir, f)).href, { waitUntil: 'load' });
  const out = join(dir, f.replace(/\.html$/, '.chromium.pdf'));
  await page.pdf({ path: out, format: 'A4', printBackground: true, preferCSSPageSize: true });
  times.push(performance.now() - start);
  bytes += statSync(out).size;
}
const batchMs = performance.now() - batchStart;
await browser.close();
times.sort((a, b) => a - b);
console.log(JSON.stringify({
  n: files.length,
  median_ms: times[Math.floor(times.length / 2)],
  batch_ms: batchMs,
  avg_bytes: files.length ? bytes / files.length : 0,
}));
