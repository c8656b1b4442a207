// Flow: 학습동아리 through the real window, by visible labels. A person finds a club by 초성 and
// asks to join. A leader registers a club with four founding members, each confirming with their
// own PIN, while the city's rules are computed on the screen; staff approve it at the hub; the
// leader records a meeting, typing what they did on the kiosk's own keyboard, and prints the
// year's 동아리 활동 실적서 on the IPP printer. Portrait and landscape, normal and 큰글씨, with axe.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { audit, findHerself, pdfText, press, registeredElsewhere, startStack, typeInto } from '../harness.mjs';

const JOINER = { id: 'l-e2e-club-joiner', name: '나가입', birth: '1958-04-04', mobile: '01070700404', mobileTyped: '010-7070-0404', pin: '4040' };
const LEADER = { id: 'l-e2e-club-leader', name: '도대표', birth: '1961-06-06', mobile: '01070700606', mobileTyped: '010-7070-0606', pin: '6060' };
const FOUNDERS = [1, 2, 3, 4].map((n) => ({
  id: `l-e2e-club-founder-${n}`,
  name: ['김하나', '이두리', '박세나', '최네나'][n - 1],
  birth: `196${n}-0${n}-1${n}`,
  mobile: `0107070110${n}`,
  mobileTyped: `010-7070-110${n}`,
  pin: `${n}${n}${n}7`,
}));

async function assertAccessible(browser, where) {
  const violations = await audit(browser);
  assert.deepEqual(violations, [], `${where}: ${JSON.stringify(violations, null, 2)}`);
}

async function openClubs(browser) {
  await press(browser, 'open-clubs');
  await browser.waitUntil(async () => (await browser.$('[data-testid="club-card"]').isExisting()), {
    timeout: 60000,
    timeoutMsg: 'the club list never reached the kiosk',
  });
}

