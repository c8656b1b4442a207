// Flow: someone starts registering and walks away. The screen asks whether they are still there,
// gives more time when asked, and otherwise wipes everything they entered.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startStack, texts } from '../harness.mjs';

test('an idle session is asked about, extended on request, then wiped', { timeout: 240000 }, async (t) => {
  const stack = await startStack({ size: [1920, 1080], extraArgs: ['--idle-seconds', '4', '--idle-grace-seconds', '4'] });
  t.after(() => stack.stop());
  const { browser } = stack;

  await browser.$('[data-testid="apply"]').waitForExist({ timeout: 60000 });
  // Low screen and large text are this person's choice: the wipe resets them too.
  await browser.$('[data-testid="low-screen"]').click();
  assert.ok(await browser.$('[data-testid="low-note"]').isExisting());
  await browser.$('[data-testid="search-input"]').setValue('요가');
  await browser.waitUntil(async () => (await texts(browser, '[data-testid="course-title"]')).every((x) => x.includes('요가')), {
    timeout: 10000,
    timeoutMsg: '요가 did not narrow the list',
  });
  await browser.$('[data-testid="keyboard"] [data-key="done"]').click();
  await browser.$('[data-testid="apply"]').click();
  await browser.$('[data-testid="learner-new"]').click();
  await browser.$('[data-testid="reg-name"]').setValue('김할머니');

  const warning = await browser.$('[data-testid="idle-warning"]');
  await warning.waitForExist({ timeout: 15000, timeoutMsg: 'no idle question' });
  assert.match(await warning.getText(), /계속 사용하시겠습니까\?/);
  stack.screenshot('idle-warning');
  await browser.$('[data-testid="idle-extend"]').click();
  await warning.waitForExist({ reverse: true, timeout: 3000 });
  assert.equal(await browser.$('[data-testid="reg-name"]').getValue(), '김할머니', 'more time keeps what was typed');

  // Nobody comes back: everything is cleared and the list starts over.
  await browser.$('[data-testid="apply-flow"]').waitForExist({ reverse: true, timeout: 20000, timeoutMsg: 'the session was not wiped' });
  assert.equal(await browser.$('[data-testid="search-input"]').getValue(), '', 'the search is cleared too');
  assert.equal(await browser.$('[data-testid="idle-warning"]').isExisting(), false);
  assert.equal(await browser.$('[data-testid="low-note"]').isExisting(), false, 'low screen is reset');
  assert.ok(await browser.$('[data-testid="welcome"]').isExisting(), 'the next person is welcomed');
  stack.screenshot('idle-wiped');
});
