// The whole online-services journey (网上办事) in the browser: a citizen
// registers on the portal, finds 企业开办 in the service guide, fills the
// one-form application (what the government already knows is filled in and
// read-only), uploads the articles of association and the proof of premises,
// and submits; on the workbench the 市场监管局 window accepts the case and four
// departments approve it in parallel; the applicant sees the case completed,
// finds the electronic 营业执照 in the wallet, downloads it and verifies it on
// the public verification page — and a copy with one byte changed fails. The
// apply form, the case page, the wallet and the verification page are checked
// with axe.
//
// The tests run in order and share what they made (see `made`). The civil
// servants are demo accounts no other test file signs in with: 孙浩
// (sunhao.scjg, 市场监管局 受理窗口 and 审批), 刘伟 (liuwei.ga, 公安局 审批),
// 陈宇 (chenyu.sw, 税务局 审批) and 杨帆 (yangfan.rs, 人社局 审批); their
// one-time passwords from `yiwang demo` must be unused, so run the file against
// a fresh demo city (scripts/test.sh makes one). Company and citizen are new
// on every run.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
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
  citizenNumber,
  registerCitizen,
  escapeRegExp,
  control,
} from './browser.mjs';

let browser;
let internet;
let intranet;
let applicant; // the citizen's browser context, signed in on the portal
const staff = new Map(); // account name → a page signed in on the workbench

const clerk = { name: 'sunhao.scjg', displayName: '孙浩' };
const reviewers = [
  { name: 'sunhao.scjg', displayName: '孙浩', step: '营业执照核准' },
  { name: 'liuwei.ga', displayName: '刘伟', step: '印章刻制备案' },
  { name: 'chenyu.sw', displayName: '陈宇', step: '发票申领' },
  { name: 'yangfan.rs', displayName: '杨帆', step: '社保登记' },
];

// What the tests made, for the ones that follow.
const made = {
  citizen: null, // { name, realName, number, phone, password }
  company: null, // the company name, unique per run
  caseNumber: null,
  title: null, // the title of the case's tasks on the workbench
  accepted: false,
  approved: false,
  licence: null, // { identifier, pdf: Buffer }
};

before(async () => {
  internet = zoneUrl('internet');
  intranet = zoneUrl('intranet');
  browser = await launchBrowser();
  applicant = await newContext(browser, { acceptDownloads: true });
});

after(async () => {
  await applicant?.close();
  for (const page of staff.values()) await page.context().close();
  await browser?.close();
});

// A PDF as small as a reader accepts: one empty page.
function minimalPdf(title) {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>',
    `<< /Title (${title}) >>`,
  ];
  let body = '%PDF-1.4\n';
  const offsets = [];
  objects.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) body += `${String(o).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Info 4 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}



// The value the apply form shows for a field the government fills in.
async function boundValue(page, label) {
  const bound = page
    .locator('p.bound')
    .filter({ has: page.locator('.label', { hasText: new RegExp(`^${escapeRegExp(label)}$`) }) });
  assert.equal(await bound.count(), 1, `the form shows “${label}” as provided by the government`);
  return (await bound.locator('output').textContent()).trim();
}

// The text of a <dd> after the <dt> named label, in the first dl.facts of scope.
async function fact(scope, label) {
  const dl = scope.locator('dl.facts').first();
  const dd = dl.locator(`xpath=dt[normalize-space(.)=${JSON.stringify(label)}]/following-sibling::dd[1]`);
  assert.equal(await dd.count(), 1, `the facts list “${label}”`);
  return (await dd.textContent()).replace(/\s+/g, ' ').trim();
}

// A civil servant of the demo city, signed in for the first time (with the
// one-time password `yiwang demo` printed, an authenticator and a new
// password), or the page they are already signed in on.
async function staffPage(person) {
  if (staff.has(person.name)) return staff.get(person.name);
  const context = await newContext(browser);
  const page = await context.newPage();
  staff.set(person.name, page);
  const password = oneTimePasswords('demo').get(person.name);
  assert.ok(password, `yiwang demo printed ${person.name}'s one-time password`);
  await signIn(page, intranet, person.name, password);
  assert.notEqual(
    pathOf(page),
    '/signin',
    `the one-time password of ${person.name} was refused: run the browser tests against a fresh demo city`,
  );
  await firstSignInSteps(page, password);
  return page;
}

