// Flow: every screen a citizen or staff member meets, in portrait (1080×1920) and landscape
// (1920×1080), in the normal, 큰글씨 and 낮은 화면 modes: an axe-core audit (WCAG 2.1 A/AA) must
// find no serious or critical violation, and each screen is photographed for people to look at
// (test-output/screenshots/a11y-*).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { audit, startStack } from '../harness.mjs';

const PIN = '246813';
const ORIENTATIONS = { portrait: [1080, 1920], landscape: [1920, 1080] };
const MODES = ['normal', 'large', 'low'];

/** Turns a mode on through the DOM (WebKitWebDriver ignores CSS zoom when it computes clicks). */
async function setMode(browser, mode, on) {
  const sel = `[data-testid="${mode === 'large' ? 'large-text' : 'low-screen'}"]`;
  await browser.waitUntil(
    async () => {
      const pressed = (await browser.$(sel).getAttribute('aria-pressed')) === 'true';
      if (pressed === on) return true;
      await browser.execute((s) => document.querySelector(s).click(), sel);
      return false;
    },
    { timeout: 5000, interval: 300, timeoutMsg: `${mode} mode did not switch` },
  );
  // The mode really shows: the page is zoomed, or the task sits in the lower part.
  const shown = await browser.execute(
    (m) => (m === 'large' ? document.documentElement.style.zoom === '1.3' : document.querySelector('.screen.low') !== null),
    mode,
  );
  assert.equal(shown, on, `${mode} mode is drawn`);
}

const press = (browser, testid) => browser.execute((sel) => document.querySelector(sel).click(), `[data-testid="${testid}"]`);

/** The screens, each reached from the home screen; `leave` goes back home. */
const SCREENS = [
  { name: 'home', reach: async () => {} },
  {
    name: 'search-typing',
    reach: async (b) => {
      await b.execute(() => document.querySelector('[data-testid="search-input"]').focus());
      await b.$('[data-testid="keyboard"]').waitForExist({ timeout: 5000 });
    },
  },
  {
    name: 'apply-who',
    reach: async (b) => {
      await press(b, 'apply');
      await b.$('[data-testid="learner-new"]').waitForExist({ timeout: 5000 });
    },
  },
  {
    name: 'apply-register',
    reach: async (b) => {
      await press(b, 'apply');
      await b.$('[data-testid="learner-new"]').waitForExist({ timeout: 5000 });
      await press(b, 'learner-new');
      await b.$('[data-testid="reg-name"]').waitForExist({ timeout: 5000 });
    },
  },
  {
    name: 'mine-find',
    reach: async (b) => {
      await press(b, 'open-mine');
      await b.$('[data-testid="learner-returning"]').waitForExist({ timeout: 5000 });
      await press(b, 'learner-returning');
      await b.$('[data-testid="find-mobile"]').waitForExist({ timeout: 5000 });
    },
  },
  {
    name: 'staff-pin',
    reach: async (b) => {
      await press(b, 'open-staff');
      await b.$('[data-testid="staff-pin"]').waitForExist({ timeout: 5000 });
    },
  },
];

const STAFF_TABS = ['learner', 'payment', 'attendance', 'batch', 'status', 'settings'];

for (const [orientation, size] of Object.entries(ORIENTATIONS)) {
  test(`every screen passes an accessibility audit in ${orientation}, in every mode`, { timeout: 600000 }, async (t) => {
    const stack = await startStack({ size, printer: true, staffPin: PIN });
    t.after(() => stack.stop());
    const { browser } = stack;
    await browser.$('[data-testid="course-card"]').waitForExist({ timeout: 60000 });
    // The audit can fail: a button without a name and grey-on-grey text are caught.
    await browser.execute(() => {
      const canary = document.createElement('div');
      canary.id = 'axe-canary';
      canary.innerHTML = '<button type="button"></button><p style="color:#bbbbbb;background:#ffffff">흐린 글씨</p>';
      document.body.appendChild(canary);
    });
    const caught = (await audit(browser)).join('\n');
    assert.match(caught, /button-name/);
    assert.match(caught, /color-contrast/);
    await browser.execute(() => document.getElementById('axe-canary').remove());
    const problems = [];
    const check = async (label) => {
      stack.screenshot(`a11y-${orientation}-${label}`);
      for (const line of await audit(browser)) problems.push(`${orientation} ${label}: ${line}`);
    };

    for (const mode of MODES) {
      for (const screen of SCREENS) {
        // 마치기-equivalent: the idle wipe's reset is what leaves a screen; here a reload does it.
        await browser.refresh();
        await browser.waitUntil(async () => (await browser.execute(() => document.readyState)) === 'complete', { timeout: 30000 });
        await browser.$('[data-testid="course-card"]').waitForExist({ timeout: 30000 });
        if (mode !== 'normal') await setMode(browser, mode, true);
        await screen.reach(browser);
        await check(`${mode}-${screen.name}`);
      }
    }

    // Staff desk, every tab (normal and large).
    for (const mode of ['normal', 'large']) {
      await browser.refresh();
      await browser.$('[data-testid="course-card"]').waitForExist({ timeout: 30000 });
      if (mode !== 'normal') await setMode(browser, mode, true);
      await press(browser, 'open-staff');
      await browser.$('[data-testid="staff-pin"]').waitForExist({ timeout: 5000 });
      await browser.execute((pin) => {
        const input = document.querySelector('[data-testid="staff-pin"]');
        input.value = pin;
        input.dispatchEvent(new Event('input', { bubbles: true }));
      }, PIN);
      await press(browser, 'staff-unlock');
      await browser.$('[data-testid="staff-desk"]').waitForExist({ timeout: 10000 });
      for (const tab of STAFF_TABS) {
        await press(browser, `staff-tab-${tab}`);
        await browser.pause(300);
        await check(`${mode}-staff-${tab}`);
      }
      await press(browser, 'staff-close');
    }

    assert.deepEqual(problems, [], `serious or critical accessibility violations:\n${problems.join('\n')}`);
  });
}
