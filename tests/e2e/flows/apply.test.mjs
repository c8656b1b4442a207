// Flow: a first-time learner registers (with the PIPA consents), applies for an open course and
// sees the hub's answer on the receipt; on "my applications" they see the refund before
// cancelling. Then the line goes down: the same learner is found at this kiosk and an offline
// application shows "접수 대기 (확정 전)".
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startStack } from '../harness.mjs';

const ONLINE_STATES = ['confirmed', 'awaiting_payment', 'waitlisted', 'entered'];

async function applyButtons(browser) {
  await browser.$('[data-testid="apply"]').waitForExist({ timeout: 60000 });
  return browser.$$('[data-testid="apply"]');
}

test('a new learner applies, sees the receipt, and cancels with the refund shown first; offline applications are provisional', { timeout: 300000 }, async (t) => {
  const stack = await startStack({ size: [1080, 1920], printer: true });
  t.after(() => stack.stop());
  const { browser, hub, printer } = stack;

  let buttons = await applyButtons(browser);
  // Above the fixed accessibility bar, as a person scrolls it before tapping.
  await browser.execute((el) => el.scrollIntoView({ block: 'center' }), buttons[0]);
  await buttons[0].click();
  await browser.$('[data-testid="apply-flow"]').waitForExist();
  await browser.$('[data-testid="learner-new"]').click();
  // The name on the kiosk's own Hangul keyboard, the birth date on its number pad.
  await browser.$('[data-testid="reg-name"]').click();
  const keyboard = await browser.$('[data-testid="keyboard"]');
  await keyboard.waitForExist();
  for (const key of ['ㅂ', 'ㅏ', 'ㄱ', 'ㅅ', 'ㅜ', 'ㄴ', 'ㅈ', 'ㅏ']) await keyboard.$(`[data-key="${key}"]`).click();
  assert.equal(await browser.$('[data-testid="reg-name"]').getValue(), '박순자', 'jamo compose into syllables');
  await browser.$('[data-testid="reg-birth"]').click();
  assert.equal(await keyboard.getAttribute('data-mode'), 'digits', 'number pad for the birth date');
  for (const key of '195104029') await keyboard.$(`[data-key="${key}"]`).click();
  await keyboard.$('[data-key="backspace"]').click();
  assert.equal(await browser.$('[data-testid="reg-birth"]').getValue(), '19510402');
  stack.screenshot('apply-keyboard');
  await browser.$('[data-testid="reg-mobile"]').setValue('010-2345-6789');
  await browser.$('[data-testid="reg-pin"]').setValue('4821');
  stack.screenshot('apply-register');
  await browser.$('[data-testid="reg-next"]').click();

  // Refusing the required consent is explained; agreeing lets the person go on.
  await browser.$('[data-testid="consent-course_administration-no"]').click();
  await browser.$('[data-testid="consent-course_news-no"]').click();
  await browser.$('[data-testid="consent-next"]').click();
  assert.match(await browser.$('[role="alert"]').getText(), /필수 항목에 동의하셔야/);
  await browser.$('[data-testid="consent-course_administration-yes"]').click();
  stack.screenshot('apply-consent');
  await browser.$('[data-testid="consent-next"]').click();

  const greeting = await browser.$('[data-testid="learner-greeting"]');
  await greeting.waitForExist({ timeout: 10000 });
  assert.match(await greeting.getText(), /박\*자 님/, 'the name is masked on screen');
  await browser.$('[data-testid="apply-submit"]').click();
  const receipt = await browser.$('[data-testid="receipt"]');
  await receipt.waitForExist({ timeout: 15000 });
  const state = await browser.$('[data-testid="enrollment-status"]').getAttribute('data-state');
  assert.ok(ONLINE_STATES.includes(state), `the hub answered: ${state}`);
  if (state === 'awaiting_payment') {
    assert.ok(await browser.$('[data-testid="payment-qr"] svg').isExisting(), 'a QR code to pay on the phone');
  }
  stack.screenshot('apply-receipt');

  // The receipt goes to the front desk's printer (a real IPP printer), once.
  await browser.$('[data-testid="print-receipt"]').click();
  const printStatus = await browser.$('[data-testid="print-status"]');
  await printStatus.waitForExist({ timeout: 20000 });
  assert.match(await printStatus.getText(), /인쇄했습니다/);
  await browser.waitUntil(async () => printer.received().length === 1, {
    timeout: 20000,
    timeoutMsg: 'the printer never received the receipt',
  });
  assert.equal(printer.received()[0].subarray(0, 5).toString(), '%PDF-');

  // My applications: the same status; cancelling shows the refund first.
  await browser.$('[data-testid="to-mine"]').click();
  const item = await browser.$('[data-testid="my-enrollment"]');
  await item.waitForExist({ timeout: 15000 });
  assert.equal(await item.$('[data-testid="enrollment-status"]').getAttribute('data-state'), state);
  // Nothing completed yet: the learning-history statement is refused in plain words, not printed.
  await browser.$('[data-testid="print-history"]').click();
  const noHistory = await browser.$('[data-testid="error"]');
  await noHistory.waitForExist({ timeout: 15000 });
  assert.equal(await noHistory.getAttribute('data-code'), 'no_completed_courses');
  assert.match(await noHistory.getText(), /수료한 과정이 없어/);
  assert.equal(printer.received().length, 1, 'only the receipt was printed');
  stack.screenshot('mine-no-history');
  if (state === 'confirmed') {
    // A certificate needs 80 % attendance: asked for too early, the refusal is plain Korean.
    await item.$('[data-testid="print-certificate"]').click();
    const refusal = await browser.$('[data-testid="error"]');
    await refusal.waitForExist({ timeout: 15000 });
    assert.equal(await refusal.getAttribute('data-code'), 'not_completed');
    assert.match(await refusal.getText(), /수료 기준/);
    assert.equal(printer.received().length, 1, 'nothing printed for a course not completed');
    stack.screenshot('mine-certificate-refused');
  }
  await item.$('[data-testid="cancel"]').click();
  const quote = await browser.$('[data-testid="refund-quote"]');
  await quote.waitForExist();
  assert.match(await quote.getText(), state === 'confirmed' || state === 'awaiting_payment' ? /환불|돌려받으십니다/ : /취소하시겠습니까/);
  stack.screenshot('mine-refund-quote');
  await browser.$('[data-testid="confirm-cancel"]').click();
  await browser.waitUntil(
    async () => (await browser.$('[data-testid="enrollment-status"]').getAttribute('data-state')) === 'cancelled',
    { timeout: 15000, timeoutMsg: 'the cancellation did not come back from the hub' },
  );
  await browser.$('[data-testid="mine-done"]').click();

  // The line goes down. The learner is found at this kiosk and applies anyway.
  hub.stop();
  buttons = await applyButtons(browser);
  await browser.execute((el) => el.scrollIntoView({ block: 'center' }), buttons[1]);
  await buttons[1].click();
  await browser.$('[data-testid="learner-returning"]').click();
  await browser.$('[data-testid="find-mobile"]').setValue('01023456789');
  await browser.$('[data-testid="find-birth"]').setValue('1951-04-02');
  await browser.$('[data-testid="find-pin"]').setValue('4821');
  await browser.$('[data-testid="find-submit"]').click();
  await browser.$('[data-testid="apply-submit"]').waitForExist({ timeout: 15000 });
  await browser.$('[data-testid="apply-submit"]').click();
  await browser.$('[data-testid="receipt"]').waitForExist({ timeout: 15000 });
  const offline = await browser.$('[data-testid="enrollment-status"]');
  assert.equal(await offline.getAttribute('data-state'), 'pending');
  assert.equal(await offline.getText(), '접수 대기 (확정 전)');
  assert.match(await browser.$('[data-testid="pending-note"]').getText(), /어느 키오스크에서나/);
  stack.screenshot('apply-receipt-offline');
});
