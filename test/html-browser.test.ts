// The HTML reports, opened offline in headless Chromium (Debian's, installed by .ci/run): each view renders
// without console errors, makes no network request, expands, filters and zooms, and runs nothing that came
// from the input. Screenshots go to test-artifacts/ for a person to look at.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { explain } from '../src/explain.js';
import { repoRoot, runCli, tempDir } from './helpers.js';
import { renderHtml } from '../src/render/html-report.js';

const CHROMIUM = '/usr/bin/chromium';
const artifacts = join(repoRoot, 'test-artifacts');
const available = existsSync(CHROMIUM);
// In CI a missing browser is a failure, not a skip: .ci/run installs it.
const skip =
  !available && process.env['CI'] === undefined ? 'Chromium is not installed (apt-get install chromium)' : false;

async function makeReport(args: string[]): Promise<string> {
  const dir = tempDir('goroscope-html-');
  const out = join(dir, 'report.html');
  // Flags go before a `--`, after which everything belongs to the command that stress runs.
  const dashDash = args.indexOf('--');
  const flags = ['--format', 'html', '-o', out];
  const argv = dashDash === -1 ? [...args, ...flags] : [...args.slice(0, dashDash), ...flags, ...args.slice(dashDash)];
  const run = await runCli(argv);
  assert.ok(run.code === 0 || run.code === 1, `exit ${run.code}: ${run.stderr}`);
  return out;
}

interface Opened {
  page: Page;
  errors: string[];
  requests: string[];
}

