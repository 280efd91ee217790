// The office workbench sign-in page (intranet zone).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { zoneUrl, launchBrowser, newContext, expectNoAxeViolations, open } from './browser.mjs';

let browser;
let intranet;

before(async () => {
  intranet = zoneUrl('intranet');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

const languages = [
  { name: 'Chinese', query: '?lang=zh-CN', htmlLang: 'zh-CN', account: '账号', password: '密码', submit: '登录' },
  { name: 'English', query: '?lang=en', htmlLang: 'en', account: 'Account', password: 'Password', submit: 'Sign in' },
];

for (const lang of languages) {
  test(`sign-in (${lang.name}): no axe violations, labelled inputs, CSRF token`, async () => {
    const context = await newContext(browser);
    try {
      const page = await context.newPage();
      await open(page, `${intranet}/signin${lang.query}`);
      assert.equal(await page.getAttribute('html', 'lang'), lang.htmlLang);
      assert.equal(await page.locator('h1').count(), 1, 'exactly one h1');

      const account = page.getByLabel(lang.account, { exact: true });
      const password = page.getByLabel(lang.password, { exact: true });
      assert.equal(await account.count(), 1, `one field labelled "${lang.account}"`);
      assert.equal(await password.count(), 1, `one field labelled "${lang.password}"`);
      assert.equal(await account.getAttribute('name'), 'account');
      assert.equal(await account.getAttribute('autocomplete'), 'username');
      assert.equal(await password.getAttribute('type'), 'password');
      assert.equal(await password.getAttribute('autocomplete'), 'current-password');
      await account.fill('someone');
      assert.equal(await account.inputValue(), 'someone', 'the labelled account field accepts text');
      assert.equal(await page.getByRole('button', { name: lang.submit, exact: true }).count(), 1, 'submit button');

      const form = page.locator('form[action="/signin"]');
      assert.equal(await form.count(), 1, 'one sign-in form');
      assert.equal((await form.getAttribute('method')).toLowerCase(), 'post');
      const csrf = form.locator('input[name="_csrf"]');
      assert.equal(await csrf.count(), 1, 'one _csrf input');
      assert.equal(await csrf.getAttribute('type'), 'hidden');
      assert.match(await csrf.inputValue(), /^[0-9a-f]{64}$/, '_csrf value is 64 hex digits');

      await expectNoAxeViolations(page, `sign-in (${lang.name})`);
    } finally {
      await context.close();
    }
  });
}

test('sign-in: the workbench root redirects to /signin when signed out', async () => {
  const context = await newContext(browser);
  try {
    // The redirect itself, not followed.
    const raw = await context.request.get(`${intranet}/`, { maxRedirects: 0 });
    assert.ok([302, 303, 307].includes(raw.status()), `status of / is ${raw.status()}, expected a redirect`);
    const location = raw.headers()['location'];
    assert.ok(location, 'redirect has a Location header');
    assert.equal(new URL(location, `${intranet}/`).pathname, '/signin');

    // And in the browser.
    const page = await context.newPage();
    const response = await open(page, `${intranet}/`);
    assert.equal(new URL(page.url()).pathname, '/signin');
    assert.ok(response.request().redirectedFrom(), 'the browser was redirected');
    assert.equal(await page.locator('input[name="password"]').count(), 1, 'the sign-in form is shown');
  } finally {
    await context.close();
  }
});
