// Flow: a citizen types what they are looking for — whole words, with or without spaces, or just
// the initial consonants — and filters the result.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startStack, texts } from '../harness.mjs';

test('typing Korean, 초성 and filters narrows the list in the real window', { timeout: 240000 }, async (t) => {
  const stack = await startStack({ size: [1080, 1920] });
  t.after(() => stack.stop());
  const { browser, hub } = stack;
  const snapshot = await hub.snapshot();
  await browser.$('[data-testid="course-card"]').waitForExist({ timeout: 60000 });

  const input = await browser.$('[data-testid="search-input"]');
  const titles = () => texts(browser, '[data-testid="course-title"]');
  const settle = async (check, message) =>
    browser.waitUntil(async () => check(await titles()), { timeout: 10000, timeoutMsg: message });

  await input.setValue('스마트폰');
  await settle((ts) => ts.length > 0 && ts.every((x) => x.includes('스마트폰')), '스마트폰 did not narrow the list');
  assert.ok((await titles()).includes('어르신 스마트폰 활용 기초'));
  stack.screenshot('search-smartphone');

  // 초성: ㅇㄱ finds 요가 (and other words with those initials, e.g. 어린이 과학).
  await input.setValue('ㅇㄱ');
  await settle((ts) => ts.some((x) => x.includes('요가')) && !ts.includes('신나는 노래교실'), 'ㅇㄱ did not find 요가');
  const initialsCount = Number((await browser.$('[data-testid="course-count"]').getText()).replace(/\D/g, ''));
  assert.ok(initialsCount < snapshot.courses.length, 'ㅇㄱ narrows the list');
  stack.screenshot('search-initials');

  await input.setValue('배움 교실');
  await settle((ts) => ts.length > 0 && ts.every((x) => x.includes('배움교실')), 'spacing mattered');

  await browser.$('[data-testid="search-clear"]').click();
  await browser.$('[data-testid="filter-free"]').click();
  await browser.$('[data-testid="filter-open"]').click();
  const freeOpen = snapshot.courses.filter((c) => c.fee === 0 && c.status !== 'cancelled' && new Date(c.application.opens_at) <= new Date() && new Date() < new Date(c.application.closes_at));
  await browser.waitUntil(async () => (await browser.$('[data-testid="course-count"]').getText()) === `강좌 ${freeOpen.length}개`, {
    timeout: 10000,
    timeoutMsg: 'free + open filters did not give the expected count',
  });
  for (const phase of await texts(browser, '[data-testid="course-phase"]')) assert.equal(phase, '접수중');
  stack.screenshot('search-free-open');

  await input.setValue('존재하지않는강좌');
  await browser.$('[data-testid="no-match"]').waitForExist({ timeout: 10000 });
  assert.match(await browser.$('[data-testid="no-match"]').getText(), /찾는 강좌가 없습니다/);
});
