// Flow: a front-desk clerk signs in with their staff number and PIN, checked at the hub (a wrong
// one is refused in one answer), registers an elderly learner whose ID card they checked, applies
// for a course under way and a paid course on her behalf, records her card payment at the desk,
// marks her attendance at every class so far, batch-prints the class's certificates on a real IPP
// printer, looks at the printer, queue and sync, changes a setting, and closes staff mode — after
// which the staff commands refuse to run. The kiosk's own PIN opens only the offline staff mode
// (no class lists), and five wrong ones lock it.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { startStack } from '../harness.mjs';

/** The kiosk's own staff PIN: the offline staff mode. */
const PIN = '246813';
/** A desk clerk's account at the hub. */
const STAFF = { number: '1001', pin: '975312' };

/** A free first-come course for seniors, open for application now, with the fewest sessions. */
function seniorCourse(snapshot, free) {
  const now = new Date();
  return snapshot.courses
    .filter(
      (c) =>
        (c.fee === 0) === free &&
        c.selection === 'first_come' &&
        c.status !== 'cancelled' &&
        c.life_stages.includes('senior') &&
        new Date(c.application.opens_at) <= now &&
        now < new Date(c.application.closes_at),
    )
    .sort((a, b) => a.sessions.length - b.sessions.length)[0];
}

/** Closes the on-screen keyboard with its own 완료 key, as a person would before pressing on. */
async function closeKeyboard(browser) {
  const keyboard = await browser.$('[data-testid="keyboard"]');
  if (!(await keyboard.isExisting())) return;
  await keyboard.$('[data-key="done"]').click();
  await keyboard.waitForExist({ reverse: true, timeout: 5000 });
}

async function unlock(browser, pin, number = '') {
  const field = await browser.$('[data-testid="staff-pin"]');
  await field.waitForExist({ timeout: 10000 });
  const numberField = await browser.$('[data-testid="staff-number"]');
  if (number) await numberField.setValue(number);
  else await numberField.clearValue();
  await field.setValue(pin);
  await closeKeyboard(browser);
  await browser.$('[data-testid="staff-unlock"]').click();
  // The field empties when the answer came (right or wrong).
  await browser.waitUntil(async () => !(await field.isExisting()) || (await field.getValue()) === '', { timeout: 10000 });
}

