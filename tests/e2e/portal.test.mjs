// Publishing on the portal in the browser: the site editor 孙丽 (sunli.bgs)
// writes an article on the workbench — its body carries a <script> and an
// onerror handler, which the server removes and says so — and submits it;
// 周杰 (初审), 陈静 (复审) and 林海 (终审) each find it in their inbox, read it
// on the task page and approve it. Then it is on the column page, in the
// column's RSS feed, in the sitemap and in the site search, and nothing of
// the hostile markup runs. Hostile text typed into the search box is shown
// inert. The editor's page, the column, article and search pages are checked
// with axe.
//
// The tests run in order and share what they made. The four civil servants
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
  catchDialogs,
} from './browser.mjs';

let browser;
let internet;
let intranet;
const dialogs = []; // any alert() a page manages to run
const catchDialogsInto = (page) => catchDialogs(page, dialogs);

const editor = { name: 'sunli.bgs', displayName: '孙丽' };
const reviewers = [
  { name: 'zhoujie.bgs', step: '初审', outcome: '通过' },
  { name: 'chenjing.bgs', step: '复审', outcome: '通过' },
  { name: 'linhai.bgs', step: '终审', outcome: '发布' },
];

const made = { word: null, title: null, path: null };

before(async () => {
  internet = zoneUrl('internet');
  intranet = zoneUrl('intranet');
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  assert.deepEqual(dialogs, [], 'no script from hostile input ran');
});


async function staffPage(person) {
  const context = await newContext(browser);
  context.on('page', catchDialogsInto);
  return signInDemoStaff(context, intranet, person.name);
}

async function publicPage() {
  const context = await newContext(browser);
  return catchDialogsInto(await context.newPage());
}

// Opens a public URL until its body holds `text` (pages are dropped from the
// cache and the search index follows within a second or two).
async function openUntil(page, url, text) {
  for (let i = 0; i < 50; i++) {
    await open(page, url);
    if ((await page.content()).includes(text)) return;
    await page.waitForTimeout(200);
  }
  assert.fail(`${url} never showed ${text}`);
}

test('the editor writes an article with hostile markup; the server cleans it and says so', async () => {
  made.word = `yw${uniqueSuffix()}`;
  made.title = `一网通办宣传周启动 ${made.word}`;
  const page = await staffPage(editor);
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Site articles' }).click(),
  ]);
  assert.equal(pathOf(page), '/portal/articles');
  await expectNoAxeViolations(page, '/portal/articles');
  await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    page.getByRole('link', { name: 'Write a new article' }).click(),
  ]);
  await expectNoAxeViolations(page, '/portal/articles/new');

  // First without a title: the problem is named at its field, the body kept.
  await page.locator('#f-column').selectOption({ label: '政务动态 / 要闻' });
  const body =
    '<p>示范市一网通办宣传周今天启动。</p><script>alert("script")</script>' +
    '<p><img src="/static/none.png" alt="" onerror="alert(\'onerror\')">' +
    '<img src="https://elsewhere.example/track.png">市民可在门户网站办事。</p>';
  await page.locator('#f-body').fill(body);
  await submit(page, 'Save and submit for review');
  assert.match(await page.locator('#f-title-error').textContent(), /Title|title/);
  assert.equal(await page.locator('#f-body').inputValue(), body, 'what was typed is kept');
  await expectNoAxeViolations(page, '/portal/articles/new with an error');

  await page.locator('#f-title').fill(made.title);
  await page.locator('#f-keywords').fill('一网通办，宣传周');
  await submit(page, 'Save and submit for review');
  assert.match(pathOf(page), /^\/portal\/articles\/\d+$/);
  made.path = pathOf(page).replace('/portal', '');
  const notices = (await page.getByRole('status').allTextContents()).join(' ');
  assert.match(notices, /Submitted/);
  assert.match(notices, /script/, 'the editor is told the script was removed');
  assert.match(notices, /onerror/, 'and the event handler');
  assert.match(notices, /img:external/, 'and the other site\'s image');
  await expectNoAxeViolations(page, '/portal/articles/{id} under review');
  await page.context().close();
});

