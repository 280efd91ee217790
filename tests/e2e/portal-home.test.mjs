// The portal home page (internet zone) in both languages: accessibility,
// structure, keyboard use, language switch, no JavaScript, narrow screens.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { zoneUrl, launchBrowser, newContext, expectNoAxeViolations, open } from './browser.mjs';

let browser;
let internet;

before(async () => {
  internet = zoneUrl('internet');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

// Each language: the URL, how the browser asks for it, what <html lang> says.
const languages = [
  { name: 'Chinese', path: '/', locale: 'zh-CN', htmlLang: 'zh-CN', other: 'English', otherLang: 'en', skip: '跳到正文' },
  { name: 'English', path: '/?lang=en', locale: 'zh-CN', htmlLang: 'en', other: '中文', otherLang: 'zh-CN', skip: 'Skip to content' },
];

for (const lang of languages) {
  test(`portal home (${lang.name}): no axe violations, one h1, lang, landmarks`, async () => {
    const context = await newContext(browser, { locale: lang.locale });
    try {
      const page = await context.newPage();
      await open(page, internet + lang.path);
      assert.equal(await page.getAttribute('html', 'lang'), lang.htmlLang);
      assert.equal(await page.locator('h1').count(), 1, 'exactly one h1');
      assert.ok(await page.locator('h1').isVisible(), 'the h1 is visible');
      assert.equal(await page.getByRole('banner').count(), 1, 'one banner landmark');
      assert.equal(await page.getByRole('main').count(), 1, 'one main landmark');
      assert.equal(await page.getByRole('contentinfo').count(), 1, 'one footer (contentinfo) landmark');
      assert.ok(await page.getByRole('contentinfo').isVisible(), 'footer is visible');
      assert.equal(await page.getByRole('navigation').count(), 1, 'one navigation landmark');
      assert.ok((await page.title()).length > 0, 'page has a title');
      await expectNoAxeViolations(page, `portal home (${lang.name})`);
    } finally {
      await context.close();
    }
  });

  test(`portal home (${lang.name}): the skip link moves focus to main`, async () => {
    const context = await newContext(browser, { locale: lang.locale });
    try {
      const page = await context.newPage();
      await open(page, internet + lang.path);
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => ({
        text: document.activeElement?.textContent?.trim(),
        href: document.activeElement?.getAttribute('href'),
      }));
      assert.deepEqual(focused, { text: lang.skip, href: '#main' }, 'the first Tab stop is the skip link');
      // The focused skip link must be on screen, not just in the tree.
      const box = await page.locator('a.skip-link').boundingBox();
      assert.ok(box && box.x >= 0 && box.y >= 0 && box.width > 0, `skip link is on screen when focused: ${JSON.stringify(box)}`);
      await page.keyboard.press('Enter');
      await page.waitForFunction(() => location.hash === '#main');
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'main', 'focus is on <main>');
      // The next Tab continues inside main, not back at the header.
      await page.keyboard.press('Tab');
      const inMain = await page.evaluate(() => document.getElementById('main').contains(document.activeElement));
      assert.ok(inMain, 'the Tab after the skip link lands inside main');
    } finally {
      await context.close();
    }
  });
}

test('portal home: the language switch goes to English and back', async () => {
  const context = await newContext(browser, { locale: 'zh-CN' });
  try {
    const page = await context.newPage();
    await open(page, `${internet}/`);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    const toEnglish = page.locator('a.lang-switch');
    assert.equal((await toEnglish.textContent()).trim(), 'English');
    assert.equal(await toEnglish.getAttribute('lang'), 'en', 'the link text is marked as English');
    await Promise.all([page.waitForURL(/[?&]lang=en\b/), toEnglish.click()]);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    assert.equal(new URL(page.url()).pathname, '/');
    assert.match(await page.locator('a.skip-link').textContent(), /Skip to content/);

    const toChinese = page.locator('a.lang-switch');
    assert.equal((await toChinese.textContent()).trim(), '中文');
    assert.equal(await toChinese.getAttribute('lang'), 'zh-CN');
    await Promise.all([page.waitForURL(/[?&]lang=zh-CN\b/), toChinese.click()]);
    assert.equal(await page.getAttribute('html', 'lang'), 'zh-CN');
    assert.equal(new URL(page.url()).pathname, '/');
    assert.match(await page.locator('a.skip-link').textContent(), /跳到正文/);
  } finally {
    await context.close();
  }
});

test('portal home: works with JavaScript disabled', async () => {
  const context = await newContext(browser, { locale: 'zh-CN', javaScriptEnabled: false });
  try {
    const page = await context.newPage();
    for (const path of ['/', '/?lang=en']) {
      await open(page, internet + path);
      const h1 = page.locator('h1');
      assert.ok(await h1.isVisible(), `h1 is visible without JavaScript on ${path}`);
      assert.ok((await h1.textContent()).trim().length > 0, 'h1 has text');
      assert.ok(await page.getByRole('navigation').isVisible(), 'navigation is visible');
      assert.ok(await page.getByRole('contentinfo').isVisible(), 'footer is visible');
    }
    // Navigating by link still works without scripts.
    await Promise.all([page.waitForURL(/\/divisions$/), page.locator('main a[href="/divisions"]').click()]);
    assert.ok(await page.locator('h1').isVisible());
  } finally {
    await context.close();
  }
});

for (const lang of languages) {
  test(`portal home (${lang.name}): no horizontal scroll at 375 px`, async () => {
    const context = await newContext(browser, { locale: lang.locale, viewport: { width: 375, height: 812 } });
    try {
      const page = await context.newPage();
      await open(page, internet + lang.path);
      const sizes = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        clientWidth: document.documentElement.clientWidth,
      }));
      assert.ok(sizes.scrollWidth <= 375, `page is ${sizes.scrollWidth} px wide at a 375 px viewport`);
      assert.ok(sizes.scrollWidth <= sizes.clientWidth, `no horizontal scroll: ${JSON.stringify(sizes)}`);
      await expectNoAxeViolations(page, `portal home (${lang.name}) at 375 px`);
    } finally {
      await context.close();
    }
  });
}
