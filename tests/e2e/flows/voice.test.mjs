// Flow: a person turns voice guidance on at the bottom of the screen; the kiosk speaks through
// the real OS speech service (Speech Dispatcher with espeak-ng, started on demand): a greeting,
// the guidance of each screen, replay, speed and volume. Where the service cannot be reached the
// screen says so in Korean and carries on silently.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startStack } from '../harness.mjs';

const spoken = async (browser) => Number(await browser.$('[data-testid="voice"]').getAttribute('data-spoken'));

async function spokenMore(browser, than, what) {
  await browser.waitUntil(async () => (await spoken(browser)) > than, { timeout: 15000, timeoutMsg: `${what} was not spoken` }).catch(async (e) => {
    const problem = await browser.$('[data-testid="voice-problem"]');
    throw new Error(`${e.message}${(await problem.isExisting()) ? `: ${await problem.getAttribute('title')}` : ''}`);
  });
  assert.equal(await browser.$('[data-testid="voice-problem"]').isExisting(), false, 'no problem shown');
  return spoken(browser);
}

test('voice guidance speaks through the OS speech service and can be replayed, slowed and stopped', { timeout: 240000 }, async (t) => {
  const stack = await startStack({ size: [1080, 1920], voice: true });
  t.after(() => stack.stop());
  const { browser } = stack;
  await browser.$('[data-testid="course-card"]').waitForExist({ timeout: 60000 });

  await browser.$('[data-testid="voice"]').click();
  assert.equal(await browser.$('[data-testid="voice"]').getAttribute('aria-pressed'), 'true');
  let n = await spokenMore(browser, 0, 'the greeting');
  stack.screenshot('voice-on');

  // A new screen announces itself; the pressed button is read too.
  await browser.$('[data-testid="apply"]').click();
  n = await spokenMore(browser, n, 'the application screen');
  await browser.$('[data-testid="voice-replay"]').click();
  n = await spokenMore(browser, n, 'the replay');
  await browser.$('[data-testid="voice-slower"]').click();
  n = await spokenMore(browser, n, 'the slower replay');
  await browser.$('[data-testid="voice-louder"]').click();
  n = await spokenMore(browser, n, 'the louder replay');
  await browser.$('[data-testid="voice-stop"]').click();

  // Off: nothing more is said.
  await browser.$('[data-testid="voice"]').click();
  const after = await spoken(browser);
  await browser.$('[data-testid="learner-new"]').click();
  await browser.pause(500);
  assert.equal(await spoken(browser), after, 'voice off stays silent');
});

test('without a reachable speech service voice guidance says so and the kiosk carries on', { timeout: 180000 }, async (t) => {
  const stack = await startStack({ size: [1080, 1920], env: { SPEECHD_ADDRESS: 'unix_socket:/nonexistent/baeum/speechd.sock' } });
  t.after(() => stack.stop());
  const { browser } = stack;
  await browser.$('[data-testid="course-card"]').waitForExist({ timeout: 60000 });
  await browser.$('[data-testid="voice"]').click();
  const problem = await browser.$('[data-testid="voice-problem"]');
  await problem.waitForExist({ timeout: 15000 });
  assert.match(await problem.getText(), /음성 안내를 쓸 수 없습니다/);
  // The screen still works.
  await browser.$('[data-testid="apply"]').click();
  await browser.$('[data-testid="learner-new"]').waitForExist({ timeout: 10000 });
  stack.screenshot('voice-unavailable');
});