test('初审, 复审 and 终审 each read the article on their task and approve it', async () => {
  assert.ok(made.title, 'the article was written');
  for (const person of reviewers) {
    const page = await staffPage(person);
    await open(page, `${intranet}/workflow/inbox`);
    const row = page.locator('table.wf-inbox tbody tr', { hasText: made.title }).filter({ hasText: person.step });
    assert.equal(await row.count(), 1, `${person.name} has the ${person.step} task`);
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), row.getByRole('link', { name: made.title }).click()]);
    const preview = page.locator('.article-preview');
    assert.match(await preview.textContent(), /市民可在门户网站办事/);
    assert.equal(await preview.locator('script, [onerror]').count(), 0, 'the task shows the cleaned body');
    await submit(page, 'Claim');
    const handle = page.getByRole('region', { name: 'Handle' });
    await handle.getByLabel(person.outcome, { exact: true }).check();
    await handle.getByLabel('Opinion', { exact: true }).fill(`${person.step}同意`);
    await submit(page, 'Submit');
    assert.equal(await page.getByRole('alert').count(), 0, `${person.step} was accepted`);
    assert.equal(pathOf(page), '/workflow/inbox');
    await page.context().close();
  }
});

test('the published article is on its column, in the RSS feed, the sitemap and the search', async () => {
  assert.ok(made.path, 'the article was written and reviewed');
  const page = await publicPage();
  await openUntil(page, `${internet}/columns/headlines`, made.title);
  await expectNoAxeViolations(page, '/columns/headlines');
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.getByRole('link', { name: made.title }).click()]);
  assert.equal(pathOf(page), made.path);
  assert.equal(await page.locator('h1').textContent(), made.title);
  assert.equal(await page.locator('.article-body script, .article-body [onerror]').count(), 0);
  assert.equal(await page.locator('.article-body img').count(), 1, 'only the site\'s own image is kept');
  assert.match(await page.locator('.article-body').textContent(), /宣传周今天启动/);
  assert.match(await page.locator('dl.article-facts').textContent(), /示范市人民政府办公室/);
  await expectNoAxeViolations(page, '/articles/{id}');

  const rss = await page.request.get(`${internet}/columns/headlines/rss.xml`);
  assert.equal(rss.status(), 200);
  assert.match(rss.headers()['content-type'], /application\/rss\+xml/);
  assert.ok((await rss.text()).includes(`<title>${made.title}</title>`), 'the feed lists the article');
  const sitemap = await page.request.get(`${internet}/sitemap.xml`);
  assert.ok((await sitemap.text()).includes(`${made.path}</loc>`), 'the sitemap lists the article');

  await openUntil(page, `${internet}/search?q=${encodeURIComponent(made.word)}`, made.path);
  const hit = page.locator('ol.search-hits li').first();
  assert.equal(await hit.getByRole('link').getAttribute('href'), made.path, 'the article is the first hit');
  assert.equal(await page.locator('aside.facets').count(), 1, 'facets are offered');
  await expectNoAxeViolations(page, '/search');
  const api = await page.request.get(`${internet}/api/v1/search?q=${encodeURIComponent(made.word)}`);
  assert.equal((await api.json()).hits[0].url, made.path);
  await page.context().close();
});

test('hostile text in the search box is shown as text', async () => {
  const page = await publicPage();
  const hostile = `"><script>alert('q')</script>' OR 1=1 -- ＜全角＞`;
  await open(page, `${internet}/search?q=${encodeURIComponent(hostile)}`);
  assert.equal(await page.locator('#s-q').inputValue(), hostile, 'the box keeps what was typed');
  assert.equal(await page.locator('main script').count(), 0);
  await expectNoAxeViolations(page, '/search with hostile input');
  await open(page, `${internet}/search?q=${encodeURIComponent('x'.repeat(5000))}`);
  await page.context().close();
});
