// 征集调查 in the browser: the demo city's open consultation and survey are
// listed under 互动交流; signed out, the draft shows with a link to sign in; a
// citizen who registers comments on the draft (hostile markup shown inert,
// the comment waiting for moderation) and answers the survey, after which
// the results show. Each page is checked with axe. Uses no demo staff, so
// it runs beside the other files on one demo city.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  zoneUrl,
  launchBrowser,
  newContext,
  expectNoAxeViolations,
  open,
  uniqueSuffix,
  submit,
  pathOf,
  citizenNumber,
  registerCitizen,
  catchDialogs,
  control,
} from './browser.mjs';

let browser;
let internet;
const dialogs = [];
const hostile = '<img src=x onerror=alert(1)><script>alert(2)</script>';

before(async () => {
  internet = zoneUrl('internet');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  assert.deepEqual(dialogs, [], 'no script from hostile input ran');
});

async function openTitled(page, title) {
  await open(page, `${internet}/columns/consultations`);
  assert.equal(pathOf(page), '/consultations');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.getByRole('link', { name: title }).click()]);
  assert.match(pathOf(page), /^\/consultations\/\d+$/);
}

test('a citizen comments on the draft and answers the survey', async () => {
  const context = await newContext(browser);
  try {
    const page = catchDialogs(await context.newPage(), dialogs);
    await open(page, `${internet}/consultations`);
    await expectNoAxeViolations(page, '/consultations');
    await openTitled(page, '示范市优化营商环境若干措施（征求意见稿）');
    assert.match(await page.locator('main').textContent(), /企业开办/);
    assert.equal(await page.getByRole('link', { name: 'Sign in to comment' }).count(), 1);
    await expectNoAxeViolations(page, '/consultations/{id} signed out');

    await registerCitizen(page, internet, {
      name: `zj${uniqueSuffix()}`,
      realName: '征集参与人',
      number: citizenNumber(),
      phone: '13905917777',
      password: 'Citizen-Pass-2026',
    });
    await openTitled(page, '示范市优化营商环境若干措施（征求意见稿）');
    await submit(page, 'Send the comment');
    assert.equal(await page.locator('#f-comment-error').count(), 1, 'an empty comment is refused at its field');
    await control(page, 'Your comment').fill(`建议把企业开办时限写入第二条。${hostile}`);
    await submit(page, 'Send the comment');
    const comments = page.locator('#comments');
    assert.match(await comments.textContent(), /Awaiting moderation/);
    assert.match(await comments.textContent(), /<script>alert\(2\)<\/script>/, 'shown as text');
    assert.equal(await page.locator('main script, main [onerror]').count(), 0);
    await expectNoAxeViolations(page, '/consultations/{id} with a comment');

    await openTitled(page, '2026年政务服务满意度调查');
    await expectNoAxeViolations(page, 'the survey');
    await page.getByLabel('满意', { exact: true }).check();
    await page.getByLabel('材料精简', { exact: true }).check();
    await page.getByLabel('网站易用', { exact: true }).check();
    await submit(page, 'Send the answers');
    assert.match(await page.locator('main').textContent(), /You have taken part in this survey/);
    const results = page.getByRole('region', { name: 'Results' });
    assert.match(await results.textContent(), /Responses\s*\d+/);
    await expectNoAxeViolations(page, 'the survey results');
  } finally {
    await context.close();
  }
});
