// Flow: 지원금 신청 through the real window, by visible labels. Two people registered at another
// kiosk find themselves here with mobile number, birth date and PIN. A 1966년생 is told "no" in
// plain words before anything is asked; a 1970년생 answers the two residence questions (no
// 주민등록번호, no 초본) and applies, and the hub holds her one application. Portrait and
// landscape, normal and 큰글씨, each screen audited with axe and photographed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { audit, findHerself, press, registeredElsewhere, startStack } from '../harness.mjs';

async function openSubsidy(browser, person) {
  await findHerself(browser, 'open-subsidy', person);
  await browser.$('[data-testid="subsidy-programme"]').waitForExist({ timeout: 20000 });
}

async function assertAccessible(browser, where) {
  const violations = await audit(browser);
  assert.deepEqual(violations, [], `${where}: ${JSON.stringify(violations, null, 2)}`);
}

const BORN_1966 = { id: 'l-e2e-sub-1966', name: '박순자', birth: '1966-05-01', mobile: '01044441966', mobileTyped: '010-4444-1966', pin: '3691' };
const BORN_1970 = { id: 'l-e2e-sub-1970', name: '김배움', birth: '1970-08-15', mobile: '01044441970', mobileTyped: '010-4444-1970', pin: '5930' };
const BORN_1972 = { id: 'l-e2e-sub-1972', name: '이학습', birth: '1972-02-02', mobile: '01044441972', mobileTyped: '010-4444-1972', pin: '7314' };

test('a 1966-born person is told no in plain words; a 1970-born person applies (portrait)', { timeout: 300000 }, async (t) => {
  const stack = await startStack({ size: [1080, 1920] });
  t.after(() => stack.stop());
  const { browser, hub } = stack;
  await registeredElsewhere(hub, 'k-e2e-sub-elsewhere', [BORN_1966, BORN_1970]);
  await browser.$('[data-testid="course-card"]').waitForExist({ timeout: 60000 });
  assert.equal(await browser.$('[data-testid="open-subsidy"]').getText(), '지원금 신청');

  await openSubsidy(browser, BORN_1966);
  const why = await browser.$('[data-testid="subsidy-why"]');
  await why.waitForExist({ timeout: 10000 });
  assert.equal(await why.getText(), '1966년생은 올해 대상이 아닙니다 (대상: 1967~1976년생)');
  assert.equal(await browser.$('[data-testid="subsidy-apply"]').isExisting(), false, 'nothing to apply with');
  stack.screenshot('subsidy-no-1966-portrait');
  await assertAccessible(browser, 'subsidy no, portrait');
  await press(browser, 'subsidy-done');

  await openSubsidy(browser, BORN_1970);
  const programme = await browser.$('[data-testid="subsidy-programme"]').getText();
  assert.match(programme, /1967~1976년생/);
  assert.match(programme, /300,000원/);
  assert.equal(await browser.$('[data-testid="subsidy-apply"]').isEnabled(), false, 'both questions come first');
  await press(browser, 'answer-continuous-yes');
  await press(browser, 'answer-in-total-no');
  stack.screenshot('subsidy-questions-portrait');
  await assertAccessible(browser, 'subsidy questions, portrait');
  await press(browser, 'subsidy-apply');
  const card = await browser.$('[data-testid="subsidy-card"]');
  await browser.waitUntil(async () => (await card.isExisting()) && (await card.getAttribute('data-state')) === 'applied', {
    timeout: 30000,
    timeoutMsg: 'the hub never answered 신청완료',
  });
  assert.equal(await browser.$('[data-testid="subsidy-status"]').getText(), '신청완료');
  assert.match(await browser.$('[data-testid="subsidy-receipt"]').getText(), /접수번호 S\d{4}-\d{6}/);
  stack.screenshot('subsidy-applied-portrait');
  await assertAccessible(browser, 'subsidy applied, portrait');

  // The hub holds one application for her, as declared.
  const res = await hub.call(
    '/v1/subsidy/lookup',
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ learner_ids: [BORN_1970.id, BORN_1966.id] }) },
    'k-e2e-sub-elsewhere',
  );
  const statuses = await res.json();
  assert.equal(statuses.applications.length, 1, JSON.stringify(statuses));
  assert.equal(statuses.applications[0].learner_id, BORN_1970.id);
  assert.equal(statuses.applications[0].status.status, 'applied');

  // 나의 신청 내역 shows it too.
  await press(browser, 'open-mine');
  const mine = await browser.$('[data-testid="my-page"] [data-testid="subsidy-card"]');
  await mine.waitForExist({ timeout: 15000 });
  assert.equal(await mine.getAttribute('data-state'), 'applied');
});

test('applying in 큰글씨 on a landscape screen', { timeout: 300000 }, async (t) => {
  const stack = await startStack({ size: [1920, 1080] });
  t.after(() => stack.stop());
  const { browser, hub } = stack;
  await registeredElsewhere(hub, 'k-e2e-sub-landscape', [BORN_1966, BORN_1972]);
  await browser.$('[data-testid="course-card"]').waitForExist({ timeout: 60000 });
  await press(browser, 'welcome-large');
  await browser.waitUntil(async () => browser.execute(() => document.documentElement.style.zoom === '1.3'), {
    timeout: 5000,
    timeoutMsg: '큰글씨 is not drawn',
  });

  await openSubsidy(browser, BORN_1966);
  await browser.$('[data-testid="subsidy-why"]').waitForExist({ timeout: 10000 });
  stack.screenshot('subsidy-no-1966-landscape-large');
  await assertAccessible(browser, 'subsidy no, landscape large');
  await press(browser, 'subsidy-done');

  await press(browser, 'welcome-large');
  await openSubsidy(browser, BORN_1972);
  await press(browser, 'answer-continuous-no');
  await press(browser, 'answer-in-total-yes');
  stack.screenshot('subsidy-questions-landscape-large');
  await assertAccessible(browser, 'subsidy questions, landscape large');
  await press(browser, 'subsidy-apply');
  const card = await browser.$('[data-testid="subsidy-card"]');
  await browser.waitUntil(async () => (await card.isExisting()) && (await card.getAttribute('data-state')) === 'applied', {
    timeout: 30000,
    timeoutMsg: 'the hub never answered 신청완료',
  });
  stack.screenshot('subsidy-applied-landscape-large');
  await assertAccessible(browser, 'subsidy applied, landscape large');
});
