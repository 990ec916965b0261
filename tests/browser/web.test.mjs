// Browser tests of `truce serve` and of the HTML reports, in headless Debian Chromium.
// Run by scripts/test-browser.sh. Screenshots go to target/browser-artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const truce = process.env.TRUCE_BIN || path.join(root, 'target/release/truce');
const artefacts = path.join(root, 'target/browser-artifacts');
const chromiumPath = process.env.CHROMIUM || '/usr/bin/chromium';
const LONG = 240_000;

let server, baseUrl, context, userDir;

function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
  });
}

function startServer(port) {
  return new Promise((resolve, reject) => {
    const p = spawn(truce, ['serve', '--port', String(port), '--max-runs', '100000', '--max-jobs', '2'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    const timer = setTimeout(() => reject(new Error('server did not start: ' + out + err)), 20_000);
    p.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m) { clearTimeout(timer); resolve({ proc: p, url: m[1] }); }
    });
    p.stderr.on('data', (d) => { err += d; });
    p.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited with ${code}: ${err}`)); });
  });
}

before(async () => {
  fs.mkdirSync(artefacts, { recursive: true });
  const port = await freePort();
  const s = await startServer(port);
  server = s.proc; baseUrl = s.url;
  userDir = fs.mkdtempSync(path.join(os.tmpdir(), 'truce-chromium-'));
  context = await chromium.launchPersistentContext(userDir, {
    executablePath: chromiumPath,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1440, height: 1000 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  if (context) await context.close();
  if (server) server.kill('SIGINT');
  if (userDir) fs.rmSync(userDir, { recursive: true, force: true });
});

// The data of every series of a chart, as JSON.
async function chartData(page, id) {
  return page.evaluate((id) => {
    const ch = echarts.getInstanceByDom(document.getElementById(id));
    return JSON.stringify(ch.getOption().series.map((s) => s.data));
  }, id);
}

async function drawn(page, id) {
  return page.locator(`#${id} svg path`).count();
}

async function waitResults(page, n) {
  await page.waitForFunction((n) => document.body.dataset.results === String(n), n, { timeout: LONG });
}

test('workbench: edit, run, chart moves, compare, download and re-upload', { timeout: 2 * LONG }, async () => {
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(baseUrl);
  await page.waitForFunction(() => document.body.dataset.ready === '1');
  await page.fill('#n', '4000');

  // Run the default scenario.
  await page.click('#run');
  await waitResults(page, 1);
  for (const id of ['outcomes', 'terms', 'fan', 'casualties', 'range', 'sensitivity']) {
    assert.ok(await drawn(page, 'chart-' + id) > 3, `chart ${id} drew paths`);
  }
  const before1 = { outcomes: await chartData(page, 'chart-outcomes'), terms: await chartData(page, 'chart-terms') };
  await page.screenshot({ path: path.join(artefacts, 'workbench-run.png'), fullPage: true });

  // Change a parameter: Russia's territorial position, and run again.
  const knob = 'input[name="actors.russia.positions.territory"]';
  await page.locator(`details.group:has(${knob}) > summary`).click();
  await page.fill(knob, '60');
  await page.press(knob, 'Tab');
  assert.ok(await page.locator(`.knob.edited:has(${knob})`).count() === 1, 'the knob is marked edited');
  await page.click('#run');
  await waitResults(page, 2);
  const after1 = { outcomes: await chartData(page, 'chart-outcomes'), terms: await chartData(page, 'chart-terms') };
  assert.notEqual(after1.outcomes, before1.outcomes, 'the outcome chart changed');
  assert.notEqual(after1.terms, before1.terms, 'the terms chart changed');
  await page.screenshot({ path: path.join(artefacts, 'workbench-edited.png'), fullPage: true });

  // Compare: B = the edited configuration, A = the base one, same seed.
  await page.click('#copy-ab');
  await page.click('#tab-A');
  await page.click('#reset');
  await page.click('#compare');
  await waitResults(page, 3);
  assert.ok(await drawn(page, 'chart-fan-A') > 3 && await drawn(page, 'chart-fan-B') > 3, 'both fan charts drawn');
  assert.notEqual(await chartData(page, 'chart-outcomes-A'), await chartData(page, 'chart-outcomes-B'));
  assert.equal(await chartData(page, 'chart-outcomes-A'), before1.outcomes, 'A on the same seed reproduces the first run');
  assert.equal(await chartData(page, 'chart-outcomes-B'), after1.outcomes, 'B on the same seed reproduces the edited run');
  const heads = await page.locator('#compare-table thead th').allTextContents();
  assert.equal(heads.length, 4, 'outcome, A, B and B − A columns');
  await page.screenshot({ path: path.join(artefacts, 'workbench-compare.png'), fullPage: true });

  // Download the edited scenario (B) and re-upload it into A.
  await page.click('#tab-B');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-toml')]);
  const saved = path.join(artefacts, 'edited.toml');
  await download.saveAs(saved);
  const text = fs.readFileSync(saved, 'utf8');
  assert.match(text, /edited \(was 100\)/);
  await page.click('#tab-A');
  await page.setInputFiles('#upload', saved);
  await page.waitForFunction(() => document.getElementById('scenario-info').textContent.startsWith('edited.toml: ok'));
  assert.equal(await page.inputValue(knob), '60', 'the uploaded file carries the edit');
  assert.equal(await page.locator('.knob.edited').count(), 0, 'and it is the new base, not an edit');

  // A bad upload shows the CLI's located message; the page keeps working.
  await page.setInputFiles('#upload', { name: 'bad.toml', mimeType: 'text/plain', buffer: Buffer.from('[scenario]\nname = \n') });
  await page.waitForSelector('#error:has-text("bad.toml:2")');

  // One traced run: the line with talk rounds marked, every round's decisions.
  await page.click('#run-one');
  await page.waitForFunction(() => document.body.dataset.single === '1');
  assert.ok(await drawn(page, 'chart-line') > 3, 'the run chart drew');
  assert.ok(await page.locator('#rounds-table tbody tr').count() > 0, 'talk rounds listed');
  await page.screenshot({ path: path.join(artefacts, 'workbench-one-run.png'), fullPage: true });

  // Cancel a long run: the partial result is shown.
  await page.fill('#n', '100000');
  await page.click('#run');
  await page.waitForFunction(() => !document.getElementById('cancel').disabled);
  await page.click('#cancel');
  await waitResults(page, 4);
  const head = await page.locator('#results-head').textContent();
  assert.match(head, /cancelled|100000 runs/);
  // Re-run on every change: editing the talk cadence alone starts a forecast.
  await page.check('#autorun');
  await page.fill('#n', '3000');
  const k2 = 'input[name="protocol.cadence_weeks"]';
  await page.fill(k2, '6');
  await page.press(k2, 'Tab');
  await waitResults(page, 5);
  assert.match(await page.locator('#results-head').textContent(), /protocol\.cadence_weeks = 6 \(was 2\)/);
  await page.screenshot({ path: path.join(artefacts, 'workbench-autorun.png'), fullPage: true });

  const info = await page.evaluate(async () => (await fetch('/api/info')).json());
  assert.equal(info.max_runs, 100000);
  assert.deepEqual(errors, [], 'no JavaScript errors');
  await page.close();
});

test('reports open offline in Chromium and draw their charts', { timeout: LONG }, async () => {
  const fr = path.join(artefacts, 'forecast-report.html');
  const rr = path.join(artefacts, 'run-report.html');
  execFileSync(truce, ['forecast', '-n', '2000', '--quiet', '--report', fr], { stdio: 'inherit' });
  execFileSync(truce, ['run', '--seed', '2', '--format', 'json', '--report', rr], { stdio: ['ignore', 'ignore', 'inherit'] });
  for (const [file, ids] of [[fr, ['outcomes', 'terms', 'fan', 'casualties', 'range', 'sensitivity']], [rr, ['line', 'proposals', 'margins', 'run-casualties']]]) {
    const html = fs.readFileSync(file, 'utf8');
    for (const m of html.matchAll(/<(script|link)\b[^>]*>/gi)) {
      assert.doesNotMatch(m[0], /(src|href)\s*=|https?:|\/\//i, `external reference: ${m[0]}`);
    }
    const page = await context.newPage();
    const requests = [];
    await page.route('**/*', (route) => {
      const u = route.request().url();
      requests.push(u);
      return u.startsWith('file:') ? route.continue() : route.abort();
    });
    await page.goto(pathToFileURL(file).href);
    await page.waitForFunction(() => document.body.dataset.chartsReady !== undefined, null, { timeout: 30_000 });
    for (const id of ids) {
      const n = await drawn(page, 'chart-' + id);
      assert.ok(n > 3, `${path.basename(file)}: chart ${id} drew ${n} paths`);
    }
    assert.deepEqual(requests.filter((u) => !u.startsWith('file:')), [], 'no network request');
    await page.screenshot({ path: file.replace(/\.html$/, '.png'), fullPage: true });
    await page.close();
  }
});
