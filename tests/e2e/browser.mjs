// Shared helpers for the browser tests: the server URLs that scripts/test.sh
// exports, one headless Debian chromium per test file, an axe-core check, the
// one-time passwords init and demo printed, an authenticator's codes, and the
// steps every test repeats (submit a form, sign in, the first sign-in's steps).
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const axeSource = readFileSync(path.join(root, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

// The chromium flags keep it off the network: this machine only has loopback.
const launchArgs = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const axeTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

// Base URL of one zone ('internet', 'intranet' or 'exchange'), without a
// trailing slash. Throws with instructions when the suite runs outside
// scripts/test.sh.
export function zoneUrl(zone) {
  const name = `YIWANG_E2E_${zone.toUpperCase()}`;
  const url = process.env[name];
  if (!url) {
    throw new Error(
      `${name} is not set: the browser tests need a running yiwang server. ` +
        'Run scripts/test.sh, which starts one and exports YIWANG_E2E_INTERNET, ' +
        'YIWANG_E2E_INTRANET and YIWANG_E2E_EXCHANGE.',
    );
  }
  return url.replace(/\/+$/, '');
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.YIWANG_E2E_CHROMIUM || '/usr/bin/chromium',
    args: launchArgs,
  });
}

// A new context. bypassCSP lets the test inject axe-core although the pages
// send "script-src 'self'"; it changes nothing the pages themselves do.
export function newContext(browser, options = {}) {
  return browser.newContext({ bypassCSP: true, locale: 'en-US', ...options });
}

function describeViolations(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => `    ${JSON.stringify(n.target)}${n.failureSummary ? `\n      ${n.failureSummary.replace(/\n/g, '\n      ')}` : ''}`)
        .join('\n');
      return `- ${v.id} (${v.impact}): ${v.help}\n  ${v.helpUrl}\n${nodes}`;
    })
    .join('\n');
}

// Runs axe-core on the page as loaded and asserts there is no violation.
export async function expectNoAxeViolations(page, label = page.url()) {
  const hasAxe = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!hasAxe) await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(
    (values) => window.axe.run(document, { runOnly: { type: 'tag', values } }),
    axeTags,
  );
  const { violations } = result;
  assert.equal(
    violations.length,
    0,
    `${violations.length} accessibility violation(s) on ${label}:\n${describeViolations(violations)}`,
  );
  // Guard against a vacuous pass: axe must actually have checked something.
  assert.ok(result.passes.length > 0, `axe-core ran no checks on ${label}`);
}

// Loads a URL, asserting the HTTP status, and returns the response.
export async function open(page, url, status = 200) {
  const response = await page.goto(url, { waitUntil: 'load' });
  assert.ok(response, `no response for ${url}`);
  assert.equal(response.status(), status, `HTTP status of ${url}`);
  return response;
}

// The one-time passwords that `yiwang init` (which = 'init') or `yiwang demo`
// (which = 'demo') printed, by account name. scripts/test.sh keeps their
// output in the files YIWANG_E2E_INIT_OUT and YIWANG_E2E_DEMO_OUT. A line that
// hands over an account is indented and ends with the password; the account
// name is its first word that is a sign-in name (the password is not one: it
// always holds a capital).
export function oneTimePasswords(which) {
  const name = `YIWANG_E2E_${which.toUpperCase()}_OUT`;
  const file = process.env[name];
  if (!file) {
    throw new Error(
      `${name} is not set: scripts/test.sh keeps the output of yiwang ${which} in a file ` +
        'and exports its path for the tests that sign in.',
    );
  }
  const passwords = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.startsWith('  ')) continue;
    const words = line.trim().split(/\s+/);
    if (words.length < 2) continue;
    const password = words[words.length - 1];
    const account = words.slice(0, -1).find((w) => /^[a-z][a-z0-9._-]{2,31}$/.test(w));
    if (account) passwords.set(account, password);
  }
  return passwords;
}

