// The system and security administrators at work in the browser: each signs
// in for the first time, sees only the links of their own job, and uses the
// pages of that job — every page checked with axe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  zoneUrl,
  launchBrowser,
  newContext,
  expectNoAxeViolations,
  open,
  oneTimePasswords,
  uniqueSuffix,
  submit,
  pathOf,
  heading,
  signIn,
  firstSignInSteps,
} from './browser.mjs';

let browser;
let intranet;
const made = { staff: null }; // { name, displayName, password }

before(async () => {
  intranet = zoneUrl('intranet');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

async function withAdministrator(name, fn) {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    const password = oneTimePasswords('init').get(name);
    assert.ok(password, `the output of yiwang init holds ${name}'s one-time password`);
    await signIn(page, intranet, name, password);
    await firstSignInSteps(page, password);
    return await fn(page);
  } finally {
    await context.close();
  }
}

async function navLinks(page) {
  return page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link').allTextContents();
}

async function follow(page, name) {
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.getByRole('link', { name, exact: true }).first().click()]);
}

test('the system administrator keeps the organ tree and adds a civil servant', () =>
  withAdministrator('sysadmin', async (page) => {
    assert.deepEqual((await navLinks(page)).sort(), ['Accounts', 'Organs', 'Process definitions']);

    await follow(page, 'Organs');
    assert.equal(await heading(page), 'Organs');
    await expectNoAxeViolations(page, '/admin/organs');
    await follow(page, '示范市商务局');
    assert.match(pathOf(page), /^\/admin\/organs\/\d+$/);
    await expectNoAxeViolations(page, '/admin/organs/{id}');

    // A department: an empty name is refused with the field named; then added.
    await submit(page, 'Add a department');
    assert.match(await page.getByRole('alert').textContent(), /Name/);
    assert.equal(await page.getByLabel('Department name', { exact: true }).getAttribute('aria-invalid'), 'true');
    await expectNoAxeViolations(page, '/admin/organs/{id} with an error');
    const department = `外贸科${uniqueSuffix()}`;
    await page.getByLabel('Department name', { exact: true }).fill(department);
    await submit(page, 'Add a department');
    assert.match(await page.getByRole('status').textContent(), /department was added/);
    assert.match(await page.getByRole('main').textContent(), new RegExp(department));

    await open(page, `${intranet}/admin/organs/new`);
    await expectNoAxeViolations(page, '/admin/organs/new');

    // A civil servant of 市商务局: a bad account name keeps what was typed.
    await open(page, `${intranet}/admin/accounts/new`);
    await expectNoAxeViolations(page, '/admin/accounts/new');
    const staff = { name: `gao.${uniqueSuffix()}`, displayName: '高远' };
    await page.getByLabel('Account name', { exact: true }).fill('9 bad name');
    await page.getByLabel('Legal name', { exact: true }).fill(staff.displayName);
    await page.getByLabel('Organ', { exact: true }).selectOption({ label: '\u3000示范市商务局' });
    await submit(page, 'Add the account');
    assert.equal(await page.getByRole('alert').count(), 1);
    assert.equal(await page.getByLabel('Legal name', { exact: true }).inputValue(), staff.displayName);
    await page.getByLabel('Account name', { exact: true }).fill(staff.name);
    await page.getByLabel('E-mail', { exact: true }).fill(`${staff.name}@example.gov.cn`);
    await submit(page, 'Add the account');
    assert.equal(await heading(page), 'Account added');
    const password = (await page.locator('#one-time-password').textContent()).trim();
    assert.ok(password.length >= 12, 'a one-time password is shown');
    await expectNoAxeViolations(page, 'the one-time password page');
    made.staff = { ...staff, password };

    // The account list finds them, sorted and paged.
    await open(page, `${intranet}/admin/accounts?q=${encodeURIComponent(staff.name)}`);
    await expectNoAxeViolations(page, '/admin/accounts');
    assert.equal(await page.locator('table.data tbody tr').count(), 1);
    await follow(page, staff.name);
    await expectNoAxeViolations(page, '/admin/accounts/{id}');
    assert.equal(await page.getByRole('button', { name: 'Disable the account' }).count(), 1);

    // Nothing of the other administrators' jobs.
    for (const path of ['/security/roles', '/security/policy', '/audit'])
      assert.equal((await page.goto(`${intranet}${path}`)).status(), 403, path);
  }));

test('the security administrator composes a role, grants it within an organ and sets the policy', () =>
  withAdministrator('secadmin', async (page) => {
    assert.ok(made.staff, 'the system administrator made a civil servant first');
    assert.deepEqual((await navLinks(page)).sort(), ['Certificates', 'Grants', 'Roles and permissions', 'Seal management', 'Security policy']);

    await follow(page, 'Roles and permissions');
    await expectNoAxeViolations(page, '/security/roles');
    await open(page, `${intranet}/security/roles/new`);
    await expectNoAxeViolations(page, '/security/roles/new');
    const role = `商务通讯录${uniqueSuffix()}`;
    await page.getByLabel('Role name', { exact: true }).fill(role);
    await submit(page, 'Add the role');
    assert.match(await page.getByRole('alert').textContent(), /Permissions/, 'a role without permissions is refused');
    assert.equal(await page.getByLabel('Role name', { exact: true }).inputValue(), role);
    await page.getByRole('checkbox', { name: /identity\.directory\.read/ }).check();
    await submit(page, 'Add the role');
    assert.match(await page.getByRole('status').textContent(), /role was added/);

    await open(page, `${intranet}/security/accounts?q=${encodeURIComponent(made.staff.name)}`);
    await expectNoAxeViolations(page, '/security/accounts');
    await follow(page, made.staff.name);
    await expectNoAxeViolations(page, '/security/accounts/{id}');
    await page.getByLabel('Role name', { exact: true }).selectOption({ label: role });
    await submit(page, 'Grant the role');
    assert.match(await page.getByRole('status').textContent(), /role was granted/);
    assert.match(await page.locator('table.data').textContent(), new RegExp(role));

    await open(page, `${intranet}/security/policy`);
    await expectNoAxeViolations(page, '/security/policy');
    await page.getByLabel('Password lifetime (days)', { exact: true }).fill('400');
    await submit(page, 'Save');
    assert.match(await page.getByRole('alert').textContent(), /0 to 365|365/);
    assert.equal(await page.getByLabel('Password lifetime (days)', { exact: true }).inputValue(), '400');

    for (const path of ['/admin/accounts', '/admin/organs', '/audit'])
      assert.equal((await page.goto(`${intranet}${path}`)).status(), 403, path);
  }));
