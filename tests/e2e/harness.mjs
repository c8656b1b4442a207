// The e2e stack, real parts only: an Xvfb display sized like the kiosk, a real hub process
// seeded with the Gwangmyeong demo on a free loopback port, tauri-driver + WebKitWebDriver, and
// the real `baeum-kiosk` binary in its own data folder. One flow file per user journey uses
// `startStack()` and always `stop()`s it.
import { spawn, execFileSync } from 'node:child_process';
import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { remote } from 'webdriverio';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '..', '..');
const binDir = process.env.BAEUM_BIN_DIR ?? join(repoRoot, 'target', 'debug');
export const screenshotDir = join(repoRoot, 'test-output', 'screenshots');

function binary(name) {
  const path = join(binDir, name);
  if (!existsSync(path)) throw new Error(`${path} is missing: build it first (make build)`);
  return path;
}

export function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.unref();
    server.on('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitForPort(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/status`);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await sleep(200);
  }
  throw new Error(`nothing answered on port ${port} within ${timeoutMs} ms`);
}

/** Waits until something accepts TCP connections on `port` (a printer speaks IPP, not /status). */
export async function waitForTcp(port, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const up = await new Promise((ok) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        ok(true);
      });
      socket.once('error', () => ok(false));
    });
    if (up) return;
    await sleep(200);
  }
  throw new Error(`nothing listened on port ${port} within ${timeoutMs} ms`);
}

/**
 * Starts Xvfb on a display number it picks itself (`-displayfd`), so stale locks left by other
 * runs never make us fail; stopping it with SIGTERM lets it remove its own lock and socket.
 */
async function startXvfb(size) {
  const child = spawn('Xvfb', ['-displayfd', '1', '-screen', '0', `${size[0]}x${size[1]}x24`, '-nolisten', 'tcp'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr.resume();
  const display = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('Xvfb did not report its display within 15 s')), 15000);
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      ok(line.trim());
    });
    child.once('exit', (code) => fail(new Error(`Xvfb exited with ${code}`)));
  });
  const stop = () =>
    new Promise((ok) => {
      if (child.exitCode !== null) return ok();
      const force = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(force);
        ok();
      });
      child.kill('SIGTERM');
    });
  return { display: `:${display}`, stop };
}

/** Starts a child whose output goes to `log` lines; returns the process. */
function start(cmd, args, opts = {}) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  const tag = cmd.split('/').pop();
  const quiet = process.env.BAEUM_E2E_VERBOSE ? false : true;
  // Everything the process wrote, for flows that check what a log must never hold.
  child.lines = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      child.lines.push(line);
      if (!quiet) console.error(`[${tag}] ${line}`);
    });
  }
  return child;
}

