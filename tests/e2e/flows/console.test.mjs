// Flow: the operators' console in Debian's Chromium against a real hub. A desk clerk who
// mistypes her password five times is locked out; the 시스템 관리자 signs in with a password and
// a TOTP code from the QR enrolment, runs the subsidy draw (seed, algorithm, entrants' digest and
// the re-run check shown) and revokes a certificate, after which /verify says 취소; a 기관 담당자
// of another institution sees none of gm-llc's data, in lists or by typed addresses; a form
// forged on another site is refused. axe-core runs on every page; screenshots in test-output.
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { audit, registeredElsewhere, startHub } from '../harness.mjs';
import { mainText, signIn, startChromium, submit, totpCode } from '../console.mjs';

const PASSWORD = 'gm-console-2026!';
const op = () => randomUUID().replaceAll('-', '');

async function assertAccessible(browser, where) {
  const violations = await audit(browser);
  assert.deepEqual(violations, [], `${where}: ${JSON.stringify(violations, null, 2)}`);
}

/** Intents from a kiosk of the test's own; staff-only ones carry `staff`. */
async function send(hub, kioskId, bodies, staff = null, first = 1) {
  const res = await hub.call(
    '/v1/intents',
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ intents: bodies.map((body, i) => ({ seq: first + i, op_id: op(), body, ...(staff && body.service === 'attendance' ? { staff } : {}) })) }),
    },
    kioskId,
  );
  assert.equal(res.status, 200, await res.clone().text());
  const answer = await res.json();
  assert.ok(answer.results.every((r) => r.outcome.outcome !== 'rejected'), JSON.stringify(answer.results));
}

