// The operators' console in a real browser: Debian's Chromium through chromedriver (WebDriver),
// against a real hub. Helpers shared by the console flow and the rooms flow (a rental approved
// in the console reaches the kiosk).
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { remote } from 'webdriverio';
import { freePort, screenshotDir, waitForTcp } from './harness.mjs';

/** Headless Chromium driven by chromedriver; `stop()` ends both. */
export async function startChromium() {
  const port = await freePort();
  const profile = mkdtempSync(join(tmpdir(), 'baeum-chromium-'));
  const driver = spawn('chromedriver', [`--port=${port}`], { stdio: 'ignore' });
  await waitForTcp(port, 20000);
  const browser = await remote({
    hostname: '127.0.0.1',
    port,
    logLevel: 'error',
    capabilities: {
      browserName: 'chrome',
      'wdio:enforceWebDriverClassic': true,
      'goog:chromeOptions': {
        binary: '/usr/bin/chromium',
        // --no-sandbox: CI runs as root, where Chromium's sandbox cannot start.
        args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--window-size=1280,1000', '--lang=ko-KR', `--user-data-dir=${profile}`],
      },
    },
  });
  return {
    browser,
    screenshot: async (name) => {
      mkdirSync(screenshotDir, { recursive: true });
      await browser.saveScreenshot(join(screenshotDir, `${name}.png`));
    },
    stop: async () => {
      try {
        await browser.deleteSession();
      } finally {
        driver.kill('SIGTERM');
        rmSync(profile, { recursive: true, force: true });
      }
    },
  };
}

/** RFC 6238 (SHA-1, 6 digits, 30 s): what the staff member's authenticator app shows. */
export function totpCode(base32, at = Date.now()) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const c of base32.replace(/=+$/, '')) bits += alphabet.indexOf(c).toString(2).padStart(5, '0');
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = createHmac('sha1', key).update(counter).digest();
  const offset = mac[mac.length - 1] & 0xf;
  const n = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000;
  return String(n).padStart(6, '0');
}

/** Clicks a button that submits a form and waits for the page the hub answers with (a click
 * returns at once: leaving before the answer would abort the request). */
export async function submit(browser, button) {
  await browser.execute(() => {
    window.__baeumSubmitted = true;
  });
  await button.click();
  await browser.waitUntil(
    async () => browser.execute(() => window.__baeumSubmitted !== true && document.readyState === 'complete'),
    { timeout: 20000, timeoutMsg: 'the form was never answered' },
  );
}

/** Signs in through the login form as a person would. */
export async function signIn(browser, hubUrl, number, password) {
  await browser.url(`${hubUrl}/console/login`);
  await (await browser.$('#staff_number')).setValue(number);
  await (await browser.$('#password')).setValue(password);
  await submit(browser, await browser.$('button[type="submit"]'));
}

/** The text of the page's main content. */
export async function mainText(browser) {
  return (await browser.$('main')).getText();
}
