// Flow: a returning learner who registered and attended a course elsewhere (another kiosk sent
// it all to the real hub) finds herself with mobile number, birth date and PIN, sees the course
// confirmed, and prints her completion certificate and her learning-history statement on a
// real IPP printer. The PDFs that arrive carry her name and the course.
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { pdfText, startStack } from '../harness.mjs';

const op = () => randomUUID().replaceAll('-', '');

/** What another kiosk would have sent (protocol 3: each body names its service): her
 * registration, her application, and — marked by a desk clerk signed in there — her attendance
 * at every class so far of a course under way. */
async function attendedElsewhere(hub, course, started) {
  const salt = 'e2esalt1';
  const learner = {
    id: 'l-e2e-returning',
    name: '문옥자',
    birth_date: '1950-06-21',
    mobile: '01077773412',
    resident: true,
    guardian: null,
    consents: [
      { purpose: 'course_administration', agreed: true, notice_version: 1 },
      { purpose: 'course_news', agreed: false, notice_version: 1 },
    ],
    identity: 'self_declared',
    pin_hash: `${salt}$${createHash('sha256').update(`${salt}2580`).digest('hex')}`,
    registered_on: '2026-11-20',
  };
  const bodies = [
    { service: 'learner', type: 'register_learner', learner },
    { service: 'enrollment', type: 'apply', learner_id: learner.id, course_id: course.id, claims: [] },
    ...started.map((date) => ({ service: 'attendance', type: 'mark_attendance', learner_id: learner.id, course_id: course.id, session: date, present: true })),
  ];
  hub.addStaff('1002', '864213');
  const staff = await hub.staffStamp('k-e2e-other', '1002', '864213');
  const res = await hub.call(
    '/v1/intents',
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        intents: bodies.map((body, i) => ({ seq: i + 1, op_id: op(), body, ...(body.service === 'attendance' ? { staff } : {}) })),
      }),
    },
    'k-e2e-other',
  );
  assert.equal(res.status, 200, await res.clone().text());
  const answer = await res.json();
  const outcomes = answer.results.map((r) => r.outcome.outcome);
  assert.equal(answer.refused, null);
  assert.equal(outcomes.length, bodies.length);
  assert.ok(!outcomes.includes('rejected'), `the hub accepted everything: ${JSON.stringify(answer.results)}`);
  return learner;
}

test('a returning learner finds herself and prints her certificate and learning history', { timeout: 300000 }, async (t) => {
  const stack = await startStack({ size: [1080, 1920], printer: true });
  t.after(() => stack.stop());
  const { browser, hub, printer } = stack;
  const { course, started } = await hub.underWay();
  const learner = await attendedElsewhere(hub, course, started);

  await browser.$('[data-testid="course-card"]').waitForExist({ timeout: 60000 });
  await browser.$('[data-testid="open-mine"]').click();
  await browser.$('[data-testid="learner-returning"]').click();
  await browser.$('[data-testid="find-mobile"]').setValue('010-7777-3412');
  await browser.$('[data-testid="find-birth"]').setValue('19500621');
  await browser.$('[data-testid="find-pin"]').setValue('2580');
  await browser.$('[data-testid="find-submit"]').click();

  const item = await browser.$(`[data-testid="my-enrollment"][data-course-id="${course.id}"]`);
  await item.waitForExist({ timeout: 15000 });
  assert.equal(await item.$('[data-testid="enrollment-status"]').getAttribute('data-state'), 'confirmed');
  stack.screenshot('returning-mine');

  await item.$('[data-testid="print-certificate"]').click();
  const status = await browser.$('[data-testid="print-status"]');
  await browser.waitUntil(async () => (await status.isExisting()) && /인쇄했습니다/.test(await status.getText()), {
    timeout: 30000,
    timeoutMsg: 'the screen never said the certificate was printed',
  });
  await browser.waitUntil(async () => printer.received().length === 1, { timeout: 30000, timeoutMsg: 'the certificate never reached the printer' });
  const certificate = pdfText(printer.received()[0]);
  assert.match(certificate, new RegExp(learner.name));
  assert.ok(certificate.replace(/\s/g, '').includes(course.title.replace(/\s/g, '')), certificate);
  assert.match(certificate, /수\s*료\s*증/);
  stack.screenshot('returning-certificate-printed');

  await browser.$('[data-testid="print-history"]').click();
  const historyStatus = await browser.$('[data-testid="print-history"] ~ [data-testid="print-status"]');
  await browser.waitUntil(async () => (await historyStatus.isExisting()) && /인쇄했습니다/.test(await historyStatus.getText()), {
    timeout: 30000,
    timeoutMsg: 'the screen never said the learning history was printed',
  }).catch(async (e) => {
    stack.screenshot('returning-history-debug');
    throw e;
  });
  await browser.waitUntil(async () => printer.received().length === 2, { timeout: 30000, timeoutMsg: 'the learning history never reached the printer' });
  const history = pdfText(printer.received()[1]);
  assert.match(history, /학습이력/);
  assert.ok(history.replace(/\s/g, '').includes(course.title.replace(/\s/g, '')), history);
  stack.screenshot('returning-history-printed');
});