// RFC 4648 base32 (upper or lower case; spaces, hyphens and '=' ignored) to bytes.
export function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = [];
  let buffer = 0;
  let bits = 0;
  for (const c of text.toUpperCase().replace(/[\s=-]/g, '')) {
    const value = alphabet.indexOf(c);
    if (value < 0) throw new Error(`not base32: ${JSON.stringify(text)}`);
    buffer = ((buffer << 5) | value) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      bytes.push((buffer >> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

// The 30-second TOTP time step (RFC 6238) that contains a time (ms since the epoch).
export function totpStep(ms = Date.now()) {
  return Math.floor(ms / 1000 / 30);
}

// The 6-digit TOTP code (RFC 6238: HOTP of RFC 4226 with HMAC-SHA1) of a
// base32 secret at a time step — what an authenticator app shows.
export function totpCode(secretBase32, step = totpStep()) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', base32Decode(secretBase32)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 1_000_000).padStart(6, '0');
}

// A name no earlier run of the suite against the same server has taken.
export function uniqueSuffix() {
  return `${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
}

// Clicks a submit button and waits for the page the POST leads to.
export async function submit(page, button) {
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.getByRole('button', { name: button, exact: true }).click(),
  ]);
}

export function pathOf(page) {
  return new URL(page.url()).pathname;
}

export async function heading(page) {
  return (await page.locator('h1').textContent()).replace(/\s+/g, ' ').trim();
}

// Signs in at /signin of a zone; returns with the page the sign-in led to.
export async function signIn(page, base, account, password) {
  await open(page, `${base}/signin`);
  await page.getByLabel('Account', { exact: true }).fill(account);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await submit(page, 'Sign in');
}

// Sets up the authenticator and changes the one-time password of an intranet
// account that has just signed in for the first time; returns the new
// password and the authenticator's secret (base32).
export async function firstSignInSteps(page, current) {
  assert.equal(pathOf(page), '/account/second-factor', 'the first sign-in leads to setting up an authenticator');
  const secret = (await page.locator('#totp-secret').textContent()).trim();
  await page.getByLabel('6-digit code', { exact: true }).fill(totpCode(secret, totpStep()));
  await submit(page, 'Finish setting up');
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.getByRole('link', { name: 'I have saved them, continue' }).click(),
  ]);
  const next = `Ledger-${uniqueSuffix()}-31`;
  await page.getByLabel('Current password', { exact: true }).fill(current);
  await page.getByLabel('New password', { exact: true }).fill(next);
  await page.getByLabel('New password again', { exact: true }).fill(next);
  await submit(page, 'Change password');
  assert.equal(pathOf(page), '/', 'the workbench opens once the password is changed');
  return { password: next, secret };
}

// A civil servant of the demo city at the first sign-in on the workbench
// (base: the intranet's URL), with the one-time password `yiwang demo`
// printed; the page is left at "/".
export async function signInDemoStaff(context, base, account) {
  const page = await context.newPage();
  const password = oneTimePasswords('demo').get(account);
  assert.ok(password, `yiwang demo printed ${account}'s one-time password`);
  await signIn(page, base, account, password);
  assert.notEqual(
    pathOf(page),
    '/signin',
    `the one-time password of ${account} was refused: run the browser tests against a fresh demo city`,
  );
  await firstSignInSteps(page, password);
  return page;
}

// A 公民身份号码 (GB 11643) of someone born in 鼓楼区, 福州市 (350102, in the
// demo's division table) on a random day between 1970 and 1999, with its
// check character: a new one for every citizen a test registers.
export function citizenNumber() {
  const day = new Date(Date.UTC(1970, 0, 1) + Math.floor(Math.random() * 10950) * 86400000);
  const birth = day.toISOString().slice(0, 10).replace(/-/g, '');
  const sequence = String(Math.floor(Math.random() * 1000)).padStart(3, '0');
  const first17 = `350102${birth}${sequence}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * weights[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

// Registers a citizen at /register/citizen of the portal and leaves the page
// signed in on /account. citizen: { name, realName, number, phone, password }.
export async function registerCitizen(page, base, citizen) {
  await open(page, `${base}/register/citizen`);
  await page.getByLabel('Account name', { exact: true }).fill(citizen.name);
  await page.getByLabel('Legal name', { exact: true }).fill(citizen.realName);
  await page.getByLabel('Citizen identity number', { exact: true }).fill(citizen.number);
  await page.getByLabel('E-mail', { exact: true }).fill(`${citizen.name}@example.com`);
  await page.getByLabel('Phone', { exact: true }).fill(citizen.phone);
  await page.getByLabel('Address', { exact: true }).fill('示范市东城区人民路 1 号');
  await page.getByLabel('Password', { exact: true }).fill(citizen.password);
  await page.getByLabel('New password again', { exact: true }).fill(citizen.password);
  await submit(page, 'Register');
  const error = page.getByRole('alert');
  assert.equal(await error.count(), 0, `registration refused: ${await error.allTextContents()}`);
  assert.equal(pathOf(page), '/account', 'registering signs the citizen in');
}

// Records the message of any alert() a page manages to run in `dialogs`
// (dismissing it), so a test can assert that hostile input ran nothing.
export function catchDialogs(page, dialogs) {
  page.on('dialog', async (d) => {
    dialogs.push(d.message());
    await d.dismiss();
  });
  return page;
}

export function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// A form control by its label, which may end with the required marker "*".
export function control(scope, label) {
  return scope.getByLabel(new RegExp(`^${escapeRegExp(label)}( \\*)?$`));
}

// On the workbench: opens the task of `step` whose inbox row mentions
// `rowText`, claims it, chooses the outcome, fills `fields` (label → value,
// or the option's label for a select) and completes it. `check(page)` runs on
// the task page before it is claimed.
export async function completeTask(page, base, { rowText, step, outcome, fields = {}, check }) {
  await open(page, `${base}/workflow/inbox`);
  const row = page.locator('table.wf-inbox tbody tr', { hasText: rowText }).filter({ hasText: step });
  assert.equal(await row.count(), 1, `the ${step} task is in the inbox`);
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), row.getByRole('link').first().click()]);
  if (check) await check(page);
  await submit(page, 'Claim');
  await expectNoAxeViolations(page, `the ${step} task`);
  const handle = page.getByRole('region', { name: 'Handle' });
  await handle.getByLabel(outcome, { exact: true }).check();
  for (const [label, value] of Object.entries(fields)) {
    const input = control(page, label);
    if ((await input.evaluate((e) => e.tagName)) === 'SELECT') await input.selectOption({ label: value });
    else await input.fill(value);
  }
  await submit(page, 'Submit');
  assert.equal(await page.getByRole('alert').count(), 0, `${step} was accepted: ${await page.getByRole('alert').allTextContents()}`);
  assert.equal(pathOf(page), '/workflow/inbox');
}