describe('HTML report in headless Chromium', { skip }, () => {
  let browser: Browser;
  before(async () => {
    mkdirSync(artifacts, { recursive: true });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });
  after(async () => {
    await browser?.close();
  });

  async function open(file: string, viewport = { width: 1280, height: 900 }): Promise<Opened> {
    const context = await browser.newContext({ viewport, javaScriptEnabled: true });
    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 10_000 });
    return { page, errors, requests };
  }

  function assertOffline(opened: Opened, file: string): void {
    assert.deepEqual(opened.errors, [], 'no console errors');
    assert.deepEqual(
      opened.requests.filter((url) => url !== pathToFileURL(file).href),
      [],
      'no request but the file itself',
    );
  }

  it('crash view: diagnosis, groups that expand and filter, flame graph that zooms', async () => {
    const file = await makeReport(['explain', join(repoRoot, 'examples', 'store-crash.log')]);
    const opened = await open(file);
    const { page } = opened;
    assert.equal(await page.locator('section.crash').count(), 1);
    assert.match((await page.locator('section.crash h2').first().textContent()) ?? '', /concurrent_map_writes/);
    const groups = page.locator('details.group');
    const total = await groups.count();
    assert.ok(total >= 2, `several goroutine groups (${total})`);
    const second = groups.nth(1);
    assert.equal(await second.getAttribute('open'), null);
    await second.locator('summary').click();
    assert.notEqual(await second.getAttribute('open'), null, 'a click expands a group');
    await page.locator('section.crash input[type=search]').first().fill('no-such-function-anywhere');
    assert.equal(await page.locator('details.group:visible').count(), 0, 'filtering hides groups that do not match');
    await page.locator('section.crash input[type=search]').first().fill('');
    assert.equal(await page.locator('details.group:visible').count(), total);
    const canvas = page.locator('.flame canvas').first();
    const box = await canvas.boundingBox();
    assert.ok(box && box.width > 100 && box.height > 10, 'the flame graph is drawn');
    await canvas.click({ position: { x: 5, y: 27 } });
    await canvas.press('Escape');
    await page.screenshot({ path: join(artifacts, 'crash-view.png'), fullPage: true });
    assertOffline(opened, file);
  });

  it('a panic value holding <script> and <img onerror> runs nothing and shows as text', async () => {
    const file = await makeReport([
      'explain',
      join(repoRoot, 'testdata', 'html', 'hostile-panic', 'hostile-panic.log'),
    ]);
    const opened = await open(file);
    const { page } = opened;
    assert.equal(await page.evaluate('window.__goroscopeXss'), undefined);
    assert.equal(await page.locator('main img').count(), 0, 'no <img> element from the log');
    const text = (await page.locator('main').textContent()) ?? '';
    assert.ok(text.includes('<script>window.__goroscopeXss = 1</script>'), 'the payload is visible as text');
    await page.screenshot({ path: join(artifacts, 'hostile-panic.png'), fullPage: true });
    assertOffline(opened, file);
  });

  it('profile view: hot spots table and flame graph', async () => {
    const dir = join(repoRoot, 'testdata', 'profiles', 'go1.26.8');
    const file = await makeReport(['profile', join(dir, 'mutex.pb.gz'), join(dir, 'cpu.pb.gz')]);
    const opened = await open(file);
    const { page } = opened;
    assert.equal(await page.locator('section.profile').count(), 2);
    assert.ok((await page.locator('section.profile table tr').count()) >= 2);
    assert.equal(await page.locator('.flame canvas').count(), 2);
    await page.screenshot({ path: join(artifacts, 'profile-view.png'), fullPage: true });
    assertOffline(opened, file);
  });

  it('race view: each distinct race once, both stacks side by side, with its tests', async () => {
    const file = await makeReport(['explain', join(repoRoot, 'testdata', 'race-logs', 'go1.26.8', 'module-v.log')]);
    const opened = await open(file);
    const { page } = opened;
    const races = page.locator('section.race');
    assert.equal(await races.count(), 4, 'module-v.log has four distinct races (marked in testdata/races/module)');
    const first = races.first();
    assert.equal(await first.locator('.sides > div').count(), 2, 'current and previous side by side');
    assert.ok((await first.locator('.sides ol.frames li.user').count()) >= 2, 'user frames emphasised on both sides');
    assert.match((await first.textContent()) ?? '', /Tests: Test/);
    await page.screenshot({ path: join(artifacts, 'race-view.png'), fullPage: true });
    assertOffline(opened, file);
  });

  it('runs view of goroscope stress: per-test runs and failures, then the races', async () => {
    const log = join(repoRoot, 'testdata', 'race-logs', 'go1.26.8', 'module-v.log');
    const file = await makeReport(['stress', '--count', '2', '--', 'sh', '-c', `cat '${log}'; exit 1`]);
    const opened = await open(file);
    const { page } = opened;
    const tabs = page.locator('nav button');
    assert.equal(await tabs.first().textContent(), 'Runs');
    assert.match((await page.locator('main').textContent()) ?? '', /2 run\(s\)/);
    await tabs.nth(1).click();
    assert.equal(await page.locator('section.race').count(), 4);
    await tabs.nth(1).press('ArrowLeft');
    assert.match((await page.locator('main').textContent()) ?? '', /2 run\(s\)/, 'arrow keys move between tabs');
    await page.screenshot({ path: join(artifacts, 'stress-view.png'), fullPage: true });
    assertOffline(opened, file);
  });

  it('lint view: findings grouped by rule with code frames and a filter', async () => {
    const rules = join(repoRoot, 'testdata', 'rules');
    const file = await makeReport(['lint', join(rules, 'double-close'), join(rules, 'nil-map-write')]);
    const opened = await open(file);
    const { page } = opened;
    const groups = page.locator('main .card h2');
    assert.equal(await groups.count(), 2, 'one group per rule');
    const findings = page.locator('main details');
    const total = await findings.count();
    assert.ok(total >= 4, `findings listed (${total})`);
    assert.ok((await page.locator('main pre.src .focus').count()) >= total, 'each finding shows its line');
    await page.locator('main input[type=search]').fill('nil-map-write');
    const visible = await page.locator('main details:visible').count();
    assert.ok(visible > 0 && visible < total, 'the filter narrows the findings');
    assert.equal(await page.locator('main .card:visible').count(), 1, 'a rule with no matching finding is hidden');
    await page.screenshot({ path: join(artifacts, 'lint-view.png'), fullPage: true });
    assertOffline(opened, file);
  });

  it('a flame graph of 150,000 frames draws, zooms and highlights', async () => {
    // Constructed: the real example crash with its goroutine groups replaced by 25,000 distinct 6-frame stacks.
    const base = await explain([join(repoRoot, 'examples', 'store-crash.log')], { srcDir: false });
    const crash = base.crashes[0];
    assert.ok(crash);
    const groups = [];
    for (let i = 0; i < 25_000; i++) {
      const frames = [];
      for (let depth = 0; depth < 6; depth++)
        frames.push({ function: `main.f${i}_${depth}`, file: '/app/main.go', line: depth + 1 });
      groups.push({
        count: 1 + (i % 7),
        state: 'chan receive',
        waitMinutes: [0, 0] as [number, number],
        culprit: null,
        frames,
        goroutineIds: [i],
        crashing: false,
      });
    }
    const big = { ...base, crashes: [{ ...crash, groups, goroutineCount: groups.length }] };
    const dir = tempDir('goroscope-html-');
    const file = join(dir, 'big.html');
    writeFileSync(file, renderHtml({ title: 'big flame graph', explain: big }));
    const opened = await open(file);
    const { page } = opened;
    const canvas = page.locator('.flame canvas').first();
    const box = await canvas.boundingBox();
    assert.ok(box && box.height > 100, 'drawn');
    const drawMs = Number(
      await page.evaluate(
        "(() => { const t = performance.now(); window.dispatchEvent(new Event('resize')); return performance.now() - " +
          't; })()',
      ),
    );
    await canvas.click({ position: { x: 10, y: 27 } });
    await page.locator('.flame input[type=search]').fill('main.f1_');
    assert.match((await page.locator('.flame .controls .muted').textContent()) ?? '', /^matched \d+ of \d+/);
    // Printed, not asserted: speed belongs to benchmarks, not tests.
    console.log(`flame graph: 150,000 frames redrawn in ${drawMs.toFixed(1)} ms`);
    assertOffline(opened, file);
  });

  it('is readable on a phone-sized screen and navigable by keyboard', async () => {
    const file = await makeReport(['explain', join(repoRoot, 'examples', 'store-crash.log')]);
    const opened = await open(file, { width: 390, height: 844 });
    const { page } = opened;
    const overflow = Number(
      await page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth'),
    );
    assert.ok(overflow <= 1, `no horizontal scrolling of the page (${overflow}px)`);
    await page.keyboard.press('Tab');
    const focused = String(await page.evaluate('document.activeElement && document.activeElement.tagName'));
    assert.ok(focused && focused !== 'BODY', 'Tab reaches a control');
    await page.screenshot({ path: join(artifacts, 'crash-view-phone.png'), fullPage: true });
    assertOffline(opened, file);
  });
});
