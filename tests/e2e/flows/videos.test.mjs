// Flow: 동영상 강좌 through the real window, by visible labels. A person finds a video by 초성,
// opens it, and the QR code on the screen — read back from a screenshot, as a phone would — opens
// the video's https link. A course page shows "이 강좌와 비슷한 동영상 강좌". She keeps the
// video for later, finds it on her page and prints the list of QR codes on the IPP printer.
// Portrait and landscape, normal and 큰글씨, audited with axe.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { audit, findHerself, pdfText, press, registeredElsewhere, startStack, typeInto } from '../harness.mjs';

const VIEWER = { id: 'l-e2e-videos', name: '오영희', birth: '1956-03-09', mobile: '01055550309', mobileTyped: '010-5555-0309', pin: '2468' };

async function assertAccessible(browser, where) {
  const violations = await audit(browser);
  assert.deepEqual(violations, [], `${where}: ${JSON.stringify(violations, null, 2)}`);
}

async function openVideos(browser) {
  await press(browser, 'open-videos');
  await browser.$('[data-testid="video-count"]').waitForExist({ timeout: 30000 });
}

test('find a video by 초성, scan its QR from the screen, keep it and print the list (portrait)', { timeout: 300000 }, async (t) => {
  const stack = await startStack({ size: [1080, 1920], printer: true });
  t.after(() => stack.stop());
  const { browser, hub, printer } = stack;
  await registeredElsewhere(hub, 'k-e2e-videos-elsewhere', [VIEWER]);
  await browser.$('[data-testid="course-card"]').waitForExist({ timeout: 60000 });
  assert.equal(await browser.$('[data-testid="open-videos"]').getText(), '동영상 강좌');

  // The list arrives with the kiosk's first exchange with the hub.
  await press(browser, 'open-videos');
  await browser.waitUntil(async () => (await browser.$('[data-testid="video-card"]').isExisting()), {
    timeout: 60000,
    timeoutMsg: 'the video list never reached the kiosk',
  });
  stack.screenshot('videos-list-portrait');
  await assertAccessible(browser, 'videos list, portrait');

  await typeInto(browser, 'video-search', 'ㅋㅇㅅㅋ');
  await browser.waitUntil(async () => (await browser.$('[data-testid="video-count"]').getText()) === '동영상 강좌 1개', {
    timeout: 10000,
    timeoutMsg: '초성 ㅋㅇㅅㅋ did not narrow the list to 키오스크',
  });
  assert.equal(await browser.$('[data-testid="video-title"]').getText(), '키오스크 주문 따라 하기');
  await press(browser, 'video-open');
  await browser.$('[data-testid="video-qr"] svg').waitForExist({ timeout: 10000 });
  assert.equal(await browser.$('[data-testid="video-heading"]').getText(), '키오스크 주문 따라 하기');
  assert.match(await browser.$('[data-testid="video-scan"]').getText(), /휴대전화 카메라를 켜고 QR 코드를 비추세요/);
  let codes = [];
  await browser.waitUntil(async () => (codes = stack.qrCodes('videos-detail-portrait')).length > 0, { timeout: 10000, timeoutMsg: 'no QR code on the screen' });
  assert.deepEqual(codes, ['https://www.gm.go.kr/lll/video/03'], 'what a phone opens from the screen');
  await assertAccessible(browser, 'video detail, portrait');

  // 나중에 볼 강좌: she finds herself, and it is kept on her page.
  await press(browser, 'video-keep');
  await browser.$('[data-testid="learner-returning"]').waitForExist({ timeout: 10000 });
  await press(browser, 'learner-returning');
  await browser.$('[data-testid="find-mobile"]').waitForExist({ timeout: 10000 });
  await typeInto(browser, 'find-mobile', VIEWER.mobileTyped);
  await typeInto(browser, 'find-birth', VIEWER.birth.replaceAll('-', ''));
  await typeInto(browser, 'find-pin', VIEWER.pin);
  await press(browser, 'find-submit');
  await browser.$('[data-testid="video-kept"]').waitForExist({ timeout: 20000 });
  await press(browser, 'open-mine');
  const kept = await browser.$('[data-testid="my-page"] [data-testid="video-card"][data-video-id="gm-video-03"]');
  await kept.waitForExist({ timeout: 20000 });
  stack.screenshot('videos-kept-portrait');
  await assertAccessible(browser, 'my page with a kept video, portrait');
  await press(browser, 'videos-print');
  await browser.waitUntil(async () => printer.received().length === 1, { timeout: 30000, timeoutMsg: 'the list never reached the printer' });
  const slip = pdfText(printer.received()[0]);
  for (const expected of ['나중에 볼 강좌', '키오스크 주문 따라 하기', '광명시평생학습원']) {
    assert.ok(slip.includes(expected), `${expected} on the slip: ${slip}`);
  }
});

test('a course page shows similar videos; the video screens in 큰글씨 on a landscape screen', { timeout: 300000 }, async (t) => {
  const stack = await startStack({ size: [1920, 1080] });
  t.after(() => stack.stop());
  const { browser } = stack;
  await browser.$('[data-testid="course-card"]').waitForExist({ timeout: 60000 });
  await openVideos(browser);
  await browser.waitUntil(async () => (await browser.$('[data-testid="video-card"]').isExisting()), { timeout: 60000, timeoutMsg: 'no videos' });
  await press(browser, 'videos-home');

  // A 스마트폰 course that takes applications: its page suggests the city's 스마트폰 videos.
  await typeInto(browser, 'search-input', '스마트폰');
  await press(browser, 'filter-open');
  await browser.waitUntil(async () => (await browser.$('[data-testid="apply"]').isExisting()), { timeout: 20000, timeoutMsg: 'no open 스마트폰 course' });
  await press(browser, 'apply');
  const similar = await browser.$('[data-testid="similar-videos"]');
  await similar.waitForExist({ timeout: 10000 });
  const titles = await browser.execute(() =>
    [...document.querySelectorAll('[data-testid="similar-videos"] [data-testid="video-title"]')].map((e) => e.textContent),
  );
  assert.ok(titles.length > 0 && titles.length <= 3, JSON.stringify(titles));
  assert.ok(titles[0].includes('스마트폰'), `the best fit shares the title's words: ${JSON.stringify(titles)}`);
  stack.screenshot('videos-similar-landscape');
  await assertAccessible(browser, 'course page with similar videos, landscape');

  // From the course page to the video's QR code, then the same screens in 큰글씨.
  await browser.execute(() => document.querySelector('[data-testid="similar-videos"] [data-testid="video-open"]').click());
  await browser.$('[data-testid="video-qr"] svg').waitForExist({ timeout: 10000 });
  assert.equal(await browser.$('[data-testid="video-heading"]').getText(), titles[0]);
  await press(browser, 'large-text');
  // Read once the page has laid itself out again in 큰글씨, scrolled to the code as a person would.
  await browser.execute(() => document.querySelector('[data-testid="video-qr"]').scrollIntoView({ block: 'center' }));
  await browser.waitUntil(async () => stack.qrCodes('videos-detail-landscape-large').length === 1, {
    timeout: 10000,
    timeoutMsg: 'no QR code a phone reads in 큰글씨',
  });
  await assertAccessible(browser, 'video detail, landscape large');
  await press(browser, 'video-back');
  await browser.$('[data-testid="video-count"]').waitForExist({ timeout: 10000 });
  stack.screenshot('videos-list-landscape-large');
  await assertAccessible(browser, 'videos list, landscape large');
});