/** A hub process with the demo catalog, on a free port. */
export async function startHub(dir) {
  const hub = binary('baeum-hub');
  const db = join(dir, 'hub.db');
  execFileSync(hub, ['seed', '--demo', '--db', db], { stdio: 'ignore' });
  const child = spawn(hub, ['serve', '--db', db, '--listen', '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  // Its log (stderr), for flows that check what a log must never hold.
  const logLines = [];
  createInterface({ input: child.stderr }).on('line', (line) => logLines.push(line));
  const url = await new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error('hub did not print its address')), 15000);
    createInterface({ input: child.stdout }).once('line', (line) => {
      clearTimeout(timer);
      ok(line.replace('listening on ', '').trim());
    });
    child.once('exit', (code) => fail(new Error(`hub exited with ${code}`)));
  });
  const credentials = new Map();
  const invite = () => {
    const out = execFileSync(hub, ['kiosk', '--db', db, 'invite', '--institution', 'gm-llc', '--json'], { encoding: 'utf8' });
    return JSON.parse(out).code;
  };
  /** The credential of a device of the test's own, provisioned under `kioskId` on first use. */
  const credentialOf = async (kioskId) => {
    if (!credentials.has(kioskId)) {
      const { publicKey } = generateKeyPairSync('ed25519');
      const res = await fetch(`${url}/v1/kiosks/provision`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: invite(), kiosk_id: kioskId, public_key: publicKey.export({ format: 'jwk' }).x }),
      });
      if (res.status !== 200) throw new Error(`provision ${kioskId}: ${res.status} ${await res.text()}`);
      credentials.set(kioskId, (await res.json()).credential);
    }
    return credentials.get(kioskId);
  };
  /** `fetch` on the hub as the device `kioskId` (every kiosk endpoint needs a credential). */
  const call = async (path, init = {}, kioskId = 'k-e2e-inspector') => {
    const headers = { ...(init.headers ?? {}), authorization: `Bearer ${await credentialOf(kioskId)}` };
    return fetch(`${url}${path}`, { ...init, headers });
  };
  /** A desk staff account, added as staff do: `baeum-hub staff add`, the PIN on standard input. */
  const addStaff = (number, pin) => {
    execFileSync(hub, ['staff', '--db', db, 'add', '--number', number, '--name', '김직원', '--role', 'desk', '--institution', 'gm-llc'], {
      input: `${pin}\n`,
      stdio: ['pipe', 'ignore', 'ignore'],
    });
  };
  /** A console account (`baeum-hub staff add`): the kiosk PIN, then the console password, on
   * standard input. */
  const addConsoleStaff = ({ number, name, role, institution = null, password, pin = '975312' }) => {
    const args = ['staff', '--db', db, 'add', '--number', number, '--name', name, '--role', role];
    if (institution) args.push('--institution', institution);
    execFileSync(hub, args, { input: `${pin}\n${password}\n`, stdio: ['pipe', 'ignore', 'pipe'] });
  };
  /** Signs `number` in at the device `kioskId` and returns the stamp its staff actions carry:
   * the staff number and the SHA-256 of the session token (never the token). */
  const staffStamp = async (kioskId, number, pin) => {
    const res = await call(
      '/v1/staff/sessions',
      { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ staff_number: number, pin }) },
      kioskId,
    );
    if (res.status !== 200) throw new Error(`staff sign-in: ${res.status} ${await res.text()}`);
    const { session } = await res.json();
    return { staff_number: number, session: createHash('sha256').update(session.token).digest('hex') };
  };
  /** A staff command on this hub's database, as staff run it: `baeum-hub NAME --db DB ARGS…`. */
  const command = (name, args) => execFileSync(hub, [name, '--db', db, ...args], { encoding: 'utf8' });
  return {
    url,
    process: child,
    invite,
    call,
    command,
    addStaff,
    addConsoleStaff,
    staffStamp,
    async snapshot() {
      return (await call('/v1/catalog/snapshot')).json();
    },
    /** The demo's course under way that still takes applications (수시 접수), and the dates of
     * its classes that have started (attendance is only taken for those). */
    async underWay() {
      const course = (await this.snapshot()).courses.find((c) => c.title.endsWith('(수시 접수)'));
      if (!course) throw new Error('the demo has no course under way');
      const now = new Date();
      const started = course.sessions.filter((s) => new Date(`${s.date}T${s.starts_at}+09:00`) <= now).map((s) => s.date);
      return { course, started };
    },
    lines: () => logLines,
    stop() {
      child.kill('SIGKILL');
    },
  };
}

/**
 * A real IPP printer (`ippeveprinter`, which needs avahi: scripts/start-mdns.sh) on a free port,
 * keeping every job as a file. `received()` lists the PDFs it got, oldest first.
 */
async function startPrinter(dir) {
  const spool = join(dir, 'spool');
  mkdirSync(spool, { recursive: true });
  const port = await freePort();
  const child = start('ippeveprinter', ['-p', String(port), '-n', 'localhost', '-k', '-f', 'application/pdf', '-r', 'off', '-d', spool, 'BaeumE2E']);
  await waitForTcp(port, 15000);
  return {
    uri: `ipp://localhost:${port}/ipp/print`,
    received() {
      return readdirSync(spool)
        .filter((f) => f.endsWith('.pdf'))
        .sort((a, b) => parseInt(a, 10) - parseInt(b, 10))
        .map((f) => readFileSync(join(spool, f)));
    },
    stop() {
      child.kill('SIGKILL');
    },
  };
}

/**
 * A Speech Dispatcher of this stack's own (its socket, pid file and logs in the stack's folder),
 * so one run's daemon never answers, or hangs, for the next. The machine has no sound card: the
 * daemon plays through libao's null device, so espeak-ng really synthesises every sentence and
 * the daemon's audio never fails (with no device at all it stops answering after a few).
 */