test('find a club by 초성 and ask to join; register a club, record a meeting on the keyboard, print the report', { timeout: 400000 }, async (t) => {
  const stack = await startStack({ size: [1080, 1920], printer: true });
  t.after(() => stack.stop());
  const { browser, hub, printer } = stack;
  await registeredElsewhere(hub, 'k-e2e-clubs-elsewhere', [JOINER, LEADER, ...FOUNDERS]);
  await browser.$('[data-testid="course-card"]').waitForExist({ timeout: 60000 });
  assert.equal(await browser.$('[data-testid="open-clubs"]').getText(), '동아리');

  // 초성 ㅊㅅㅅㅈ finds 철산 사진 동아리; she asks to join after finding herself.
  await openClubs(browser);
  stack.screenshot('clubs-list-portrait');
  await assertAccessible(browser, 'clubs list, portrait');
  await typeInto(browser, 'club-search', 'ㅊㅅㅅㅈ');
  await browser.waitUntil(async () => (await browser.$('[data-testid="club-count"]').getText()) === '동아리 1곳', {
    timeout: 10000,
    timeoutMsg: '초성 did not find the club',
  });
  assert.equal(await browser.$('[data-testid="club-name"]').getText(), '철산 사진 동아리');
  await press(browser, 'club-open');
  await browser.$('[data-testid="club-detail"]').waitForExist({ timeout: 10000 });
  assert.equal(await browser.$('[data-testid="club-members"]').getText(), '회원 6명 · 대표 김*진', 'the leader masked');
  await assertAccessible(browser, 'club page, portrait');
  await press(browser, 'club-join');
  await browser.$('[data-testid="learner-returning"]').waitForExist({ timeout: 10000 });
  await press(browser, 'learner-returning');
  await browser.$('[data-testid="find-mobile"]').waitForExist({ timeout: 10000 });
  await typeInto(browser, 'find-mobile', JOINER.mobileTyped);
  await typeInto(browser, 'find-birth', JOINER.birth.replaceAll('-', ''));
  await typeInto(browser, 'find-pin', JOINER.pin);
  await press(browser, 'find-submit');
  await browser.$('[data-testid="club-joined"]').waitForExist({ timeout: 20000 });
  stack.screenshot('clubs-joined-portrait');
  // Her page says she asked; she finishes.
  await press(browser, 'open-mine');
  const asking = await browser.$('[data-testid="my-club"][data-club-id="club-demo-photo"]');
  await asking.waitForExist({ timeout: 20000 });
  assert.equal(await asking.getAttribute('data-role'), 'asked');
  await press(browser, 'mine-done');
  await browser.$('[data-testid="course-card"]').waitForExist({ timeout: 20000 });

  // A leader registers a club; each founding member confirms with their own PIN.
  await press(browser, 'open-clubs');
  await browser.$('[data-testid="club-register"]').waitForExist({ timeout: 10000 });
  await findHerself(browser, 'club-register', LEADER);
  await browser.$('[data-testid="club-form"]').waitForExist({ timeout: 20000 });
  await typeInto(browser, 'club-name-input', '하안 수채화 교실 동아리');
  await typeInto(browser, 'club-note', '첫째·셋째 월요일 오후 2시');
  await typeInto(browser, 'club-place', '광명시평생학습원 강의실 302');
  await typeInto(browser, 'club-summary', '수채화 강좌를 마친 분들이 함께 그립니다.');
  for (const f of FOUNDERS) {
    await press(browser, 'founder-add');
    await browser.$('[data-testid="founder-mobile"]').waitForExist({ timeout: 5000 });
    await typeInto(browser, 'founder-mobile', f.mobileTyped);
    await typeInto(browser, 'founder-birth', f.birth.replaceAll('-', ''));
    await typeInto(browser, 'founder-pin', f.pin);
    await press(browser, 'founder-confirm');
    await browser.waitUntil(async () => (await browser.$$('[data-testid="club-founder"]')).length === FOUNDERS.indexOf(f) + 1, {
      timeout: 20000,
      timeoutMsg: `${f.name} was not added`,
    });
  }
  const check = await browser.$('[data-testid="club-check"]');
  await browser.waitUntil(async () => (await check.getText()).startsWith('회원 5명 · 광명시민 5명 (100%)'), { timeout: 10000, timeoutMsg: await check.getText() });
  assert.match(await check.getText(), /기준: 5명 이상, 광명시민 60% 이상\n?등록 기준을 채웠습니다/);
  stack.screenshot('clubs-register-portrait');
  await assertAccessible(browser, 'club registration, portrait');
  await press(browser, 'club-submit');
  const filed = await browser.$('[data-testid="club-filed"]');
  await browser.waitUntil(async () => (await filed.isExisting()) && (await filed.getAttribute('data-state')) === 'awaiting_approval', {
    timeout: 30000,
    timeoutMsg: 'the hub never answered 승인 대기',
  });

  // Staff approve it at the hub; on her page it is active, and she records a meeting.
  const waiting = JSON.parse(hub.command('club', ['list', '--waiting']));
  const mine = waiting.find((c) => c.name === '하안 수채화 교실 동아리');
  assert.ok(mine, JSON.stringify(waiting));
  assert.equal(mine.members, 5);
  hub.command('club', ['approve', mine.club_id, '--by', '김담당']);
  await press(browser, 'club-to-mine');
  const card = await browser.$(`[data-testid="my-club"][data-club-id="${mine.club_id}"]`);
  await browser.waitUntil(async () => (await card.isExisting()) && (await card.getAttribute('data-state')) === 'active', {
    timeout: 30000,
    timeoutMsg: 'her page never showed the club active',
  });
  await browser.execute((id) => document.querySelector(`[data-club-id="${id}"] [data-testid="club-record"]`).click(), mine.club_id);
  await browser.$('[data-testid="activity-form"]').waitForExist({ timeout: 5000 });
  await typeInto(browser, 'activity-place', '강의실 302');
  for (const who of (await browser.$$('[data-testid="activity-attendee"]')).slice(0, 3)) await who.click();
  // What they did, on the kiosk's own Hangul keyboard: "풍경화".
  await browser.$('[data-testid="activity-summary"]').click();
  const keyboard = await browser.$('[data-testid="keyboard"]');
  await keyboard.waitForExist({ timeout: 5000 });
  for (const key of ['ㅍ', 'ㅜ', 'ㅇ', 'ㄱ', 'ㅕ', 'ㅇ', 'ㅎ', 'ㅗ', 'ㅏ']) await keyboard.$(`[data-key="${key}"]`).click();
  assert.equal(await browser.$('[data-testid="activity-summary"]').getValue(), '풍경화');
  stack.screenshot('clubs-activity-keyboard-portrait');
  await press(browser, 'activity-submit');
  await browser.waitUntil(async () => (await browser.$$('[data-testid="club-activity"]')).length === 1, { timeout: 30000, timeoutMsg: 'the record was not listed' });
  const line = await browser.$('[data-testid="club-activity"]');
  await browser.waitUntil(async () => (await line.getAttribute('data-waiting')) === 'false', { timeout: 30000, timeoutMsg: 'the hub never took the record' });
  assert.match(await line.getText(), /강의실 302 · 120분 · 3명 참석/);
  stack.screenshot('clubs-mine-leader-portrait');
  await assertAccessible(browser, 'my page with a club, portrait');

  await browser.execute((id) => document.querySelector(`[data-club-id="${id}"] [data-testid="club-report"]`).click(), mine.club_id);
  await browser.waitUntil(async () => printer.received().length === 1, { timeout: 30000, timeoutMsg: 'the report never reached the printer' });
  const report = pdfText(printer.received()[0]);
  const compact = report.replace(/\s+/g, '');
  assert.ok(compact.includes('동아리활동실적서'), report);
  for (const expected of ['하안 수채화 교실 동아리', '강의실 302', '풍경화', '모임 1회, 총 2시간', '1회 / 1회 참석']) {
    assert.ok(report.includes(expected), `${expected} in the report: ${report}`);
  }
});

test('clubs in 큰글씨 on a landscape screen', { timeout: 300000 }, async (t) => {
  const stack = await startStack({ size: [1920, 1080] });
  t.after(() => stack.stop());
  const { browser } = stack;
  await browser.$('[data-testid="course-card"]').waitForExist({ timeout: 60000 });
  await press(browser, 'welcome-large');
  await openClubs(browser);
  await press(browser, 'club-recruiting');
  await browser.waitUntil(async () => (await browser.$('[data-testid="club-count"]').getText()) === '동아리 3곳', {
    timeout: 10000,
    timeoutMsg: 'the recruiting filter',
  });
  stack.screenshot('clubs-list-landscape-large');
  await assertAccessible(browser, 'clubs list, landscape large');
  await press(browser, 'club-open');
  await browser.$('[data-testid="club-detail"]').waitForExist({ timeout: 10000 });
  stack.screenshot('clubs-detail-landscape-large');
  await assertAccessible(browser, 'club page, landscape large');
});