// The applicant's case page.
async function openCase(page) {
  await open(page, `${internet}/services/cases/${made.caseNumber}`);
  assert.equal(await heading(page), '企业开办');
  return page;
}

// A civil servant finds the case's task in the inbox (to claim: the task
// goes to a role), claims it and completes it with an outcome and opinion.
async function handleTask(page, person, { step, outcome, opinion, axe = false }) {
  await open(page, `${intranet}/workflow/inbox`);
  const row = page.locator('table.wf-inbox tbody tr', { hasText: made.title }).filter({ hasText: step });
  assert.equal(await row.count(), 1, `${person.name} has the case's ${step} task in the inbox`);
  const text = (await row.textContent()).replace(/\s+/g, ' ');
  assert.match(text, /To claim/, 'a task of a role is marked as to be claimed');
  assert.match(text, /working day/, 'the due time is given in working days');
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    row.getByRole('link', { name: made.title }).click(),
  ]);
  assert.match(pathOf(page), /^\/workflow\/tasks\/\d+$/);
  // The business form shows the case: its number and the application.
  const business = page.locator('section.svc-task');
  assert.match(await business.locator('#svc-case-h').textContent(), new RegExp(made.caseNumber));
  assert.equal(await fact(business, 'Subject'), made.company);
  assert.equal(await fact(business, 'Applicant'), made.citizen.realName);
  assert.match(await business.locator('dl.form-values').first().textContent(), /charter\.pdf/, 'the materials are listed');

  await submit(page, 'Claim');
  assert.equal(await page.getByRole('status').filter({ hasText: /Claimed/ }).count(), 1, 'the task is claimed');
  if (axe) await expectNoAxeViolations(page, `/workflow/tasks/{id} (${step}, claimed)`);
  const handle = page.getByRole('region', { name: 'Handle' });
  await handle.getByLabel(outcome, { exact: true }).check();
  await handle.getByLabel('Opinion', { exact: true }).fill(opinion);
  await submit(page, 'Submit');
  const alert = page.getByRole('alert');
  assert.equal(await alert.count(), 0, `completing ${step} was refused: ${await alert.allTextContents()}`);
  assert.equal(pathOf(page), '/workflow/inbox', `${person.name} is back at the inbox`);
  assert.equal(await page.getByRole('status').filter({ hasText: /Submitted/ }).count(), 1, 'the task is submitted');
  const left = page.locator('table.wf-inbox tbody tr', { hasText: made.title }).filter({ hasText: step });
  assert.equal(await left.count(), 0, 'the task has left the inbox');
}

