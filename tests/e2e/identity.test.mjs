// Identity end to end, in the browser: a citizen registers on the portal and
// signs in again; a civil servant of the demo city signs in on the workbench
// with the one-time password `yiwang demo` printed, sets up an authenticator,
// changes the password, and signs in again with password and code. The tests
// run in order and share what they made (see `made` below).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  zoneUrl,
  launchBrowser,
  newContext,
  expectNoAxeViolations,
  open,
  oneTimePasswords,
  totpCode,
  totpStep,
  uniqueSuffix,
  submit,
  pathOf,
  heading,
  signIn,
  firstSignInSteps,
} from './browser.mjs';

let browser;
let internet;
let intranet;

// What the tests made, for the checks that follow them.
const made = {
  citizen: null, // { name, realName }
  staff: null, // { name, displayName }
};

before(async () => {
  internet = zoneUrl('internet');
  intranet = zoneUrl('intranet');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

// Runs fn(page) in a fresh English-preferring context, closed afterwards.
async function withPage(fn) {
  const context = await newContext(browser);
  try {
    return await fn(await context.newPage());
  } finally {
    await context.close();
  }
}

// A 公民身份号码 (GB 11643) born in 鼓楼区, 福州市 (350102, in the demo's
// division table) on a random day of the 1990s, with its check character.
function citizenNumber() {
  const day = new Date(Date.UTC(1990, 0, 1) + Math.floor(Math.random() * 3650) * 86400000);
  const birth = day.toISOString().slice(0, 10).replace(/-/g, '');
  const sequence = String(Math.floor(Math.random() * 1000)).padStart(3, '0');
  const first17 = `350102${birth}${sequence}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((s, d, i) => s + Number(d) * weights[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

// Signs out with the button on /account; returns on the sign-in page.
async function signOut(page, base) {
  await open(page, `${base}/account`);
  await submit(page, 'Sign out');
  assert.equal(pathOf(page), '/signin', 'signing out leads to the sign-in page');
  const account = await page.context().request.get(`${base}/account`, { maxRedirects: 0 });
  assert.ok([302, 303].includes(account.status()), 'after signing out /account asks to sign in');
}

test('a citizen registers on the portal, signs out and signs in again', () =>
  withPage(async (page) => {
    const suffix = uniqueSuffix();
    const citizen = { name: `citizen.${suffix}`, realName: '林晓梅', password: `Spring-${suffix}-2026` };
    await open(page, `${internet}/register/citizen`);
    assert.equal(await heading(page), 'Register as a person');
    await expectNoAxeViolations(page, '/register/citizen');

    await page.getByLabel('Account name', { exact: true }).fill(citizen.name);
    await page.getByLabel('Legal name', { exact: true }).fill(citizen.realName);
    await page.getByLabel('Citizen identity number', { exact: true }).fill(citizenNumber());
    await page.getByLabel('E-mail', { exact: true }).fill(`${citizen.name}@example.com`);
    await page.getByLabel('Phone', { exact: true }).fill(`139${String(Date.now()).slice(-8)}`);
    await page.getByLabel('Address', { exact: true }).fill('示范市东城区人民路 1 号');
    await page.getByLabel('Password', { exact: true }).fill(citizen.password);
    await page.getByLabel('New password again', { exact: true }).fill(citizen.password);
    await submit(page, 'Register');

    // Registered and signed in at once.
    const error = page.getByRole('alert');
    assert.equal(await error.count(), 0, `registration refused: ${await error.allTextContents()}`);
    assert.equal(pathOf(page), '/account');
    assert.match(await page.getByRole('status').textContent(), /You are registered/);
    assert.match(await page.getByRole('main').textContent(), new RegExp(citizen.realName));

    await signOut(page, internet);
    await signIn(page, internet, citizen.name, citizen.password);
    assert.equal(pathOf(page), '/account', 'a citizen without an authenticator goes to the account page');
    const main = await page.getByRole('main').textContent();
    assert.match(main, new RegExp(citizen.realName), 'the account page shows the legal name');
    assert.match(main, new RegExp(citizen.name.replace(/\./g, '\\.')), 'and the account name');
    assert.match(main, /Citizen/, 'and the kind of account');
    made.citizen = { name: citizen.name, realName: citizen.realName };
  }));

test('a civil servant signs in with the one-time password, sets up an authenticator, changes the password and signs in with a code', () =>
  withPage(async (page) => {
    const passwords = oneTimePasswords('demo');
    // 刘洋 of 市政府办公室, created by `yiwang demo`.
    const staff = { name: 'liuyang.bgs', displayName: '刘洋', password: passwords.get('liuyang.bgs') };
    assert.ok(
      staff.password,
      `the output of yiwang demo (${process.env.YIWANG_E2E_DEMO_OUT}) holds no one-time password for ` +
        `${staff.name}: run the browser tests against a fresh installation (scripts/test.sh makes one)`,
    );

    // First sign-in: the security policy requires an authenticator first.
    await signIn(page, intranet, staff.name, staff.password);
    if (pathOf(page) === '/signin') {
      assert.fail(
        `the one-time password of ${staff.name} from yiwang demo was refused ` +
          `(${(await page.getByRole('alert').allTextContents()).join(' ')}): has an earlier run used it? ` +
          'Run the browser tests against a fresh installation (scripts/test.sh makes one).',
      );
    }
    assert.equal(pathOf(page), '/account/second-factor', 'the first sign-in leads to setting up an authenticator');
    await open(page, `${intranet}/`);
    assert.equal(pathOf(page), '/account/second-factor', 'no other page opens before it is set up');
    await expectNoAxeViolations(page, '/account/second-factor (enrolment)');

    // The key, as a person would type it into the app.
    const secret = (await page.locator('#totp-secret').textContent()).trim();
    assert.match(secret.replace(/\s/g, ''), /^[A-Z2-7]{32}$/, 'a 160-bit base32 key');
    const enrolStep = totpStep();
    await page.getByLabel('6-digit code', { exact: true }).fill(totpCode(secret, enrolStep));
    await submit(page, 'Finish setting up');
    assert.equal(await heading(page), 'Recovery codes');
    assert.equal(await page.locator('#recovery-codes li').count(), 10, 'ten recovery codes');
    await expectNoAxeViolations(page, 'recovery codes');

    // Then the one-time password must be changed before anything else.
    await Promise.all([
      page.waitForNavigation({ waitUntil: 'load' }),
      page.getByRole('link', { name: 'I have saved them, continue' }).click(),
    ]);
    assert.equal(pathOf(page), '/account/password', 'a one-time password must be changed first');
    assert.match(await page.getByRole('main').textContent(), /one-time password/);
    const newPassword = `Harbour-${uniqueSuffix()}-88`;
    await page.getByLabel('Current password', { exact: true }).fill(staff.password);
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('New password again', { exact: true }).fill(newPassword);
    await submit(page, 'Change password');
    assert.equal(pathOf(page), '/', 'the workbench opens once the password is changed');
    assert.match(await heading(page), new RegExp(staff.displayName), 'the workbench greets them by name');
    assert.match(await page.getByRole('status').textContent(), /password has been changed/);

    // Signing in again: password, then the code of a later time step than the
    // one used to set up (a code works once). The server accepts one step
    // either side of its own, so the next step works at once.
    await signOut(page, intranet);
    await signIn(page, intranet, staff.name, staff.password);
    assert.equal(pathOf(page), '/signin', 'the one-time password no longer works');
    assert.equal(await page.getByRole('alert').count(), 1, 'the sign-in page says why');
    await signIn(page, intranet, staff.name, newPassword);
    assert.equal(pathOf(page), '/signin/code', 'a second sign-in asks for the code');
    await expectNoAxeViolations(page, '/signin/code');
    const step = Math.max(enrolStep + 1, totpStep());
    await page.getByLabel('6-digit code', { exact: true }).fill(totpCode(secret, step));
    await submit(page, 'Verify');
    assert.equal(pathOf(page), '/', 'the code completes the sign-in');
    assert.match(await heading(page), new RegExp(staff.displayName));
    await open(page, `${intranet}/account`);
    const main = await page.getByRole('main').textContent();
    assert.match(main, /示范市人民政府办公室/, 'the account page names the organ');
    made.staff = { name: staff.name, displayName: staff.displayName };
  }));

test('the audit administrator finds the citizen\'s and the civil servant\'s sign-ins in the audit log', () =>
  withPage(async (page) => {
    assert.ok(made.citizen && made.staff, 'the two tests before this one made a citizen and signed in a civil servant');
    const password = oneTimePasswords('init').get('auditadmin');
    assert.ok(password, `the output of yiwang init (${process.env.YIWANG_E2E_INIT_OUT}) holds auditadmin's password`);
    await signIn(page, intranet, 'auditadmin', password);
    await firstSignInSteps(page, password);

    // The navigation offers the audit log and nothing of the other administrators.
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    assert.equal(await nav.getByRole('link', { name: 'Audit log' }).count(), 1);
    assert.equal(await nav.getByRole('link', { name: 'Accounts' }).count(), 0);
    assert.equal(await nav.getByRole('link', { name: 'Roles and permissions' }).count(), 0);

    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), nav.getByRole('link', { name: 'Audit log' }).click()]);
    assert.equal(await heading(page), 'Audit log');
    await expectNoAxeViolations(page, '/audit');
    // On a narrow screen the table scrolls sideways; the region is reachable by keyboard.
    await page.setViewportSize({ width: 640, height: 800 });
    await expectNoAxeViolations(page, '/audit (narrow)');
    await page.setViewportSize({ width: 1280, height: 800 });

    // The citizen: registered, then signed in (on the portal).
    await page.getByLabel('Account', { exact: true }).fill(made.citizen.name);
    await page.getByLabel('Event', { exact: true }).fill('identity');
    await submit(page, 'Filter');
    const cells = (column) => page.locator(`table.audit tbody td:nth-child(${column})`).allTextContents();
    const citizenEvents = await cells(4);
    assert.ok(citizenEvents.includes('identity.account.registered'), 'the registration is in the log');
    assert.ok(citizenEvents.includes('identity.signin'), 'and the sign-in');
    assert.ok((await cells(2)).every((a) => a === made.citizen.name), 'only the citizen\'s records');

    // The civil servant: the refused one-time password and the sign-ins.
    await page.getByLabel('Account', { exact: true }).fill(made.staff.name);
    await page.getByLabel('Event', { exact: true }).fill('identity.signin');
    await submit(page, 'Filter');
    assert.ok((await cells(4)).every((e) => e === 'identity.signin'), 'only sign-in events');
    const outcomes = (await cells(7)).map((o) => o.trim());
    assert.ok(outcomes.includes('Success'), 'a successful sign-in');
    assert.ok(outcomes.includes('Failure'), 'and the refused one-time password');

    // The same filter exported as CSV.
    const href = await page.getByRole('link', { name: 'Export these records as CSV' }).getAttribute('href');
    const csv = await page.context().request.get(`${intranet}${href}`);
    assert.equal(csv.status(), 200);
    assert.match(csv.headers()['content-type'], /^text\/csv/);
    const text = await csv.text();
    assert.match(text, new RegExp(made.staff.name.replace(/\./g, '\\.')));
    assert.doesNotMatch(text, new RegExp(made.citizen.name.replace(/\./g, '\\.')), 'the export keeps the filter');

    // A bad date names the field and keeps what was typed.
    const refused = await page.goto(`${intranet}/audit?from=2026-02-30`);
    assert.equal(refused.status(), 400);
    assert.match(await page.getByRole('alert').textContent(), /From/);
    assert.equal(await page.getByLabel('From', { exact: true }).getAttribute('value'), '2026-02-30');
  }));
