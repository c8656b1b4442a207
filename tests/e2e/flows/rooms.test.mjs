// Flow: 시설 대관 through the real window, by visible labels. A club leader registered at another
// kiosk finds herself, picks the 미디어실, sees its week (from the last sync, "기준"), takes two
// free hours, fills in the purpose, headcount and her club, sees the fee (등록 동아리 감면) before
// anything is filed, requests it, a 기관 담당자 approves it in the console (Chromium), she is
// answered 승인 with the pay-by time, and prints the 대관
// 확인서 on a real IPP printer. Portrait and landscape, normal and 큰글씨, audited with axe.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { audit, findHerself, pdfText, press, registeredElsewhere, startStack, typeInto } from '../harness.mjs';
import { mainText, signIn, startChromium, submit } from '../console.mjs';

const LEADER = { id: 'l-e2e-club-leader', name: '정사진', birth: '1968-04-04', mobile: '01055556868', mobileTyped: '010-5555-6868', pin: '8642' };

async function assertAccessible(browser, where) {
  const violations = await audit(browser);
  assert.deepEqual(violations, [], `${where}: ${JSON.stringify(violations, null, 2)}`);
}

/** Opens the 미디어실's week and picks its first free slot with a free one after it. */
async function pickTwoHours(browser) {
  await browser.$('[data-testid="room"][data-room-id="gm-llc.media"]').waitForExist({ timeout: 20000 });
  await browser.execute(() => document.querySelector('[data-room-id="gm-llc.media"] [data-testid="choose-room"]').click());
  await browser.$('[data-testid="calendar"]').waitForExist({ timeout: 10000 });
  const picked = await browser.execute(() => {
    for (const day of document.querySelectorAll('[data-testid="calendar"] .day')) {
      const slots = [...day.querySelectorAll('[data-testid="slot"]')];
      const i = slots.findIndex((s, n) => s.dataset.state === 'free' && slots[n + 1]?.dataset.state === 'free');
      if (i >= 0) {
        slots[i].click();
        return `${day.dataset.date} ${slots[i].textContent.trim()}`;
      }
    }
    return null;
  });
  assert.ok(picked, 'a free two hours in the week');
  await browser.$('[data-testid="chosen"]').waitForExist({ timeout: 5000 });
  await press(browser, 'slots-more');
  return picked;
}