test('a citizen registers, finds 企业开办 in the service guide and submits the application with its materials', async () => {
  const suffix = uniqueSuffix();
  made.citizen = {
    name: `founder.${suffix}`,
    realName: '陈立新',
    number: citizenNumber(),
    phone: `138${String(Date.now()).slice(-8)}`,
    password: `Harvest-${suffix}-2026`,
  };
  made.company = `示范市闽江数字科技有限公司${suffix}`;
  made.title = `企业开办：${made.company}`;
  const page = await applicant.newPage();
  await registerCitizen(page, internet, made.citizen);

  // The service guide: search, then the item's page.
  await open(page, `${internet}/services`);
  assert.equal(await heading(page), 'Online services');
  await page.getByLabel('Service name or code', { exact: true }).fill('企业开办');
  await submit(page, 'Search');
  const results = page.locator('table.svc-guide-list tbody tr', { hasText: 'SF-QYKB-0001' });
  assert.equal(await results.count(), 1, 'the search finds 企业开办');
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    results.getByRole('link', { name: '企业开办', exact: true }).click(),
  ]);
  assert.equal(pathOf(page), '/services/items/SF-QYKB-0001');
  assert.match(await heading(page), /企业开办 SF-QYKB-0001/);
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.getByRole('link', { name: 'Apply online', exact: true }).first().click(),
  ]);
  assert.equal(pathOf(page), '/services/items/SF-QYKB-0001/apply');
  assert.equal(await heading(page), '企业开办');

  // What the government knows is filled in and cannot be changed.
  assert.equal(await boundValue(page, 'Legal representative'), made.citizen.realName);
  assert.equal(await boundValue(page, 'ID number of the legal representative'), made.citizen.number);
  assert.equal(await boundValue(page, 'Phone'), made.citizen.phone);
  for (const name of ['legal_representative', 'legal_representative_id', 'phone'])
    assert.equal(await page.locator(`[name="${name}"]`).count(), 0, `${name} is not an input`);
  await expectNoAxeViolations(page, '/services/items/SF-QYKB-0001/apply');

  // The rest of the one form.
  await control(page, 'Company name').fill(made.company);
  await control(page, 'Company type').selectOption('有限责任公司');
  await control(page, 'Registered capital').fill('100');
  await control(page, 'Area (6-digit division code)').fill('350102');
  await control(page, 'Street address').fill('五四路 88 号 12 层');
  await control(page, 'Business scope').fill('软件开发；信息技术咨询服务。');
  await control(page, '股东姓名或名称').fill(made.citizen.realName);
  await control(page, '出资比例').fill('100');
  await control(page, 'Seals').fill('3');
  await control(page, 'Invoices').selectOption('电子普通发票');
  await control(page, 'Insured employees').fill('5');

  // A file that only claims to be a PDF is refused at its field, and what was
  // typed stays.
  await control(page, 'Articles of association').setInputFiles({
    name: 'charter.pdf',
    mimeType: 'application/pdf',
    buffer: Buffer.from('公司章程（纯文本，不是 PDF）'),
  });
  await submit(page, 'Submit application');
  assert.equal(pathOf(page), '/services/items/SF-QYKB-0001/apply', 'the form is shown again');
  const summary = page.locator('#form-errors');
  assert.match(await summary.textContent(), /Articles of association/, 'the problem names the field');
  assert.match(await page.locator('#f-charter--error').textContent(), /charter\.pdf/, 'and the file');
  assert.equal(await control(page, 'Company name').inputValue(), made.company, 'what was typed is kept');
  await expectNoAxeViolations(page, '/services/items/SF-QYKB-0001/apply with an error');

  // The real materials.
  await control(page, 'Articles of association').setInputFiles({
    name: 'charter.pdf',
    mimeType: 'application/pdf',
    buffer: minimalPdf('Articles of association'),
  });
  await control(page, 'Proof of premises').setInputFiles({
    name: 'premises.pdf',
    mimeType: 'application/pdf',
    buffer: minimalPdf('Lease'),
  });
  await submit(page, 'Submit application');
  const errors = page.locator('#form-errors');
  assert.equal(await errors.count(), 0, `the application was refused: ${await errors.allTextContents()}`);

  // The case page: number, state, the application with its files.
  assert.match(pathOf(page), /^\/services\/cases\/SQ\d+$/);
  made.caseNumber = pathOf(page).split('/').pop();
  assert.equal(await page.getByRole('status').filter({ hasText: /Application submitted/ }).count(), 1);
  assert.equal(await fact(page, 'Case number'), made.caseNumber);
  assert.equal(await fact(page, 'Subject'), made.company);
  assert.equal(await fact(page, 'Applicant'), made.citizen.realName);
  assert.equal(await fact(page, 'State'), 'Submitted, awaiting acceptance');
  const application = page.getByRole('region', { name: 'The application' });
  const typed = (await application.textContent()).replace(/\s+/g, ' ');
  assert.match(typed, new RegExp(escapeRegExp(made.company)));
  assert.match(typed, new RegExp(`股东姓名或名称 ${made.citizen.realName} 出资比例 100 %`), 'the shareholder is shown');
  assert.equal(await application.getByRole('link', { name: 'charter.pdf' }).count(), 1, 'the charter is attached');
  assert.equal(await application.getByRole('link', { name: 'premises.pdf' }).count(), 1, 'and the proof of premises');
  await expectNoAxeViolations(page, '/services/cases/{number} (submitted)');

  // The uploaded file is the one kept.
  const href = await application.getByRole('link', { name: 'charter.pdf' }).getAttribute('href');
  const file = await applicant.request.get(`${internet}${href}`);
  assert.equal(file.status(), 200);
  assert.deepEqual(await file.body(), minimalPdf('Articles of association'));

  // And it is listed among my cases.
  await open(page, `${internet}/services/cases`);
  const listed = page.locator('main table tbody tr', { hasText: made.caseNumber });
  assert.equal(await listed.count(), 1, 'my cases list the case');
  assert.match(await listed.textContent(), /Submitted, awaiting acceptance/);
  await page.close();
});

