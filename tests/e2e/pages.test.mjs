// Other public pages: the 404 page, the division browser, the ID check tool
// (used through the browser), and the working-day tool of the workbench.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { zoneUrl, launchBrowser, newContext, expectNoAxeViolations, open } from './browser.mjs';

let browser;
let internet;
let intranet;

before(async () => {
  internet = zoneUrl('internet');
  intranet = zoneUrl('intranet');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

// Runs fn(page) in a fresh English-preferring context, closed afterwards.
async function withPage(fn, options = {}) {
  const context = await newContext(browser, options);
  try {
    return await fn(await context.newPage());
  } finally {
    await context.close();
  }
}

for (const [name, query, heading] of [
  ['Chinese', '?lang=zh-CN', '页面不存在'],
  ['English', '?lang=en', 'Page not found'],
]) {
  test(`404 page (${name}): status 404, no axe violations`, () =>
    withPage(async (page) => {
      await open(page, `${internet}/no-such-page${query}`, 404);
      assert.equal(await page.locator('h1').count(), 1, 'exactly one h1');
      assert.equal((await page.locator('h1').textContent()).trim(), heading);
      assert.equal(await page.getByRole('contentinfo').count(), 1, 'footer landmark');
      const home = page.getByRole('main').getByRole('link');
      assert.equal(await home.getAttribute('href'), '/', 'links back to the home page');
      await expectNoAxeViolations(page, `404 page (${name})`);
    }));
}

test('divisions: top-level list, no axe violations', () =>
  withPage(async (page) => {
    await open(page, `${internet}/divisions?lang=en`);
    assert.equal(await page.locator('h1').count(), 1, 'exactly one h1');
    assert.equal((await page.locator('h1').textContent()).trim(), 'Administrative division codes');
    const table = page.getByRole('table');
    assert.equal(await table.count(), 1, 'one table of subdivisions');
    assert.match(await table.locator('caption').textContent(), /Subdivisions/);
    const beijing = table.getByRole('row').filter({ hasText: '110000' });
    assert.equal(await beijing.count(), 1, 'Beijing (110000) is listed');
    assert.equal(await beijing.getByRole('link').getAttribute('href'), '/divisions/110000');
    assert.equal(await page.locator('nav.site-nav a[aria-current="page"]').getAttribute('href'), '/divisions');
    await expectNoAxeViolations(page, '/divisions');
  }));

for (const [name, query] of [
  ['Chinese', '?lang=zh-CN'],
  ['English', '?lang=en'],
]) {
  test(`divisions/110000 (${name}): breadcrumb, children, no axe violations`, () =>
    withPage(async (page) => {
      await open(page, `${internet}/divisions/110000${query}`);
      assert.equal(await page.locator('h1').count(), 1, 'exactly one h1');
      const h1 = (await page.locator('h1').textContent()).replace(/\s+/g, ' ').trim();
      assert.match(h1, /北京/, 'the heading names Beijing');
      assert.match(h1, /110000/, 'the heading shows the code');
      const crumbs = page.locator('nav.breadcrumb');
      assert.equal(await crumbs.count(), 1, 'breadcrumb navigation');
      assert.ok((await crumbs.getAttribute('aria-label')).length > 0, 'breadcrumb is labelled');
      assert.equal(await crumbs.locator('[aria-current="page"]').count(), 1, 'current crumb is marked');
      assert.ok((await page.getByRole('table').getByRole('row').count()) > 1, 'subdivisions are listed');
      await expectNoAxeViolations(page, `/divisions/110000 (${name})`);
    }));
}

// Fills in the check-id form the way a person would and submits it.
async function checkId(page, value, { field, button }) {
  const input = page.getByLabel(field, { exact: true });
  await input.click();
  await input.fill('');
  await input.pressSequentially(value);
  await Promise.all([
    page.waitForURL((url) => url.searchParams.get('value') === value),
    page.getByRole('button', { name: button, exact: true }).click(),
  ]);
  return page.getByRole('status');
}

test('check-id (English): a valid citizen number, typed and submitted', () =>
  withPage(async (page) => {
    await open(page, `${internet}/tools/check-id?lang=en`);
    await expectNoAxeViolations(page, '/tools/check-id (empty form)');
    const kind = page.getByLabel('Kind of number', { exact: true });
    await kind.selectOption('citizen');
    const result = await checkId(page, '11010519491231002X', { field: 'Number', button: 'Check' });
    assert.equal(await result.count(), 1, 'one result');
    const text = await result.textContent();
    assert.match(text, /The number is valid\./);
    assert.doesNotMatch(text, /not valid/);
    assert.equal(await page.getByLabel('Number', { exact: true }).inputValue(), '11010519491231002X',
      'the form keeps the number');
    assert.equal(await page.getByLabel('Number', { exact: true }).getAttribute('aria-describedby'), 'check-result',
      'the field is described by the result');
    await expectNoAxeViolations(page, '/tools/check-id (valid result)');
  }));

test('check-id (English): a bad check digit is reported as invalid', () =>
  withPage(async (page) => {
    await open(page, `${internet}/tools/check-id?lang=en`);
    await page.getByLabel('Kind of number', { exact: true }).selectOption('citizen');
    const result = await checkId(page, '110105194912310021', { field: 'Number', button: 'Check' });
    const text = (await result.textContent()).replace(/\s+/g, ' ');
    assert.match(text, /The number is not valid\./);
    assert.match(text, /check character/i, 'names the check digit');
    assert.match(text, /expected X, got 1/, 'says what the check character should be');
    await expectNoAxeViolations(page, '/tools/check-id (invalid result)');
  }));

// A browser that prefers Chinese (the form does not carry ?lang=, so the
// language of the result page comes from Accept-Language).
test('check-id (Chinese): a bad check digit is reported as invalid', () =>
  withPage(async (page) => {
    await open(page, `${internet}/tools/check-id`);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    await page.getByLabel('号码类型', { exact: true }).selectOption('citizen');
    const result = await checkId(page, '110105194912310021', { field: '号码', button: '校验' });
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    const text = (await result.textContent()).replace(/\s+/g, ' ');
    assert.match(text, /号码无效。/);
    assert.match(text, /校验码/, 'names the check digit');
    assert.match(text, /应为 X，实为 1/, 'says what the check character should be');
    await expectNoAxeViolations(page, '/tools/check-id (invalid result, Chinese)');
  }, { locale: 'zh-CN' }));

test('workdays (English): 20 working days after 2026-09-15 is 2026-10-19', () =>
  withPage(async (page) => {
    await open(page, `${intranet}/tools/workdays?date=2026-09-15&days=20&lang=en`);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(await page.locator('h1').count(), 1, 'exactly one h1');
    const due = page.getByRole('status').filter({ hasText: 'Due date' });
    assert.equal(await due.count(), 1, 'the due date is shown');
    assert.match(await due.textContent(), /2026-10-19/);
    assert.equal(await due.locator('time').getAttribute('datetime'), '2026-10-19');
    assert.equal(await page.getByLabel('Start date (not counted)').inputValue(), '2026-09-15');
    assert.equal(await page.getByLabel('Working days', { exact: true }).inputValue(), '20');
    await expectNoAxeViolations(page, '/tools/workdays');
  }));