async function startSpeech(dir, env) {
  const home = join(dir, 'speechd');
  const conf = join(home, 'conf');
  mkdirSync(home, { recursive: true });
  cpSync('/etc/speech-dispatcher', conf, { recursive: true });
  appendFileSync(join(conf, 'speechd.conf'), '\nAudioOutputMethod "libao"\n');
  writeFileSync(join(home, '.libao'), 'default_driver=null\n');
  const socket = join(home, 'speechd.sock');
  const pidFile = join(home, 'speechd.pid');
  execFileSync(
    'speech-dispatcher',
    ['-d', '-c', 'unix_socket', '-S', socket, '-P', pidFile, '-L', home, '-t', '0', '-C', conf],
    { env: { ...env, HOME: home }, stdio: 'ignore' },
  );
  const deadline = Date.now() + 10000;
  while (!existsSync(socket) && Date.now() < deadline) await sleep(100);
  if (!existsSync(socket)) throw new Error('speech-dispatcher did not open its socket');
  return {
    socket,
    stop() {
      try {
        process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
}

/**
 * Everything a flow needs. `size` is the screen, e.g. [1080, 1920] (portrait kiosk); `extraArgs`
 * go to `baeum-kiosk` (e.g. short idle times); `printer: true` provisions the kiosk with a real
 * IPP printer; `staffPin` sets the kiosk's own staff PIN with `baeum-kiosk staff-pin` first;
 * `staffAccount` ({ number, pin }) adds a desk staff account at the hub; `env` is added
 * to the kiosk's environment; `voice: true` gives this stack its own Speech Dispatcher.
 * Returns { browser, hub, printer, screenshot(name), stop() }.
 */
export async function startStack({ size = [1080, 1920], extraArgs = [], printer: withPrinter = false, staffPin = null, staffAccount = null, voice = false, env: extraEnv = {} } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'baeum-e2e-'));
  const cleanups = [];
  const stop = async () => {
    for (const fn of cleanups.reverse()) {
      try {
        await fn();
      } catch {
        // keep cleaning up
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const xvfb = await startXvfb(size);
    cleanups.push(() => xvfb.stop());
    const env = { ...process.env, DISPLAY: xvfb.display, WEBKIT_DISABLE_DMABUF_RENDERER: '1', NO_AT_BRIDGE: '1', ...extraEnv };

    const hub = await startHub(dir);
    cleanups.push(() => hub.stop());
    if (staffAccount) hub.addStaff(staffAccount.number, staffAccount.pin);
    if (voice) {
      const speech = await startSpeech(dir, env);
      cleanups.push(() => speech.stop());
      env.SPEECHD_ADDRESS = `unix_socket:${speech.socket}`;
    }

    const port = await freePort();
    const nativePort = await freePort();
    const driverArgs = ['--', 'tauri-driver', '--port', String(port), '--native-port', String(nativePort)];
    if (existsSync('/usr/bin/WebKitWebDriver')) driverArgs.push('--native-driver', '/usr/bin/WebKitWebDriver');
    const driver = start('dbus-run-session', driverArgs, { env, detached: true });
    cleanups.push(() => {
      try {
        process.kill(-driver.pid, 'SIGKILL');
      } catch {
        driver.kill('SIGKILL');
      }
    });
    await waitForPort(port, 20000);

    const dataDir = join(dir, 'kiosk');
    mkdirSync(dataDir);
    let printer = null;
    if (withPrinter) {
      printer = await startPrinter(dir);
      cleanups.push(() => printer.stop());
    }
    // Registered with the hub as staff do at a new kiosk: an invite code, then provision (with
    // the printer, when the flow has one).
    const provision = ['provision', '--hub', hub.url, '--data-dir', dataDir, '--code', hub.invite()];
    if (printer) provision.push('--printer', printer.uri);
    execFileSync(binary('baeum-kiosk'), provision, { stdio: 'ignore' });
    if (staffPin) {
      execFileSync(binary('baeum-kiosk'), ['staff-pin', '--data-dir', dataDir], { input: `${staffPin}\n`, stdio: ['pipe', 'ignore', 'ignore'] });
    }
    const browser = await remote({
      hostname: '127.0.0.1',
      port,
      logLevel: 'error',
      connectionRetryTimeout: 120000,
      capabilities: {
        'wdio:enforceWebDriverClassic': true,
        'tauri:options': {
          application: binary('baeum-kiosk'),
          args: ['--hub', hub.url, '--data-dir', dataDir, '--windowed', '--size', `${size[0]}x${size[1]}`, ...extraArgs],
        },
      },
    });
    cleanups.push(() => browser.deleteSession());

    const screenshot = (name) => {
      mkdirSync(screenshotDir, { recursive: true });
      const file = join(screenshotDir, `${name}.png`);
      execFileSync('import', ['-window', 'root', file], { env, stdio: 'ignore' });
      return file;
    };
    /** The QR codes a phone reads from the window as it is now (a screenshot decoded). */
    const qrCodes = (name) => {
      const file = screenshot(name);
      try {
        return execFileSync(binary('qr-decode'), [file], { encoding: 'utf8' }).split('\n').filter(Boolean);
      } catch {
        return [];
      }
    };
    /** What the kiosk app (through the driver that started it) and the hub wrote to their logs. */
    const logs = () => ({ kiosk: driver.lines.join('\n'), hub: hub.lines().join('\n') });
    return { browser, hub, printer, dataDir, screenshot, qrCodes, logs, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Texts of all elements matching `selector`. */
export async function texts(browser, selector) {
  const elements = await browser.$$(selector);
  const out = [];
  for (const el of elements) out.push(await el.getText());
  return out;
}

const axeSource = readFileSync(join(here, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/**
 * Runs axe-core (WCAG 2.1 A/AA rules) on what the window shows now and returns the serious and
 * critical violations as short lines (rule, impact, first offending elements).
 */
export async function audit(browser) {
  if (!(await browser.execute(() => Boolean(window.axe)))) {
    // Sent as the script itself: the page's CSP forbids eval, not what WebDriver runs.
    await browser.execute(`${axeSource}\n;window.axe = window.axe || axe; return true;`);
  }
  const result = await browser.executeAsync((done) => {
    window.axe
      .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] })
      .then((r) => done(JSON.stringify(r.violations)))
      .catch((e) => done(JSON.stringify({ error: String(e) })));
  });
  const violations = JSON.parse(result);
  if (!Array.isArray(violations)) throw new Error(`axe did not run: ${result}`);
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
}

const op = () => randomUUID().replaceAll('-', '');

/** Registrations another kiosk sent to the hub (each body names its service). */
export async function registeredElsewhere(hub, kioskId, people) {
  const salt = 'e2esalt2';
  const bodies = people.map((p) => ({
    service: 'learner',
    type: 'register_learner',
    learner: {
      id: p.id,
      name: p.name,
      birth_date: p.birth,
      mobile: p.mobile,
      resident: true,
      guardian: null,
      consents: [
        { purpose: 'course_administration', agreed: true, notice_version: 1 },
        { purpose: 'course_news', agreed: false, notice_version: 1 },
      ],
      identity: 'self_declared',
      pin_hash: `${salt}$${createHash('sha256').update(`${salt}${p.pin}`).digest('hex')}`,
      registered_on: '2026-11-20',
    },
  }));
  const res = await hub.call(
    '/v1/intents',
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ intents: bodies.map((body, i) => ({ seq: i + 1, op_id: op(), body })) }) },
    kioskId,
  );
  if (res.status !== 200) throw new Error(`registrations: ${res.status} ${await res.text()}`);
  const answer = await res.json();
  const outcomes = answer.results.map((r) => r.outcome.outcome);
  if (outcomes.some((o) => o !== 'registered')) throw new Error(`registrations refused: ${JSON.stringify(answer.results)}`);
}

/** Clicks through the DOM (WebKitWebDriver ignores CSS zoom when it computes clicks). */
export const press = (browser, testid) => browser.execute((sel) => document.querySelector(sel).click(), `[data-testid="${testid}"]`);

/** Types into a field through the DOM (as `press`, for the zoomed 큰글씨 page). */
export const typeInto = (browser, testid, value) =>
  browser.execute(
    (sel, v) => {
      const input = document.querySelector(sel);
      input.value = v;
      input.dispatchEvent(new Event('input', { bubbles: true }));
    },
    `[data-testid="${testid}"]`,
    value,
  );

/** Opens a screen about one person from the header (`open`) and finds `person` there with her
 * mobile number, birth date and PIN, through the DOM. */
export async function findHerself(browser, open, person) {
  await press(browser, open);
  await browser.$('[data-testid="learner-returning"]').waitForExist({ timeout: 10000 });
  await press(browser, 'learner-returning');
  await browser.$('[data-testid="find-mobile"]').waitForExist({ timeout: 10000 });
  await typeInto(browser, 'find-mobile', person.mobileTyped);
  await typeInto(browser, 'find-birth', person.birth.replaceAll('-', ''));
  await typeInto(browser, 'find-pin', person.pin);
  await press(browser, 'find-submit');
}

/** The text of a PDF as poppler's `pdftotext` reads it (what a printer received). */
export function pdfText(pdf) {
  const dir = mkdtempSync(join(tmpdir(), 'baeum-pdf-'));
  const file = join(dir, 'doc.pdf');
  writeFileSync(file, pdf);
  try {
    return execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