test('staff register a learner, apply for her, take attendance and batch-print certificates', { timeout: 420000 }, async (t) => {
  const stack = await startStack({ size: [1080, 1920], printer: true, staffPin: PIN, staffAccount: STAFF });
  t.after(() => stack.stop());
  const { browser, hub, printer, dataDir } = stack;
  const snapshot = await hub.snapshot();
  // A course under way (수시 접수): attendance can be taken for its classes so far.
  const { course, started } = await hub.underWay();
  const paid = seniorCourse(snapshot, false);
  assert.ok(course && paid && started.length >= 8, 'the demo has a course under way and a paid course for seniors open now');
  await browser.$('[data-testid="course-card"]').waitForExist({ timeout: 60000 });

  // A wrong PIN is refused by the hub in one answer; the right one signs the clerk in.
  await browser.$('[data-testid="open-staff"]').click();
  await unlock(browser, '135799', STAFF.number);
  const wrong = await browser.$('[data-testid="error"]');
  await wrong.waitForExist({ timeout: 10000 });
  assert.equal(await wrong.getAttribute('data-code'), 'staff_sign_in_failed');
  assert.match(await wrong.getText(), /직원 번호나 비밀번호/);
  stack.screenshot('staff-pin-wrong');
  await unlock(browser, STAFF.pin, STAFF.number);
  await browser.$('[data-testid="staff-desk"]').waitForExist({ timeout: 10000 });
  stack.screenshot('staff-desk');

  // Assisted registration: the ID card was checked; she types her own PIN.
  await browser.$('[data-testid="learner-new"]').click();
  assert.ok(await browser.$('[data-testid="staff-id-note"]').isExisting(), 'staff see the ID-check note');
  await browser.$('[data-testid="reg-name"]').click();
  const keyboard = await browser.$('[data-testid="keyboard"]');
  await keyboard.waitForExist();
  for (const key of ['ㅎ', 'ㅏ', 'ㄴ', 'ㅈ', 'ㅓ', 'ㅇ', 'ㅅ', 'ㅜ', 'ㄱ']) await keyboard.$(`[data-key="${key}"]`).click();
  assert.equal(await browser.$('[data-testid="reg-name"]').getValue(), '한정숙');
  await browser.$('[data-testid="reg-birth"]').setValue('19480312');
  await browser.$('[data-testid="reg-mobile"]').setValue('010-5555-7812');
  await browser.$('[data-testid="reg-pin"]').setValue('5937');
  // Done typing: the keys go away (as a person would close them) before 다음.
  await closeKeyboard(browser);
  stack.screenshot('staff-register');
  await browser.$('[data-testid="reg-next"]').click();
  await browser.$('[data-testid="consent-course_administration-yes"]').click();
  await browser.$('[data-testid="consent-course_news-no"]').click();
  await browser.$('[data-testid="consent-next"]').click();
  await browser.$('[data-testid="staff-learner-ready"]').waitForExist({ timeout: 10000 });
  assert.match(await browser.$('[data-testid="staff-learner-ready"]').getText(), /한\*숙 님/);
  await browser.$('[data-testid="staff-apply-for"]').click();

  // On her behalf: the bar says so on the course list; staff find the course and apply.
  const bar = await browser.$('[data-testid="staff-bar"]');
  await bar.waitForExist({ timeout: 10000 });
  assert.match(await bar.getText(), /한\*숙 님 대신 신청하는 중/);
  await browser.$('[data-testid="search-input"]').setValue(course.title);
  await closeKeyboard(browser);
  const card = await browser.$(`[data-testid="course-card"][data-course-id="${course.id}"]`);
  await card.waitForExist({ timeout: 15000 });
  await card.$('[data-testid="apply"]').click();
  await browser.$('[data-testid="apply-submit"]').waitForExist({ timeout: 10000 });
  stack.screenshot('staff-apply-on-behalf');
  await browser.$('[data-testid="apply-submit"]').click();
  await browser.$('[data-testid="receipt"]').waitForExist({ timeout: 15000 });
  assert.equal(await browser.$('[data-testid="enrollment-status"]').getAttribute('data-state'), 'confirmed');
  await browser.$('[data-testid="apply-done"]').click();

  // A paid course on her behalf waits for payment; she pays at the desk by card.
  await browser.$('[data-testid="search-input"]').setValue(paid.title);
  await closeKeyboard(browser);
  const paidCard = await browser.$(`[data-testid="course-card"][data-course-id="${paid.id}"]`);
  await paidCard.waitForExist({ timeout: 15000 });
  await paidCard.$('[data-testid="apply"]').click();
  await browser.$('[data-testid="apply-submit"]').waitForExist({ timeout: 10000 });
  await browser.$('[data-testid="apply-submit"]').click();
  await browser.$('[data-testid="receipt"]').waitForExist({ timeout: 15000 });
  assert.equal(await browser.$('[data-testid="enrollment-status"]').getAttribute('data-state'), 'awaiting_payment');
  await browser.$('[data-testid="apply-done"]').click();
  await browser.$('[data-testid="staff-bar-open"]').click();
  await browser.$('[data-testid="staff-tab-payment"]').click();
  await browser.$('[data-testid="learner-returning"]').click();
  await browser.$('[data-testid="find-mobile"]').setValue('01055557812');
  await browser.$('[data-testid="find-birth"]').setValue('1948-03-12');
  await closeKeyboard(browser);
  await browser.$('[data-testid="find-submit"]').click();
  await browser.$('[data-testid="staff-choose"]').waitForExist({ timeout: 10000 });
  await browser.$('[data-testid="staff-choose"]').click();
  await browser.$('[data-testid="staff-record-payment"]').waitForExist({ timeout: 10000 });
  // The amount due is filled in: the fee and materials after any reduction the hub granted.
  const due = Number(await browser.$('[data-testid="staff-amount"]').getValue());
  assert.ok(due > 0 && due <= paid.fee + paid.materials_fee, `amount due ${due}`);
  await browser.$('[data-testid="staff-method-card"]').click();
  await browser.$('[data-testid="staff-receipt"]').setValue('C-20261126-0042');
  await closeKeyboard(browser);
  stack.screenshot('staff-desk-payment');
  await browser.$('[data-testid="staff-record-payment"]').click();
  const payment = await browser.$('[data-testid="staff-payment-done"]');
  await payment.waitForExist({ timeout: 15000 });
  assert.equal(await payment.$('[data-testid="enrollment-status"]').getAttribute('data-state'), 'confirmed', 'the hub confirmed the seat');

  // Attendance: the class list from the hub; present at every class so far reaches completion.
  await browser.$('[data-testid="staff-tab-attendance"]').click();
  await browser.$('[data-testid="staff-course-search"]').setValue(course.title);
  await closeKeyboard(browser);
  const pick = async () => {
    const choice = await browser.$(`[data-testid="staff-course"][data-course="${course.id}"]`);
    await choice.waitForExist({ timeout: 10000 });
    await choice.click();
  };
  await pick();
  const line = await browser.$('[data-testid="staff-roster-line"]');
  await line.waitForExist({ timeout: 15000 });
  assert.match(await line.getText(), /한\*숙 \(7812\)/);
  const session = await browser.$('[data-testid="staff-session"]');
  for (const [i, date] of started.entries()) {
    await session.selectByAttribute('value', date);
    await line.$('[data-testid="staff-present"]').click();
    const result = await line.$('[data-testid="staff-mark-result"]');
    await browser.waitUntil(async () => (await result.isExisting()) && /출석 \d+\/\d+회/.test(await result.getText()), {
      timeout: 15000,
      timeoutMsg: `session ${date} was not counted by the hub`,
    });
    assert.match(await result.getText(), new RegExp(`출석 ${i + 1}/${course.sessions.length}회`));
  }
  assert.match(await line.$('[data-testid="staff-mark-result"]').getText(), /수료 기준 충족/);
  stack.screenshot('staff-attendance');

  // Batch print: her certificate, on the real printer, once.
  await browser.$('[data-testid="staff-tab-batch"]').click();
  await browser.$('[data-testid="staff-course-search"]').setValue(course.title);
  await closeKeyboard(browser);
  await pick();
  await browser.$('[data-testid="staff-print-class"]').click();
  const printed = await browser.$('[data-testid="staff-class-result"]');
  await printed.waitForExist({ timeout: 30000 });
  assert.match(await printed.getText(), /수료증 1장/);
  await browser.waitUntil(async () => printer.received().length === 1, { timeout: 30000, timeoutMsg: 'no certificate reached the printer' });
  assert.equal(printer.received()[0].subarray(0, 5).toString(), '%PDF-');
  stack.screenshot('staff-batch-print');

  // Printer, queue and sync at a glance.
  await browser.$('[data-testid="staff-tab-status"]').click();
  const state = await browser.$('[data-testid="staff-printer-state"]');
  await state.waitForExist({ timeout: 15000 });
  assert.ok(['idle', 'processing'].includes(await state.getAttribute('data-state')));
  await browser.waitUntil(async () => (await browser.$$('[data-testid="staff-job"]')).length >= 1, { timeout: 10000 });
  assert.equal(await browser.$('[data-testid="staff-pending"]').getAttribute('data-count'), '0', 'everything reached the hub');
  // Registered with the hub, and the device key's fingerprint for staff to compare when endorsing.
  assert.equal(await browser.$('[data-testid="staff-kiosk"]').getAttribute('data-provisioned'), 'true');
  assert.equal(await browser.$('[data-testid="staff-on-duty"]').getAttribute('data-staff'), STAFF.number, 'signed in at the hub');
  assert.match(await browser.$('[data-testid="staff-fingerprint"]').getText(), /기기 키 지문 [0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4} [0-9a-f]{4} · 보증 전/);
  stack.screenshot('staff-status');

  // Settings: a nonsense value is refused in words; a sensible one is saved to kiosk.json.
  await browser.$('[data-testid="staff-tab-settings"]').click();
  const warning = await browser.$('[data-testid="staff-idle-warning"]');
  await warning.waitForExist({ timeout: 10000 });
  await warning.setValue('5');
  await closeKeyboard(browser);
  await browser.$('[data-testid="staff-save"]').click();
  const refused = await browser.$('[data-testid="error"]');
  await refused.waitForExist({ timeout: 10000 });
  assert.equal(await refused.getAttribute('data-code'), 'input_invalid');
  await warning.setValue('180');
  await closeKeyboard(browser);
  await browser.$('[data-testid="staff-save"]').click();
  await browser.$('[data-testid="staff-saved"]').waitForExist({ timeout: 10000 });
  const saved = JSON.parse(readFileSync(join(dataDir, 'kiosk.json'), 'utf8'));
  assert.equal(saved.idle_warning_secs, 180);
  assert.equal(saved.printer_uri, printer.uri, 'the printer setting is kept');

  // Closing staff mode wipes the session and locks the staff commands on the Rust side too.
  await browser.$('[data-testid="staff-close"]').click();
  await browser.$('[data-testid="course-card"]').waitForExist({ timeout: 10000 });
  assert.equal(await browser.$('[data-testid="staff-bar"]').isExisting(), false);
  const direct = await browser.executeAsync((done) => {
    window.__TAURI_INTERNALS__.invoke('staff_overview').then(
      () => done('allowed'),
      (e) => done(e.code),
    );
  });
  assert.equal(direct, 'staff_required', 'staff commands refuse without the PIN');

  // The kiosk's own PIN opens the offline staff mode only: it says so, and class lists need a
  // clerk signed in at the hub.
  await browser.$('[data-testid="open-staff"]').click();
  await unlock(browser, PIN);
  await browser.$('[data-testid="staff-desk"]').waitForExist({ timeout: 10000 });
  await browser.$('[data-testid="staff-tab-status"]').click();
  await browser.$('[data-testid="staff-offline-mode"]').waitForExist({ timeout: 15000 });
  const roster = await browser.executeAsync((id, done) => {
    window.__TAURI_INTERNALS__.invoke('staff_roster', { courseId: id }).then(
      () => done('allowed'),
      (e) => done(e.code),
    );
  }, course.id);
  assert.equal(roster, 'staff_sign_in_needed', 'no class list without a clerk signed in at the hub');
  await browser.$('[data-testid="staff-close"]').click();
  await browser.$('[data-testid="course-card"]').waitForExist({ timeout: 10000 });

  // Five wrong PINs lock staff mode; the message says until when.
  await browser.$('[data-testid="open-staff"]').click();
  for (let i = 0; i < 5; i++) await unlock(browser, '135799');
  const locked = await browser.$('[data-testid="error"]');
  await browser.waitUntil(async () => (await locked.getAttribute('data-code')) === 'staff_locked', { timeout: 10000 });
  assert.match(await locked.getText(), /까지/);
  await unlock(browser, PIN);
  await browser.pause(500);
  assert.equal(await browser.$('[data-testid="staff-desk"]').isExisting(), false, 'locked: even the right PIN waits');
  stack.screenshot('staff-locked');
});
