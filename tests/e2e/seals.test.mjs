// A civil servant who may use the seal of the demo city government seals a
// document on the workbench (second factor at the moment of sealing), and
// anyone verifies it on the portal; a changed copy is refused. Every page is
// checked with axe.
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
  submit,
  heading,
  signIn,
  firstSignInSteps,
  totpCode,
  totpStep,
} from './browser.mjs';

let browser;

before(async () => {
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
});

const documentText = '示范市人民政府关于做好冬季安全生产工作的通知\n各区人民政府，市直各单位：……\n';

async function verifyOnPortal(page, content, signature) {
  await open(page, `${zoneUrl('internet')}/verify`);
  await page.setInputFiles('#file', { name: 'notice.txt', mimeType: 'text/plain', buffer: content });
  if (signature)
    await page.setInputFiles('#signature', { name: 'notice.txt.ywsig', mimeType: 'application/json', buffer: signature });
  await submit(page, 'Verify');
  return (await page.locator('#verdict').textContent()).trim();
}

test('a civil servant seals a document and anyone verifies it', async () => {
  const intranet = zoneUrl('intranet');
  const context = await newContext(browser, { acceptDownloads: true });
  try {
    const page = await context.newPage();
    const password = oneTimePasswords('demo').get('zhangwei.bgs');
    assert.ok(password, "yiwang demo printed zhangwei.bgs's one-time password");
    await signIn(page, intranet, 'zhangwei.bgs', password);
    const { secret } = await firstSignInSteps(page, password);

    await open(page, `${intranet}/seals`);
    await expectNoAxeViolations(page, 'the seal list');
    const first = page.locator('main a[href^="/seals/"]').first();
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), first.click()]);
    assert.match(page.url(), /\/seals\/\d+$/);
    await expectNoAxeViolations(page, 'a seal');

    // The code of the next step: the step of enrolment has been used.
    await page.setInputFiles('#a-file', { name: 'notice.txt', mimeType: 'text/plain', buffer: Buffer.from(documentText) });
    await page.locator('#a-code').fill(totpCode(secret, totpStep() + 1));
    await page.locator('#a-out-signature').check();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Seal and download' }).click(),
    ]);
    assert.match(download.suggestedFilename(), /\.ywsig$/);
    const signature = await readFile(await download.path());
    assert.match(signature.toString(), /yiwang-seal-signature\/1/);

    // The use log now shows it.
    await page.reload({ waitUntil: 'load' });
    assert.ok((await page.locator('main').textContent()).includes('notice.txt'), 'the use log lists the document');

    const portal = await context.newPage();
    const valid = await verifyOnPortal(portal, Buffer.from(documentText), signature);
    assert.match(valid, /^Valid: the document is intact/);
    assert.ok((await portal.locator('main').textContent()).includes('张伟'), 'the result names who applied the seal');
    await expectNoAxeViolations(portal, 'a verification result');

    const changed = Buffer.from(documentText.replace('冬季', '夏季'));
    const refused = await verifyOnPortal(portal, changed, signature);
    assert.match(refused, /^Not valid: the document was changed/);
  } finally {
    await context.close();
  }
});

test('the verification page reports a missing signature in words', async () => {
  const context = await newContext(browser);
  try {
    const page = await context.newPage();
    await open(page, `${zoneUrl('internet')}/verify`);
    assert.equal(await heading(page), 'Verify an electronic seal');
    await expectNoAxeViolations(page, 'the verification page');
    await page.setInputFiles('#file', { name: 'plain.txt', mimeType: 'text/plain', buffer: Buffer.from('no signature here') });
    await submit(page, 'Verify');
    const alert = (await page.locator('#form-error').textContent()).trim();
    assert.match(alert, /carries no signature/);
    await expectNoAxeViolations(page, 'the verification page with an error');
  } finally {
    await context.close();
  }
});