test('the 市场监管局 window accepts the application on the workbench', async () => {
  assert.ok(made.caseNumber, 'the test before submitted an application');
  const page = await staffPage(clerk);
  await handleTask(page, clerk, { step: '受理审查', outcome: '受理', opinion: '材料齐全，符合法定形式，予以受理。', axe: true });
  made.accepted = true;

  const mine = await applicant.newPage();
  await openCase(mine);
  assert.equal(await fact(mine, 'State'), 'Under review');
  assert.ok((await fact(mine, 'Accepted')).length > 0, 'the time of acceptance is shown');
  const documents = mine.getByRole('region', { name: 'Documents and licences' });
  assert.equal(await documents.getByRole('link', { name: 'Notice of acceptance' }).count(), 1, 'the notice of acceptance is issued');
  await mine.close();
});

test('four departments approve in parallel; the applicant sees the case completed', async () => {
  assert.ok(made.accepted, 'the test before accepted the case');
  // Every review is open at once: each department has its task before any approves.
  for (const person of reviewers) {
    const page = await staffPage(person);
    await open(page, `${intranet}/workflow/inbox`);
    const row = page.locator('table.wf-inbox tbody tr', { hasText: made.title }).filter({ hasText: person.step });
    assert.equal(await row.count(), 1, `${person.name} (${person.step}) has the task before anyone approves`);
  }
  const mine = await applicant.newPage();
  for (const [i, person] of reviewers.entries()) {
    await handleTask(await staffPage(person), person, {
      step: person.step,
      outcome: '同意',
      opinion: `${person.step}：审核通过。`,
    });
    if (i < reviewers.length - 1) {
      await openCase(mine);
      assert.equal(await fact(mine, 'State'), 'Under review', `still under review after ${i + 1} approval(s)`);
    }
  }
  made.approved = true;

  await openCase(mine);
  assert.match(await fact(mine, 'State'), /^(Completed|Delivered)$/, 'the case is completed (办结)');
  assert.match(await fact(mine, 'Decision'), /^approved/);
  assert.ok((await fact(mine, 'Completed')).length > 0, 'the time of completion is shown');
  const progress = await mine.getByRole('region', { name: 'Progress' }).textContent();
  assert.match(progress, /The case is completed\./);
  const documents = mine.getByRole('region', { name: 'Documents and licences' });
  assert.equal(await documents.getByRole('link', { name: 'Decision to grant' }).count(), 1);
  assert.equal(await documents.getByRole('link', { name: 'Electronic licence' }).count(), 1);
  await expectNoAxeViolations(mine, '/services/cases/{number} (completed)');
  await mine.close();
});

