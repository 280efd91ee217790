// 互动交流 in the browser: a citizen registers on the portal, follows the
// 领导信箱 column to the mailbox and writes to the mayor (the letter carries
// hostile markup, shown inert), agrees to publication and gets a query code;
// on the workbench 何静 (hejing.sjj, 信箱管理员) accepts the letter and assigns it
// to 东城区政府, 黄丽 (huangli.dcq, 信件办理) drafts the answer and 吴强
// (wuqiang.dcq, 信件审核) approves it for publication; the citizen then finds
// the answer under the query code, rates it, and the letter with its answer
// is among the published letters. The mailbox, the form, the query page and
// the published letter are checked with axe.
//
// The tests run in order and share what they made. The three civil servants
// are demo accounts no other test file signs in with; their one-time
// passwords from `yiwang demo` must be unused, so run the file against a
// fresh demo city (scripts/test.sh makes one).
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
  signInDemoStaff,
  citizenNumber,
  registerCitizen,
  catchDialogs,
  control,
  completeTask,
} from './browser.mjs';

let browser;
let internet;
let intranet;
let citizen; // the citizen's context, signed in on the portal
const dialogs = []; // any alert() a page manages to run

const hostile = '<img src=x onerror=alert(1)><script>alert(2)</script>';
const made = { title: null, code: null, answer: null };

before(async () => {
  internet = zoneUrl('internet');
  intranet = zoneUrl('intranet');
  browser = await launchBrowser();
  citizen = await newContext(browser);
});

after(async () => {
  await citizen?.close();
  await browser?.close();
  assert.deepEqual(dialogs, [], 'no script from hostile input ran');
});

// Works on the letter's task of `step` in the inbox of `page`.
function work(page, step, outcome, fields = {}) {
  return completeTask(page, intranet, {
    rowText: made.title,
    step,
    outcome,
    fields,
    check: async (p) => {
      assert.equal(await p.locator('main script, main [onerror]').count(), 0, 'hostile text is inert on the task');
    },
  });
}

test('a citizen writes to the mayor and gets a query code', async () => {
  const page = catchDialogs(await citizen.newPage(), dialogs);
  const suffix = uniqueSuffix();
  await registerCitizen(page, internet, {
    name: `xin${suffix}`,
    realName: '写信人',
    number: citizenNumber(),
    phone: '13905918888',
    password: 'Citizen-Pass-2026',
  });
  await open(page, `${internet}/columns/mayor-mailbox`);
  assert.equal(pathOf(page), '/letters');
  await expectNoAxeViolations(page, '/letters?kind=mayor');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.getByRole('link', { name: 'Write a letter' }).click()]);
  assert.equal(pathOf(page), '/letters/write');
  await expectNoAxeViolations(page, '/letters/write');

  // Nothing typed: every problem at its field.
  await submit(page, 'Send');
  assert.equal(await page.locator('#f-letter_title-error').count(), 1);
  assert.equal(await page.locator('#f-letter_body-error').count(), 1);
  await expectNoAxeViolations(page, '/letters/write with errors');

  made.title = `东城区人民路夜间施工噪音${suffix.slice(-6)}`;
  await control(page, 'Kind of letter').selectOption('mayor');
  await control(page, 'Subject').fill(made.title);
  await control(page, 'Your letter').fill(`人民路工地每晚施工到凌晨，影响居民休息。${hostile}`);
  await page.getByLabel(/I agree that the letter and its answer are published/).check();
  await submit(page, 'Send');
  made.code = (await page.locator('#query-code').textContent()).trim();
  assert.match(made.code, /^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/, 'a query code is shown');
  await expectNoAxeViolations(page, 'the letter sent');

  await open(page, `${internet}/letters/query`);
  await control(page, 'Query code').fill(made.code);
  await submit(page, 'Look up');
  assert.match(await page.locator('main').textContent(), /Status\s*Awaiting review · 15 working days left/);
  assert.match(await page.locator('.letter-text').textContent(), /<script>alert\(2\)<\/script>/, 'shown as text');
  await page.close();
});

test('the mailbox assigns the letter, 东城区政府 answers and approves it', async () => {
  assert.ok(made.code, 'the letter was written');
  made.answer = '经核查，该工地已停止夜间施工，区城管局将加强巡查。';
  for (const [account, step, outcome, fields] of [
    ['hejing.sjj', '分办', '受理', { 'Organ to handle it when accepted': '示范市东城区人民政府' }],
    ['huangli.dcq', '办理', '提交审核', { Answer: made.answer }],
    ['wuqiang.dcq', '审核', '同意答复', {}],
  ]) {
    const ctx = await newContext(browser);
    try {
      const page = catchDialogs(await signInDemoStaff(ctx, intranet, account), dialogs);
      await work(page, step, outcome, fields);
    } finally {
      await ctx.close();
    }
  }
});

test('the public answer shows under the query code and among the published letters', async () => {
  assert.ok(made.answer, 'the letter was answered');
  const page = catchDialogs(await citizen.newPage(), dialogs);
  await open(page, `${internet}/letters/query`);
  await control(page, 'Query code').fill(made.code.toLowerCase().replace(/-/g, ' '));
  await submit(page, 'Look up');
  assert.match(await page.locator('.letter-answer').textContent(), new RegExp(made.answer));
  assert.match(await page.locator('main').textContent(), /Status\s*Handled/);
  await expectNoAxeViolations(page, '/letters/query answered');
  // The writer rates the answer.
  await page.getByLabel('Satisfied', { exact: true }).check();
  await submit(page, 'Send rating');
  assert.equal(await page.getByRole('alert').count(), 0, `rated: ${await page.getByRole('alert').allTextContents()}`);

  await open(page, `${internet}/letters?kind=mayor`);
  const link = page.getByRole('link', { name: made.title });
  assert.equal(await link.count(), 1, 'the letter is published with its answer');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), link.click()]);
  assert.match(await page.locator('.letter-answer').textContent(), new RegExp(made.answer));
  assert.equal(await page.locator('main script, main [onerror]').count(), 0);
  assert.doesNotMatch(await page.locator('main').textContent(), /写信人/, 'the writer is not named');
  await expectNoAxeViolations(page, '/letters/{id}');
  await page.close();
});
