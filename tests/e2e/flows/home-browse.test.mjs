// Flow: a citizen walks up, sees Gwangmyeong courses in Korean, and narrows them by life stage.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startStack, texts } from '../harness.mjs';

test('the home screen shows the demo catalog in Korean and a life stage narrows the list', { timeout: 240000 }, async (t) => {
  const stack = await startStack({ size: [1080, 1920] });
  t.after(() => stack.stop());
  const { browser, hub } = stack;
  const snapshot = await hub.snapshot();

  await browser.$('[data-testid="course-card"]').waitForExist({ timeout: 60000 });
  const allTitles = await texts(browser, '[data-testid="course-title"]');
  assert.equal(allTitles.length, snapshot.courses.length, 'every course from the hub is listed');
  assert.ok(allTitles.includes('어르신 스마트폰 활용 기초'), 'a seeded Korean title is visible');
  assert.match(await browser.$('h1').getText(), /배움 키오스크/);
  stack.screenshot('home-portrait-all');

  const infantTitles = new Set(snapshot.courses.filter((c) => c.life_stages.includes('infant')).map((c) => c.title));
  await browser.$('[data-testid="stage-infant"]').click();
  await browser.waitUntil(async () => (await texts(browser, '[data-testid="course-title"]')).length < allTitles.length, {
    timeout: 10000,
    timeoutMsg: 'choosing 영유아 did not change the list',
  });
  const shown = await texts(browser, '[data-testid="course-title"]');
  assert.ok(shown.length > 0, 'there are infant courses');
  assert.equal(shown.length, snapshot.courses.filter((c) => c.life_stages.includes('infant')).length);
  for (const title of shown) assert.ok(infantTitles.has(title), `${title} is an infant course`);
  assert.equal(await browser.$('[data-testid="stage-infant"]').getAttribute('aria-pressed'), 'true');
  assert.equal(await browser.$('[data-testid="course-count"]').getText(), `강좌 ${shown.length}개`);
  stack.screenshot('home-portrait-infant');

  await browser.$('[data-testid="stage-senior"]').click();
  await browser.waitUntil(async () => (await texts(browser, '[data-testid="course-title"]')).includes('신나는 노래교실'), {
    timeout: 10000,
    timeoutMsg: 'choosing 노년 did not show senior courses',
  });
});