/** A learner who completed the demo's course under way, and her certificate from the class batch. */
async function certificateOf(hub) {
  const { course, started } = await hub.underWay();
  const learner = { id: 'l-e2e-console-cert', name: '한수료', birth: '1955-05-05', mobile: '01044445151', pin: '2580' };
  await registeredElsewhere(hub, 'k-e2e-console-desk', [learner]);
  hub.addStaff('7001', '864213');
  const staff = await hub.staffStamp('k-e2e-console-desk', '7001', '864213');
  await send(hub, 'k-e2e-console-desk', [
    { service: 'enrollment', type: 'apply', learner_id: learner.id, course_id: course.id, claims: [] },
    ...started.map((date) => ({ service: 'attendance', type: 'mark_attendance', learner_id: learner.id, course_id: course.id, session: date, present: true })),
  ], staff, 2);
  const signIn = await hub.call('/v1/staff/sessions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ staff_number: '7001', pin: '864213' }) }, 'k-e2e-console-desk');
  const { session } = await signIn.json();
  const res = await hub.call('/v1/certificates/class', { method: 'POST', headers: { 'content-type': 'application/json', 'baeum-session': session.token }, body: JSON.stringify({ course_id: course.id }) }, 'k-e2e-console-desk');
  assert.equal(res.status, 200, await res.clone().text());
  const batch = await res.json();
  const issued = batch.issued.find((c) => c.payload.b === learner.birth);
  assert.ok(issued, `the class batch issued her certificate: ${JSON.stringify(batch)}`);
  return issued;
}

/** Three applicants to the demo's subsidy programme, then its window closed (the draw runs after it). */
async function subsidyReady(hub, dir) {
  const people = [1, 2, 3].map((i) => ({ id: `l-e2e-subsidy-${i}`, name: ['김지원', '이지원', '박지원'][i - 1], birth: `197${i}-03-0${i}`, mobile: `0104444700${i}`, pin: '2580' }));
  await registeredElsewhere(hub, 'k-e2e-subsidy-apply', people);
  const year = new Date().getFullYear();
  const programme = `gm-${year}-extra`;
  await send(hub, 'k-e2e-subsidy-apply', people.map((p) => ({ service: 'subsidy', type: 'apply_subsidy', learner_id: p.id, programme_id: programme, residence: { continuous: true, in_total: true } })), null, people.length + 1);
  const day = (offset) => new Date(Date.now() + offset * 86400000 + 9 * 3600000).toISOString().slice(0, 10);
  const file = join(dir, 'programme.json');
  writeFileSync(file, JSON.stringify({
    id: programme, name: `${year}년 광명시민 평생학습지원금 (추가 모집)`, birth_years: { from: 1967, to: 1976 },
    residence: { continuous_years: 1, total_years: 5 }, amount: 300000, places: 2,
    opens_on: day(-10), closes_on: day(-1), results_on: day(7), points_expire_on: day(200), first_taken_birth_year: 1967,
  }));
  hub.command('subsidy', ['programme', file]);
  return programme;
}

test('the console: lockout, TOTP, the subsidy draw, a revoked certificate, scope and CSRF', { timeout: 420000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'baeum-console-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const hub = await startHub(dir);
  t.after(() => hub.stop());
  const chrome = await startChromium();
  t.after(() => chrome.stop());
  const { browser, screenshot } = chrome;
  hub.addConsoleStaff({ number: '1001', name: '김관리', role: 'system_admin', password: PASSWORD });
  hub.addConsoleStaff({ number: '2001', name: '이데스크', role: 'desk', institution: 'gm-llc', password: PASSWORD });
  hub.addConsoleStaff({ number: '3001', name: '박담당', role: 'institution_officer', institution: 'dong-cs1', password: PASSWORD });
  const certificate = await certificateOf(hub);
  const programme = await subsidyReady(hub, dir);

  // 1. Five wrong passwords lock the desk clerk out, in Korean.
  await browser.url(`${hub.url}/console/login`);
  await screenshot('console-login');
  await assertAccessible(browser, 'login');
  for (let i = 0; i < 5; i++) await signIn(browser, hub.url, '2001', 'not-her-password');
  assert.match(await mainText(browser), /계정이 잠겼습니다/);
  await signIn(browser, hub.url, '2001', PASSWORD);
  assert.match(await mainText(browser), /계정이 잠겼습니다/, 'the right password waits for the lock to end');
  await screenshot('console-locked');

  // 2. The administrator: password, then the QR enrolment and a code from the app.
  await signIn(browser, hub.url, '1001', PASSWORD);
  assert.match(await browser.getUrl(), /\/console\/totp$/);
  const secret = await (await browser.$('#totp-secret')).getText();
  assert.ok(await (await browser.$('svg')).isExisting(), 'the enrolment QR code');
  await screenshot('console-totp-enrolment');
  await assertAccessible(browser, 'totp enrolment');
  await (await browser.$('#code')).setValue('000000');
  await submit(browser, await browser.$('form[action="/console/totp"] button'));
  assert.match(await mainText(browser), /인증 코드가 맞지 않거나/);
  await (await browser.$('#code')).setValue(totpCode(secret));
  await submit(browser, await browser.$('form[action="/console/totp"] button'));
  await browser.waitUntil(async () => (await browser.getUrl()).endsWith('/console/'), { timeout: 10000, timeoutMsg: 'not signed in after the code' });
  const cookies = await browser.getCookies();
  const session = cookies.find((c) => c.name === 'baeum_console');
  assert.ok(session && session.httpOnly && session.sameSite === 'Strict', JSON.stringify(cookies));

  // Every page of the administrator's menu, with axe and a screenshot.
  for (const [path, name] of [['/console/', 'home'], ['/console/courses', 'courses'], ['/console/rentals', 'rentals'], ['/console/clubs', 'clubs'], ['/console/subsidy', 'subsidy'], ['/console/certificates', 'certificates'], ['/console/fleet', 'fleet'], ['/console/audit', 'audit'], ['/console/staff', 'staff']]) {
    await browser.url(`${hub.url}${path}`);
    assert.equal(await (await browser.$('h1')).isExisting(), true, path);
    await screenshot(`console-${name}`);
    await assertAccessible(browser, path);
  }
  const { course } = await hub.underWay();
  await browser.url(`${hub.url}/console/courses/${course.id}`);
  assert.match(await mainText(browser), /수강생 명단/);
  assert.match(await mainText(browser), /010-\*\*\*\*-5151/, 'the administrator sees phone numbers masked');
  await screenshot('console-class-list');
  await assertAccessible(browser, 'class list');
  const clubLink = await browser.url(`${hub.url}/console/clubs`).then(() => browser.$('main table a'));
  await submit(browser, clubLink);
  await screenshot('console-club');
  await assertAccessible(browser, 'club detail');

  // 3. The subsidy draw: seed, algorithm and digest shown, and the re-run check.
  await browser.url(`${hub.url}/console/subsidy/${programme}`);
  assert.match(await mainText(browser), /지금 추첨 대상 3명/);
  await submit(browser, await browser.$('form[action$="/draw"] button'));
  await browser.waitUntil(async () => (await browser.$('#draw-check')).isExisting(), { timeout: 10000, timeoutMsg: 'no draw record' });
  assert.match(await mainText(browser), /신청 3명 가운데 2명 선정/);
  assert.match(await (await browser.$('#draw-seed')).getText(), /^[0-9a-f]{64}$/);
  assert.match(await (await browser.$('#draw-digest')).getText(), /^[0-9a-f]{64}$/);
  assert.match(await (await browser.$('#draw-check')).getText(), /기록과 같습니다/);
  await screenshot('console-subsidy-drawn');
  await assertAccessible(browser, 'subsidy after the draw');
  const verified = hub.command('subsidy', ['verify', programme]);
  assert.match(verified, /기록과 같습니다/);

  // 4. Revoking a certificate: /verify says so.
  await browser.url(`${hub.url}/console/certificates?q=${certificate.serial}`);
  assert.match(await (await browser.$('.cert-state')).getText(), /유효/);
  await (await browser.$(`#reason-${certificate.serial}`)).setValue('출석 기록 정정');
  await submit(browser, await browser.$(`#reason-${certificate.serial}`).parentElement().$('button'));
  await browser.waitUntil(async () => /취소됨/.test(await (await browser.$('.cert-state')).getText()), { timeout: 10000, timeoutMsg: 'not revoked' });
  await screenshot('console-certificate-revoked');
  await browser.url(`${hub.url}/verify/${certificate.verification_code}`);
  assert.equal(await (await browser.$('[data-status]')).getAttribute('data-status'), 'revoked');
  assert.match(await (await browser.$('body')).getText(), /취소된 수료증입니다/);

  // 5. A form forged on another site (a page on another port) is refused; no notice is posted.
  await browser.url(`${hub.url}/console/fleet`);
  const forger = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="ko"><body><form id="f" method="post" action="${hub.url}/console/notices"><input name="csrf" value="guess"><input name="text" value="가짜 공지"><input name="hours" value="4"></form><script>document.getElementById('f').submit()</script></body></html>`);
  });
  await new Promise((ok) => forger.listen(0, '127.0.0.1', ok));
  t.after(() => forger.close());
  await browser.url(`http://localhost:${forger.address().port}/`);
  await browser.waitUntil(async () => (await browser.getUrl()).startsWith(hub.url), { timeout: 10000, timeoutMsg: 'the forged form did not post' });
  const refused = await (await browser.$('body')).getText();
  assert.ok(/이 화면에서 보낸 요청이 아닙니다|로그인/.test(refused), refused);
  await browser.url(`${hub.url}/console/fleet`);
  assert.ok(!(await mainText(browser)).includes('가짜 공지'), 'the forged notice was not posted');
  await (await browser.$('#notice-text')).setValue('오늘 오후 3시 정전 예정');
  await submit(browser, await browser.$('form[action="/console/notices"] button'));
  assert.match(await mainText(browser), /오늘 오후 3시 정전 예정/);
  const beat = await hub.call('/v1/kiosks/heartbeat', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ version: '0.1.0', interval_secs: 180, uptime_secs: 5, outbox: 0, since_last_sync_secs: 60, catalog_behind: 0, printer: 'needs_paper', free_disk_mb: 9000, device_key: 'pending', status: 'printer_needs_paper' }),
  }, 'k-e2e-console');
  assert.deepEqual((await beat.json()).notices.map((n) => n.text), ['오늘 오후 3시 정전 예정'], 'a kiosk gets the notice with its heartbeat');
  await browser.url(`${hub.url}/console/fleet`);
  assert.match(await mainText(browser), /프린터 용지 없음/);
  await screenshot('console-fleet-heartbeat');
  await browser.url(`${hub.url}/console/audit?action=console_certificate_revoke`);
  assert.match(await mainText(browser), new RegExp(certificate.serial));
  await submit(browser, await browser.$('form[action="/console/logout"] button'));

  // 6. An officer of another institution: nothing of gm-llc's, listed or typed.
  await signIn(browser, hub.url, '3001', PASSWORD);
  await browser.waitUntil(async () => (await browser.getUrl()).endsWith('/console/'), { timeout: 10000, timeoutMsg: 'the officer did not sign in' });
  await browser.url(`${hub.url}/console/courses`);
  assert.ok(!(await browser.getPageSource()).includes(`/console/courses/${course.id}"`), 'gm-llc course listed for another institution');
  await screenshot('console-officer-courses');
  await assertAccessible(browser, 'officer courses');
  for (const path of [`/console/courses/${course.id}`, `/console/courses/${course.id}/class.csv`, '/console/audit', '/console/subsidy', '/console/staff']) {
    await browser.url(`${hub.url}${path}`);
    assert.match(await (await browser.$('h1')).getText(), /볼 수 없는 화면입니다/, path);
  }
  await browser.url(`${hub.url}/console/certificates?q=${certificate.serial}`);
  assert.match(await mainText(browser), /찾은 수료증 0건/);
  await screenshot('console-officer-forbidden');
});
