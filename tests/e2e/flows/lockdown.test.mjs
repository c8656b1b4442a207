// Flow: the window only does what the kiosk capability grants. A command nobody granted is
// refused, and a granted command still parses its arguments at the edge.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startStack } from '../harness.mjs';

// The result object must not have an `error` key: WebDriver clients read that as a protocol error.
const invoke = (browser, cmd, args) =>
  browser.executeAsync(
    (cmd, args, done) => {
      window.__TAURI_INTERNALS__.invoke(cmd, args).then(
        (value) => done({ ok: true, value }),
        (reason) => done({ ok: false, reason: typeof reason === 'string' ? reason : JSON.stringify(reason) }),
      );
    },
    cmd,
    args,
  );

test('ungranted commands are refused and granted ones validate their input', { timeout: 240000 }, async (t) => {
  const stack = await startStack({ size: [1080, 1920] });
  t.after(() => stack.stop());
  const { browser } = stack;
  await browser.$('[data-testid="course-card"]').waitForExist({ timeout: 60000 });

  const close = await invoke(browser, 'plugin:window|close', {});
  assert.equal(close.ok, false, 'closing the window from the page is not granted');
  assert.match(close.reason, /not allowed|denied|permission/i);

  const bad = await invoke(browser, 'catalog_page', { query: { life_stage: 'pensioner' } });
  assert.equal(bad.ok, false);
  assert.equal(JSON.parse(bad.reason).code, 'bad_request');

  const good = await invoke(browser, 'catalog_page', { query: { life_stage: 'senior', limit: 200 } });
  assert.equal(good.ok, true);
  assert.ok(good.value.courses.length > 0);
  assert.ok(good.value.courses.every((c) => c.life_stages.includes('senior')));

  // The window is still there and answering.
  assert.match(await browser.$('h1').getText(), /배움 키오스크/);
});
