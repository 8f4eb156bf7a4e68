// A real headless browser for tests: playwright-core driving Debian's chromium (no browser
// download). `withPage` opens a local file, collects console errors, page errors and any request
// that leaves the machine, runs the check, and always closes the browser. Without chromium the
// browser tests are skipped with a message, except under CI, where a missing browser is a failure
// (.ci/run installs it).
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Page } from 'playwright-core';

export const CHROMIUM = process.env.BERTH_CHROMIUM ?? '/usr/bin/chromium';

/** The repository's test-output/ (gitignored): screenshots and other artifacts of test runs. */
export const TEST_OUTPUT = join(dirname(fileURLToPath(import.meta.url)), '../../../test-output');

/** Why browser tests cannot run here, or undefined when they can; throws under CI. */
export function browserSkipReason(): string | undefined {
  if (existsSync(CHROMIUM)) return undefined;
  const why = `${CHROMIUM} not found: install it with \`apt-get install -y chromium\` (or set BERTH_CHROMIUM) to run the browser tests`;
  if (process.env.CI) throw new Error(`CI is set and ${why}`);
  return why;
}

/** Output file path under test-output/, its directory created. */
export function artifactPath(...parts: string[]): string {
  const path = join(TEST_OUTPUT, ...parts);
  mkdirSync(dirname(path), { recursive: true });
  return path;
}

export async function withPage<T>(
  htmlPath: string,
  check: (page: Page, consoleErrors: string[]) => Promise<T>,
): Promise<T> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'],
    timeout: 60_000,
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
    const errors: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(`console: ${msg.text()}`);
    });
    page.on('pageerror', (err) => errors.push(`page error: ${err.message}`));
    page.on('request', (req) => {
      if (!req.url().startsWith('file:')) errors.push(`network request at view time: ${req.url()}`);
    });
    page.on('requestfailed', (req) => errors.push(`request failed: ${req.url()}`));
    await page.goto(pathToFileURL(resolve(htmlPath)).href, { waitUntil: 'load' });
    return await check(page, errors);
  } finally {
    await browser.close();
  }
}
