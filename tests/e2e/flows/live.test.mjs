// Flow: 실시간 온라인 수업 (ZOOM) through the real window. A learner confirmed (at another
// kiosk) in the course under way, which meets over ZOOM tomorrow, finds herself and sees the
// class on her page: the time, the passcode and a QR code that — read from a screenshot, as a
// phone would — opens the https invitation. She prints the large-type "how to join" slip on the
// IPP printer. The passcode is on no screen before she finds herself or after she finishes, and
// in neither the kiosk's nor the hub's log. Portrait and landscape, normal and 큰글씨, with axe.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { audit, findHerself, pdfText, press, registeredElsewhere, startStack } from '../harness.mjs';

const LEARNER = { id: 'l-e2e-live', name: '한말순', birth: '1949-10-02', mobile: '01066661002', mobileTyped: '010-6666-1002', pin: '1357' };

async function assertAccessible(browser, where) {
  const violations = await audit(browser);
  assert.deepEqual(violations, [], `${where}: ${JSON.stringify(violations, null, 2)}`);
}

/** She registered and applied for the course under way at another kiosk (free, 선착순: confirmed). */
async function confirmedElsewhere(hub, kioskId) {
  await registeredElsewhere(hub, kioskId, [LEARNER]);
  const { course } = await hub.underWay();
  const body = { service: 'enrollment', type: 'apply', learner_id: LEARNER.id, course_id: course.id, claims: [] };
  const res = await hub.call(
    '/v1/intents',
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ intents: [{ seq: 2, op_id: randomUUID().replaceAll('-', ''), body }] }) },
    kioskId,
  );
  assert.equal(res.status, 200, await res.clone().text());
  assert.equal((await res.json()).results[0].outcome.outcome, 'confirmed');
  return course;
}

test('a learner sees her next ZOOM class with its QR code and prints the join slip (portrait)', { timeout: 300000 }, async (t) => {
  const stack = await startStack({ size: [1080, 1920], printer: true, env: { BAEUM_LOG: 'debug' } });
  t.after(() => stack.stop());
  const { browser, hub, printer } = stack;
  const course = await confirmedElsewhere(hub, 'k-e2e-live-elsewhere');
  await browser.$('[data-testid="course-card"]').waitForExist({ timeout: 60000 });
  // What passers-by can see: the home screen and the course's own page.
  const unsigned = [await browser.getPageSource()];
  await findHerself(browser, 'open-mine', LEARNER);

  const live = await browser.$(`[data-testid="live-class"][data-course-id="${course.id}"]`);
  await live.waitForExist({ timeout: 20000 });
  const tomorrow = new Date(Date.now() + 9 * 3600 * 1000 + 24 * 3600 * 1000);
  const when = await live.$('[data-testid="live-when"]').getText();
  assert.ok(when.includes(`${tomorrow.getUTCMonth() + 1}월 ${tomorrow.getUTCDate()}일`), `tomorrow's class: ${when}`);
  const passcodeLine = await live.$('[data-testid="live-passcode"]').getText();
  const passcode = passcodeLine.match(/^회의 암호 ([0-9A-Za-z]{1,10})$/)?.[1];
  assert.ok(passcode, passcodeLine);
  let codes = [];
  await browser.waitUntil(async () => (codes = stack.qrCodes('live-mine-portrait')).length > 0, { timeout: 10000, timeoutMsg: 'no QR code on the screen' });
  assert.equal(codes.length, 1, JSON.stringify(codes));
  assert.match(codes[0], /^https:\/\/us02web\.zoom\.us\/j\/\d{10}$/, 'the https invitation, not zoommtg://');
  await assertAccessible(browser, 'my page with a live class, portrait');

  await press(browser, 'live-print');
  await browser.waitUntil(async () => printer.received().length === 1, { timeout: 30000, timeoutMsg: 'the slip never reached the printer' });
  const slip = pdfText(printer.received()[0]);
  for (const expected of ['실시간 수업 참여 안내', `회의 암호 ${passcode}`, '참여 방법', 'Zoom Workplace', course.title.slice(0, 6)]) {
    assert.ok(slip.includes(expected), `${expected} on the slip: ${slip}`);
  }

  // She finishes: nothing of it stays on the screen.
  await press(browser, 'mine-done');
  await browser.$('[data-testid="course-card"]').waitForExist({ timeout: 20000 });
  unsigned.push(await browser.getPageSource());
  for (const page of unsigned) assert.ok(!page.includes(passcode), 'the passcode is on no unsigned screen');
  const { kiosk, hub: hubLog } = stack.logs();
  assert.match(kiosk, /ui ready/, 'the kiosk log was read');
  assert.ok(!kiosk.includes(passcode), 'the passcode is not in the kiosk log');
  assert.ok(!hubLog.includes(passcode), 'the passcode is not in the hub log');
});

test('the live class in 큰글씨 on a landscape screen', { timeout: 300000 }, async (t) => {
  const stack = await startStack({ size: [1920, 1080] });
  t.after(() => stack.stop());
  const { browser, hub } = stack;
  const course = await confirmedElsewhere(hub, 'k-e2e-live-landscape');
  await browser.$('[data-testid="course-card"]').waitForExist({ timeout: 60000 });
  await press(browser, 'welcome-large');
  await findHerself(browser, 'open-mine', LEARNER);
  await browser.$(`[data-testid="live-class"][data-course-id="${course.id}"]`).waitForExist({ timeout: 20000 });
  await browser.execute(() => document.querySelector('[data-testid="live-qr"]').scrollIntoView({ block: 'center' }));
  await browser.waitUntil(async () => stack.qrCodes('live-mine-landscape-large').length === 1, {
    timeout: 10000,
    timeoutMsg: 'the QR code is not whole in 큰글씨',
  });
  await assertAccessible(browser, 'my page with a live class, landscape large');
});
