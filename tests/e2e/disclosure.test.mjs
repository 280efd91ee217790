// 依申请公开 in the browser: a citizen registers on the portal, follows the
// link on the 依申请公开 column to the request form and asks 市发展改革委 for
// information (the description carries hostile markup, shown inert); on the
// workbench 李军 (lijun.fgw, 依申请公开经办) registers the request and drafts a
// reply, 王芳 (wangfang.fgw, 依申请公开负责人) signs it; the citizen sees the
// request answered within its 20 working days, downloads the sealed reply
// letter and verifies it on the portal's verification page. The form, the
// request page, the lists and the verification result are checked with axe.
//
// The tests run in order and share what they made. The two civil servants
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

const officer = { name: 'lijun.fgw' };
const head = { name: 'wangfang.fgw' };
const organ = '示范市发展和改革委员会';
const hostile = '<img src=x onerror=alert(1)><script>alert(2)</script>';

const made = { number: null, realName: null, letter: null };

before(async () => {
  internet = zoneUrl('internet');
  intranet = zoneUrl('intranet');
  browser = await launchBrowser();
  citizen = await newContext(browser, { acceptDownloads: true });
});

after(async () => {
  await citizen?.close();
  await browser?.close();
  assert.deepEqual(dialogs, [], 'no script from hostile input ran');
});

// The text of the <dd> after the <dt> named label, in the first dl.facts.
async function fact(page, label) {
  const dd = page
    .locator('dl.facts')
    .first()
    .locator(`xpath=dt[normalize-space(.)=${JSON.stringify(label)}]/following-sibling::dd[1]`);
  assert.equal(await dd.count(), 1, `the facts list “${label}”`);
  return (await dd.textContent()).trim();
}

// Works on the request's task of `step` in the inbox of `page`.
function work(page, step, outcome, fields = {}) {
  return completeTask(page, intranet, {
    rowText: made.realName,
    step,
    outcome,
    fields,
    check: async (p) => {
      assert.match(await p.locator('.svc-task').textContent(), new RegExp(made.number));
      assert.equal(await p.locator('.svc-task script, .svc-task [onerror]').count(), 0, 'hostile text is inert on the task');
    },
  });
}

test('a citizen asks 市发展改革委 for information on the portal', async () => {
  const page = catchDialogs(await citizen.newPage(), dialogs);
  const suffix = uniqueSuffix();
  made.realName = `公开${suffix.slice(-4).replace(/\d/g, (d) => '零一二三四五六七八九'[d])}`;
  await registerCitizen(page, internet, {
    name: `gk${suffix}`,
    realName: made.realName,
    number: citizenNumber(),
    phone: '13905919999',
    password: 'Citizen-Pass-2026',
  });
  await open(page, `${internet}/columns/disclosure-requests`);
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.getByRole('link', { name: '在线提出政府信息公开申请' }).click(),
  ]);
  assert.equal(pathOf(page), '/disclosure/requests/new');
  await expectNoAxeViolations(page, '/disclosure/requests/new');

  // Nothing chosen and nothing described: every problem at its field, what was typed kept.
  await control(page, 'Name of the information').fill(hostile);
  await submit(page, 'Submit the request');
  assert.equal(pathOf(page), '/disclosure/requests/new');
  assert.equal(await page.locator('#f-organ-error').count(), 1);
  assert.equal(await page.locator('#f-description-error').count(), 1);
  assert.equal(await control(page, 'Name of the information').inputValue(), hostile);
  await expectNoAxeViolations(page, '/disclosure/requests/new with errors');

  await control(page, 'Organ').selectOption({ label: organ });
  await control(page, 'Description of the information').fill(`2026年本市重点项目投资计划。${hostile}`);
  await submit(page, 'Submit the request');
  assert.match(pathOf(page), /^\/disclosure\/requests\/GK\d{14}$/);
  made.number = pathOf(page).split('/').pop();
  assert.equal(await fact(page, 'State'), 'Registration');
  assert.match(await fact(page, 'Description of the information'), /<script>alert\(2\)<\/script>/, 'shown as text');
  assert.equal(await page.locator('main script, main [onerror]').count(), 0);
  await expectNoAxeViolations(page, '/disclosure/requests/{number}');
  await open(page, `${internet}/disclosure/requests`);
  assert.equal(await page.getByRole('link', { name: made.number }).count(), 1);
  await expectNoAxeViolations(page, '/disclosure/requests');
  await page.close();
});

test('the officer registers and answers it, the head signs the reply', async () => {
  assert.ok(made.number, 'the request was made');
  const ctx = await newContext(browser);
  try {
    const page = catchDialogs(await signInDemoStaff(ctx, intranet, officer.name), dialogs);
    await open(page, `${intranet}/portal/disclosure`);
    assert.equal(await page.getByRole('link', { name: made.number }).count(), 1, 'the organ lists it');
    await expectNoAxeViolations(page, '/portal/disclosure');
    await work(page, '登记审查', '登记办理');
    await work(page, '办理', '拟答复', {
      'Type of reply': 'Disclosed',
      'Reason or case': 'Disclosed in full',
      Reply: '2026年重点项目投资计划已随本答复书提供，共 36 个项目。',
    });
  } finally {
    await ctx.close();
  }
  const ctx2 = await newContext(browser);
  try {
    const page = catchDialogs(await signInDemoStaff(ctx2, intranet, head.name), dialogs);
    await work(page, '审核签发', '签发');
  } finally {
    await ctx2.close();
  }
});

test('the citizen reads the answer within its time limit and its sealed letter verifies', async () => {
  assert.ok(made.number, 'the request was answered');
  const page = catchDialogs(await citizen.newPage(), dialogs);
  await open(page, `${internet}/disclosure/requests/${made.number}`);
  assert.equal(await fact(page, 'State'), 'Answered');
  const [taken, allowed] = (await page.locator('#gk-took').textContent()).match(/\d+/g).map(Number);
  assert.equal(allowed, 20);
  assert.ok(taken <= allowed, `answered within the time limit (${taken} of ${allowed} working days)`);
  assert.match(await page.locator('section.card').textContent(), /共 36 个项目/);
  await expectNoAxeViolations(page, '/disclosure/requests/{number} answered');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Reply to the request for government information' }).click(),
  ]);
  const chunks = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk);
  const letter = Buffer.concat(chunks);
  assert.equal(letter.subarray(0, 5).toString(), '%PDF-');

  await open(page, `${internet}/verify`);
  await page.setInputFiles('#file', { name: `${made.number}.pdf`, mimeType: 'application/pdf', buffer: letter });
  await submit(page, 'Verify');
  assert.match((await page.locator('#verdict').textContent()).trim(), /^Valid: /);
  assert.match(await page.locator('main').textContent(), new RegExp(organ));
  await expectNoAxeViolations(page, 'the letter verified');

  // One byte changed: refused.
  const changed = Buffer.from(letter);
  changed[200] ^= 1;
  await open(page, `${internet}/verify`);
  await page.setInputFiles('#file', { name: 'changed.pdf', mimeType: 'application/pdf', buffer: changed });
  await submit(page, 'Verify');
  assert.match((await page.locator('#verdict').textContent()).trim(), /^Not valid/);
  await page.close();
});