test('the applicant finds the 营业执照 in the wallet, downloads it and verifies it', async () => {
  assert.ok(made.approved, 'the test before completed the case');
  const page = await applicant.newPage();
  await open(page, `${internet}/services/cases`);
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'My licences' }).click(),
  ]);
  assert.equal(pathOf(page), '/licences');
  assert.equal(await heading(page), 'My licences');
  const licence = page.locator('li.licence', { hasText: made.company });
  assert.equal(await licence.count(), 1, 'the wallet lists the new licence');
  assert.equal((await licence.locator('h2').textContent()).trim(), '营业执照');
  assert.equal(await fact(licence, '名称'), made.company);
  assert.equal(await fact(licence, '法定代表人'), made.citizen.realName);
  assert.equal(await fact(licence, '类型'), '有限责任公司');
  // The company was registered on approval: its new 统一社会信用代码 (工商 9,
  // 企业 1, the 市场监管局's division 350100) stands on the licence.
  const creditCode = await fact(licence, '统一社会信用代码');
  assert.match(creditCode, /^91350100MA[0-9]{6}[0-9X][0-9A-HJ-NP-RTUWXY]$/);
  const identifier = await fact(licence, 'Licence identifier');
  assert.match(identifier, /^\S{10,}$/, 'the licence has an identifier');
  await expectNoAxeViolations(page, '/licences');

  // Download it.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    licence.getByRole('link', { name: 'Download', exact: true }).click(),
  ]);
  assert.match(download.suggestedFilename(), /\.pdf$/);
  const pdf = await readFile(await download.path());
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-', 'the download is a PDF');
  assert.ok(pdf.length > 1000, 'with content');
  made.licence = { identifier, pdf };

  // Verify it by its identifier (the wallet's link, what the QR code opens).
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    licence.getByRole('link', { name: 'Verify', exact: true }).click(),
  ]);
  assert.equal(pathOf(page), '/licences/verify');
  let result = page.locator('section.verify-result');
  assert.match(await result.locator('h2').textContent(), /^Valid/);
  assert.equal(await fact(result, 'Holder'), made.company, 'the company holds its licence');
  assert.equal(await fact(result, '统一社会信用代码'), creditCode);
  assert.equal(await fact(result, '法定代表人'), made.citizen.realName);
  assert.equal(await fact(result, '名称'), made.company);
  assert.equal(await fact(result, 'Licence identifier'), identifier);
  await expectNoAxeViolations(page, '/licences/verify?id=…');

  // Verify the file: exactly the one issued.
  await open(page, `${internet}/licences/verify`);
  assert.equal(await heading(page), 'Verify an electronic licence');
  await expectNoAxeViolations(page, '/licences/verify');
  await page.getByLabel('Licence identifier', { exact: true }).fill(identifier);
  await page.getByLabel('Licence file (optional)', { exact: true }).setInputFiles({
    name: download.suggestedFilename(),
    mimeType: 'application/pdf',
    buffer: pdf,
  });
  await submit(page, 'Verify');
  result = page.locator('section.verify-result');
  assert.match(await result.locator('h2').textContent(), /^Valid/);
  assert.match(await result.textContent(), /The uploaded file is exactly the licence that was issued/);
  assert.equal(await result.locator('p.alert').count(), 0);
  await expectNoAxeViolations(page, '/licences/verify (file matches)');
  await page.close();
});

test('a licence file with one byte changed fails verification; an unknown identifier is unknown', async () => {
  assert.ok(made.licence, 'the test before downloaded the licence');
  const context = await newContext(browser); // anyone, not signed in
  try {
    const page = await context.newPage();
    const tampered = Buffer.from(made.licence.pdf);
    const at = Math.floor(tampered.length / 2);
    tampered[at] ^= 0x01;
    await open(page, `${internet}/licences/verify`);
    await page.getByLabel('Licence identifier', { exact: true }).fill(made.licence.identifier);
    await page.getByLabel('Licence file (optional)', { exact: true }).setInputFiles({
      name: 'licence.pdf',
      mimeType: 'application/pdf',
      buffer: tampered,
    });
    await submit(page, 'Verify');
    const result = page.locator('section.verify-result');
    assert.match(
      await result.locator('p.alert').textContent(),
      /not the licence that was issued/,
      'the changed file is not the licence',
    );
    assert.doesNotMatch(await result.textContent(), /exactly the licence that was issued/);
    await expectNoAxeViolations(page, '/licences/verify (file differs)');

    // An identifier nobody issued: the last character made wrong.
    const id = made.licence.identifier;
    const wrong = id.slice(0, -1) + (id.endsWith('0') ? '1' : '0');
    await open(page, `${internet}/licences/verify?id=${encodeURIComponent(wrong)}`);
    const verdict = (await page.locator('section.verify-result h2').textContent()).trim();
    assert.doesNotMatch(verdict, /^Valid/, `an altered identifier is not valid (${verdict})`);
    assert.equal(await page.locator('section.verify-result dl.facts').count(), 0, 'and shows no licence');
  } finally {
    await context.close();
  }
});
