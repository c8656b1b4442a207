// Flow: a citizen walks up, sees Gwangmyeong courses in Korean, and narrows them by life stage.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startStack, texts } from '../harness.mjs';

const countText = (n) => `강좌 ${n}개`;

test('the home screen shows the demo catalog in Korean and a life stage narrows the list', { timeout: 240000 }, async (t) => {
  const stack = await startStack({ size: [1080, 1920] });
  t.after(() => stack.stop());
  const { browser, hub } = stack;
  const snapshot = await hub.snapshot();

  await browser.$('[data-testid="course-card"]').waitForExist({ timeout: 60000 });
  const count = browser.$('[data-testid="course-count"]');
  await browser.waitUntil(async () => (await count.getText()) === countText(snapshot.courses.length), {
    timeout: 20000,
    timeoutMsg: 'the count does not show every course from the hub',
  });
  const firstPage = await texts(browser, '[data-testid="course-title"]');
  assert.ok(firstPage.length > 0 && firstPage.length < snapshot.courses.length, 'the list is paged');
  const known = new Set(snapshot.courses.map((c) => c.title));
  for (const title of firstPage) assert.ok(known.has(title), `${title} comes from the hub`);
  assert.match(await browser.$('h1').getText(), /배움 키오스크/);
  // Nobody is using it: a welcome with the three choices that make the rest usable.
  const welcome = await browser.$('[data-testid="welcome"]');
  assert.match(await welcome.getText(), /어서 오세요/);
  for (const id of ['welcome-large', 'welcome-voice', 'welcome-language']) assert.ok(await browser.$(`[data-testid="${id}"]`).isExisting(), id);
  stack.screenshot('home-portrait-all');

  // 큰글씨 enlarges everything, cards included, and turns off again.
  const headerHeight = () => browser.execute(() => document.querySelector('header').getBoundingClientRect().height * (Number(document.documentElement.style.zoom) || 1));
  const normal = await headerHeight();
  await browser.$('[data-testid="large-text"]').click();
  assert.equal(await browser.$('[data-testid="large-text"]').getAttribute('aria-pressed'), 'true');
  await browser.waitUntil(async () => (await browser.execute(() => document.documentElement.style.zoom)) === '1.3', {
    timeout: 5000,
    timeoutMsg: 'large text did not zoom the page',
  });
  const large = await headerHeight();
  assert.ok(large > normal * 1.25, `the header is drawn larger (${normal} → ${large} px)`);
  assert.equal(await browser.$('[data-testid="welcome"]').isExisting(), false, 'the welcome steps aside once someone chose');
  stack.screenshot('home-portrait-large');
  // WebKitWebDriver computes click points without CSS zoom, so this click goes through the DOM
  // (a finger on the screen hits the zoomed button as drawn).
  await browser.execute(() => document.querySelector('[data-testid="large-text"]').click());
  assert.equal(await browser.execute(() => document.documentElement.style.zoom), '', 'back to normal');

  const infants = snapshot.courses.filter((c) => c.life_stages.includes('infant'));
  const infantTitles = new Set(infants.map((c) => c.title));
  await browser.$('[data-testid="stage-infant"]').click();
  await browser.waitUntil(async () => (await count.getText()) === countText(infants.length), {
    timeout: 10000,
    timeoutMsg: 'choosing 영유아 did not change the list',
  });
  const shown = await texts(browser, '[data-testid="course-title"]');
  assert.equal(shown.length, infants.length);
  for (const title of shown) assert.ok(infantTitles.has(title), `${title} is an infant course`);
  assert.equal(await browser.$('[data-testid="stage-infant"]').getAttribute('aria-pressed'), 'true');
  stack.screenshot('home-portrait-infant');

  // 노년: the count of senior courses, and only senior courses on the page (which ones come first
  // depends on the day the demo is dated around).
  const seniors = snapshot.courses.filter((c) => c.life_stages.includes('senior'));
  const seniorTitles = new Set(seniors.map((c) => c.title));
  await browser.$('[data-testid="stage-senior"]').click();
  await browser.waitUntil(async () => (await count.getText()) === countText(seniors.length), {
    timeout: 10000,
    timeoutMsg: 'choosing 노년 did not show senior courses',
  });
  for (const title of await texts(browser, '[data-testid="course-title"]')) assert.ok(seniorTitles.has(title), `${title} is a senior course`);

  // "더 보기" appends the next page.
  const before = (await texts(browser, '[data-testid="course-title"]')).length;
  await browser.$('[data-testid="more"]').click();
  await browser.waitUntil(async () => (await texts(browser, '[data-testid="course-title"]')).length > before, {
    timeout: 10000,
    timeoutMsg: '더 보기 did not add courses',
  });
});