test('a club leader books the media room and prints the booking slip (portrait)', { timeout: 300000 }, async (t) => {
  const stack = await startStack({ size: [1080, 1920], printer: true });
  t.after(() => stack.stop());
  const { browser, hub, printer } = stack;
  await registeredElsewhere(hub, 'k-e2e-rooms-elsewhere', [LEADER]);
  await browser.$('[data-testid="course-card"]').waitForExist({ timeout: 60000 });
  assert.equal(await browser.$('[data-testid="open-rooms"]').getText(), '시설 대관');

  await findHerself(browser, 'open-rooms', LEADER);
  await browser.$('[data-testid="room"]').waitForExist({ timeout: 20000 });
  const names = await browser.execute(() => [...document.querySelectorAll('[data-testid="room"] h3')].map((h) => h.textContent.trim()));
  for (const kind of ['강의실 301호', '다목적홀 (301+302호)', '미디어실', '전시실', '공유주방', '화상면접실', '광명도서관 세미나실 1']) {
    assert.ok(names.includes(kind), `${kind} in ${names}`);
  }
  stack.screenshot('rooms-list-portrait');
  await assertAccessible(browser, 'rooms list, portrait');

  const picked = await pickTwoHours(browser);
  assert.match(await browser.$('[data-testid="calendar-as-of"]').getText(), /^\d{2}:\d{2} 기준$/);
  stack.screenshot('rooms-calendar-portrait');
  await assertAccessible(browser, 'rooms calendar, portrait');
  await press(browser, 'room-next');
  await browser.$('[data-testid="room-purpose"]').waitForExist({ timeout: 5000 });
  await typeInto(browser, 'room-purpose', '사진 동아리 정기 모임');
  await typeInto(browser, 'room-headcount', '6');
  await typeInto(browser, 'room-organisation', '철산 사진 동아리');
  await press(browser, 'booker-registered_club');
  const fee = await browser.$('[data-testid="room-fee"]');
  await browser.waitUntil(async () => (await fee.isExisting()) && /이용료: [\d,]+원/.test(await fee.getText()), {
    timeout: 10000,
    timeoutMsg: 'the fee was never shown before filing',
  });
  stack.screenshot('rooms-form-portrait');
  await assertAccessible(browser, 'rooms form, portrait');
  const shownFee = await fee.getText();

  await press(browser, 'room-submit');
  const card = await browser.$('[data-testid="rental-card"]');
  // The club's reduction is claimed, not proven: staff check it before the booking stands.
  await browser.waitUntil(async () => (await card.isExisting()) && (await card.getAttribute('data-state')) === 'awaiting_approval', {
    timeout: 30000,
    timeoutMsg: 'the hub never answered 승인 대기',
  });
  assert.equal(await browser.$('[data-testid="rental-status"]').getText(), '승인 대기');
  assert.equal(await browser.$('[data-testid="rental-fee"]').getText(), shownFee, 'the hub charged what was shown');
  stack.screenshot('rooms-requested-portrait');
  await press(browser, 'room-print');
  await browser.waitUntil(async () => printer.received().length === 1, { timeout: 30000, timeoutMsg: 'the receipt never reached the printer' });
  assert.match(pdfText(printer.received()[0]), /대관 신청 접수증/);

  // The 기관 담당자 approves it in the console (Chromium); her page shows 승인 with the pay-by
  // time, and the slip prints.
  const bookingId = await card.getAttribute('data-booking-id');
  hub.addConsoleStaff({ number: '3101', name: '김담당', role: 'institution_officer', institution: 'gm-llc', password: 'gm-rooms-2026!' });
  const chrome = await startChromium();
  t.after(() => chrome.stop());
  await signIn(chrome.browser, hub.url, '3101', 'gm-rooms-2026!');
  await chrome.browser.url(`${hub.url}/console/rentals`);
  const approve = await chrome.browser.$(`section[aria-labelledby="b-${bookingId}"] form input[value="approve"]`);
  await submit(chrome.browser, await approve.parentElement().$('button'));
  await chrome.browser.waitUntil(async () => (await chrome.browser.getUrl()).includes('done='), { timeout: 10000, timeoutMsg: 'the console did not approve' });
  assert.match(await mainText(chrome.browser), new RegExp(`${bookingId}: 승인`));
  await chrome.screenshot('console-rental-approved');
  await press(browser, 'open-mine');
  const mine = await browser.$(`[data-testid="my-page"] [data-testid="rental-card"][data-booking-id="${bookingId}"]`);
  await browser.waitUntil(async () => (await mine.isExisting()) && (await mine.getAttribute('data-state')) === 'approved', {
    timeout: 30000,
    timeoutMsg: 'her page never showed 승인',
  });
  assert.match(await mine.$('[data-testid="rental-reason"]').getText(), /까지 창구에서 결제해 주세요/);
  stack.screenshot('rooms-approved-portrait');
  await assertAccessible(browser, 'my page with a booking, portrait');
  await browser.execute((id) => document.querySelector(`[data-booking-id="${id}"] [data-testid="room-print"]`).click(), bookingId);
  await browser.waitUntil(async () => printer.received().length === 2, { timeout: 30000, timeoutMsg: 'the slip never reached the printer' });
  const slip = pdfText(printer.received()[1]);
  for (const expected of ['대관 확인서', '미디어실', '철산 사진 동아리', '승인', '정*진']) {
    assert.ok(slip.includes(expected), `${expected} on the slip: ${slip}`);
  }
  assert.ok(!slip.includes('정사진'), 'the name is masked on the slip');
  const [date] = picked.split(' ');
  assert.ok(slip.includes(`${Number(date.slice(5, 7))}월 ${Number(date.slice(8, 10))}일`), slip);
});

test('rooms in 큰글씨 on a landscape screen', { timeout: 300000 }, async (t) => {
  const stack = await startStack({ size: [1920, 1080] });
  t.after(() => stack.stop());
  const { browser, hub } = stack;
  await registeredElsewhere(hub, 'k-e2e-rooms-landscape', [LEADER]);
  await browser.$('[data-testid="course-card"]').waitForExist({ timeout: 60000 });
  await press(browser, 'welcome-large');
  await findHerself(browser, 'open-rooms', LEADER);
  await browser.$('[data-testid="room"]').waitForExist({ timeout: 20000 });
  stack.screenshot('rooms-list-landscape-large');
  await assertAccessible(browser, 'rooms list, landscape large');
  await pickTwoHours(browser);
  stack.screenshot('rooms-calendar-landscape-large');
  await assertAccessible(browser, 'rooms calendar, landscape large');
  await press(browser, 'room-next');
  await browser.$('[data-testid="room-purpose"]').waitForExist({ timeout: 5000 });
  await typeInto(browser, 'room-purpose', '동아리 모임');
  await browser.$('[data-testid="room-fee"]').waitForExist({ timeout: 10000 });
  stack.screenshot('rooms-form-landscape-large');
  await assertAccessible(browser, 'rooms form, landscape large');
});
