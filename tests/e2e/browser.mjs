// Shared helpers for the browser tests: the server URLs that scripts/test.sh
// exports, one headless Debian chromium per test file, and an axe-core check.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const axeSource = readFileSync(path.join(root, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

// The chromium flags keep it off the network: this machine only has loopback.
const launchArgs = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const axeTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

// Base URL of one zone ('internet', 'intranet' or 'exchange'), without a
// trailing slash. Throws with instructions when the suite runs outside
// scripts/test.sh.
export function zoneUrl(zone) {
  const name = `YIWANG_E2E_${zone.toUpperCase()}`;
  const url = process.env[name];
  if (!url) {
    throw new Error(
      `${name} is not set: the browser tests need a running yiwang server. ` +
        'Run scripts/test.sh, which starts one and exports YIWANG_E2E_INTERNET, ' +
        'YIWANG_E2E_INTRANET and YIWANG_E2E_EXCHANGE.',
    );
  }
  return url.replace(/\/+$/, '');
}

export function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.YIWANG_E2E_CHROMIUM || '/usr/bin/chromium',
    args: launchArgs,
  });
}

// A new context. bypassCSP lets the test inject axe-core although the pages
// send "script-src 'self'"; it changes nothing the pages themselves do.
export function newContext(browser, options = {}) {
  return browser.newContext({ bypassCSP: true, locale: 'en-US', ...options });
}

function describeViolations(violations) {
  return violations
    .map((v) => {
      const nodes = v.nodes
        .map((n) => `    ${JSON.stringify(n.target)}${n.failureSummary ? `\n      ${n.failureSummary.replace(/\n/g, '\n      ')}` : ''}`)
        .join('\n');
      return `- ${v.id} (${v.impact}): ${v.help}\n  ${v.helpUrl}\n${nodes}`;
    })
    .join('\n');
}

// Runs axe-core on the page as loaded and asserts there is no violation.
export async function expectNoAxeViolations(page, label = page.url()) {
  const hasAxe = await page.evaluate(() => typeof window.axe !== 'undefined');
  if (!hasAxe) await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(
    (values) => window.axe.run(document, { runOnly: { type: 'tag', values } }),
    axeTags,
  );
  const { violations } = result;
  assert.equal(
    violations.length,
    0,
    `${violations.length} accessibility violation(s) on ${label}:\n${describeViolations(violations)}`,
  );
  // Guard against a vacuous pass: axe must actually have checked something.
  assert.ok(result.passes.length > 0, `axe-core ran no checks on ${label}`);
}

// Loads a URL, asserting the HTTP status, and returns the response.
export async function open(page, url, status = 200) {
  const response = await page.goto(url, { waitUntil: 'load' });
  assert.ok(response, `no response for ${url}`);
  assert.equal(response.status(), status, `HTTP status of ${url}`);
  return response;
}
