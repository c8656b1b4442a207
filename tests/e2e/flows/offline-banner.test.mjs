// Flow: the network goes away. The kiosk keeps the list it has and says so in plain Korean.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startStack, texts } from '../harness.mjs';

test('when the hub goes away the catalog stays and the screen explains in Korean', { timeout: 240000 }, async (t) => {
  const stack = await startStack({ size: [1920, 1080] });
  t.after(() => stack.stop());
  const { browser, hub } = stack;

  await browser.$('[data-testid="course-card"]').waitForExist({ timeout: 60000 });
  const before = (await texts(browser, '[data-testid="course-title"]')).length;
  assert.match(await browser.$('[data-testid="as-of"]').getText(), /^\d{2}:\d{2} 기준$/);

  hub.stop();
  await browser.$('[data-testid="stage-all"]').click();
  // Trigger a sync through the real IPC command instead of waiting for the background timer;
  // the failed attempt reaches the screen through the same event the timer uses.
  await browser.executeAsync((done) => {
    window.__TAURI_INTERNALS__.invoke('sync_now').then(done, done);
  });
  const banner = await browser.$('[data-testid="offline-banner"]');
  await banner.waitForExist({ timeout: 20000, timeoutMsg: 'no offline banner after the hub went away' });
  const text = await banner.getText();
  assert.match(text, /중앙 서버와 연결되지 않아/);
  assert.match(text, /네트워크 연결을 확인해 주세요/);
  assert.equal((await texts(browser, '[data-testid="course-title"]')).length, before, 'the list is intact');
  stack.screenshot('home-landscape-offline');
});
