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

// ---- Issue 15: any screen, paper, every reader, honest controls, share -------------------

const axeSource = fs.readFileSync(path.join(here, 'node_modules/axe-core/axe.min.js'), 'utf8');
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1440, height: 1000 };
let reports = null;

// The two reports (a 2,000-run forecast, seed 2's run) and the run's trace, made once.
function makeReports() {
  if (reports) return reports;
  const fr = path.join(artefacts, 'forecast-report-15.html');
  const rr = path.join(artefacts, 'run-report-15.html');
  execFileSync(truce, ['forecast', '-n', '2000', '--quiet', '--report', fr], { stdio: 'inherit' });
  const json = execFileSync(truce, ['run', '--seed', '2', '--format', 'json', '--report', rr], { stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 28 });
  reports = { fr, rr, trace: JSON.parse(json.toString()) };
  return reports;
}

async function openReport(file, viewport) {
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  await page.route('**/*', (route) => (route.request().url().startsWith('file:') ? route.continue() : route.abort()));
  await page.goto(pathToFileURL(file).href);
  await page.waitForFunction(() => document.body.dataset.chartsReady !== undefined, null, { timeout: 30_000 });
  return page;
}

async function noOverflow(page, what) {
  const [sw, iw] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(sw <= iw, `${what}: the page is ${sw} px wide in a ${iw} px window`);
}

// axe-core's critical and serious violations, as "rule: target" lines.
async function axe(page) {
  await page.addScriptTag({ content: axeSource });
  const v = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
    .filter((x) => x.impact === 'critical' || x.impact === 'serious')
    .map((x) => x.id + ' (' + x.impact + '): ' + x.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')));
  return v;
}

async function openPage(viewport, query) {
  const page = await context.newPage();
  await page.setViewportSize(viewport);
  await page.goto(baseUrl + (query || ''));
  await page.waitForFunction(() => document.body.dataset.ready === '1');
  return page;
}

// Opens the parameter group holding `sel` (clicking its summary would close an open one).
async function openGroup(page, sel) {
  await page.evaluate((sel) => { document.querySelector(sel).closest('details').open = true; }, sel);
}

async function forecastOnce(page, n) {
  const k = Number(await page.evaluate(() => document.body.dataset.results || '0'));
  await page.fill('#n', String(n));
  await page.click('#run');
  await waitResults(page, k + 1);
}

test('reports: no horizontal overflow at 390 px, 0 serious axe violations, screenshots at both widths', { timeout: LONG }, async () => {
  const { fr, rr } = makeReports();
  for (const [file, name] of [[fr, 'forecast-report'], [rr, 'run-report']]) {
    for (const [vp, tag] of [[DESKTOP, 'desktop'], [PHONE, 'phone']]) {
      const page = await openReport(file, vp);
      await noOverflow(page, `${name} at ${vp.width} px`);
      await page.screenshot({ path: path.join(artefacts, `${name}-${tag}.png`), fullPage: true });
      if (tag === 'desktop') {
        if (name === 'forecast-report') {
          assert.ok(await page.locator('#why-table tbody tr').count() > 0, 'the report says why the talks failed');
          assert.match(await page.locator('body').textContent(), /Ceasefire breakdowns: \d+ over 2000 runs/);
        }
        assert.deepEqual(await axe(page), [], `${name}: axe-core critical/serious violations`);
        // Every chart has a text alternative and a data table.
        const bad = await page.evaluate(() => [...document.querySelectorAll('.chart')].filter((c) =>
          !c.getAttribute('aria-label') || !c.parentElement.querySelector('details.data table')).map((c) => c.id));
        assert.deepEqual(bad, [], 'charts without a label or a data table');
      }
      await page.close();
    }
  }
});

test('a printed run report shows every talk round and splits no chart', { timeout: LONG }, async () => {
  const { rr, trace } = makeReports();
  const rounds = trace.rounds.length;
  assert.ok(rounds > 10, `seed 2 has ${rounds} talk rounds`);
  const page = await openReport(rr, DESKTOP);
  await page.emulateMedia({ media: 'print' });
  const r = await page.evaluate(() => {
    const box = document.querySelector('#rounds-table').closest('.scroll');
    const b = box.getBoundingClientRect();
    const rows = [...document.querySelectorAll('#rounds-table tbody tr')];
    const clipped = rows.filter((tr) => { const x = tr.getBoundingClientRect(); return x.height === 0 || x.bottom > b.bottom + 0.5 || x.top < b.top - 0.5; }).length;
    const cs = getComputedStyle(box);
    const charts = [...document.querySelectorAll('.chart')].map((c) => getComputedStyle(c).breakInside);
    return { rows: rows.length, clipped, maxHeight: cs.maxHeight, overflow: cs.overflowY, fits: box.scrollHeight <= box.clientHeight + 1, charts };
  });
  assert.equal(r.rows, rounds, 'one row per talk round');
  assert.equal(r.clipped, 0, 'no round row is clipped in print');
  assert.equal(r.maxHeight, 'none');
  assert.ok(r.fits, 'the rounds box shows all its content in print');
  assert.ok(r.charts.every((x) => x === 'avoid'), `charts do not split: ${r.charts}`);
  const pdf = await page.pdf({ format: 'A4', printBackground: true });
  fs.writeFileSync(path.join(artefacts, 'run-report.pdf'), pdf);
  assert.ok(pdf.length > 10_000);
  // The PDF has more pages than a clipped table would give (every round on paper).
  const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) || []).length;
  assert.ok(pages >= Math.ceil(rounds / 40), `${pages} A4 pages for ${rounds} rounds`);
  await page.close();
});

test('workbench: phone layout, accessibility, stale mark, confirm, inline errors', { timeout: 2 * LONG }, async () => {
  const page = await openPage(PHONE);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await noOverflow(page, 'workbench at 390 px (no results)');
  // The controls come above the results on a phone.
  const [asideBottom, mainTop] = await page.evaluate(() => [document.querySelector('aside').getBoundingClientRect().bottom, document.querySelector('main').getBoundingClientRect().top]);
  assert.ok(asideBottom <= mainTop + 1, 'controls above the results');
  await forecastOnce(page, 1000);
  await noOverflow(page, 'workbench at 390 px (a forecast)');
  // The report's dated tables and the why table are on the page too.
  const at = await page.evaluate(() => window.truceApp.lastResults[0].summary.at.length);
  assert.equal(await page.locator('#events-table thead th').count(), at + 1, 'events by date at every reported date');
  assert.equal(await page.locator('#states-table thead th').count(), at + 1, 'states at every reported date');
  assert.ok(await page.locator('#why-table tbody tr').count() > 0, 'why the talks failed, per period');
  assert.match(await page.locator('#why-table').textContent(), /over 1000 runs/);
  // What broke each side that collapsed, under the states table (labels from the server).
  const causes = await page.locator('.collapse-causes').allTextContents();
  assert.ok(causes.some((t) => /^How Ukraine collapsed \(\d+\.\d% of runs by the horizon\): the front past its threshold \d/.test(t)), causes.join(' | '));
  await page.screenshot({ path: path.join(artefacts, 'workbench-phone.png'), fullPage: true });
  assert.deepEqual(await axe(page), [], 'workbench (a forecast): axe-core critical/serious violations');

  // An edit marks the results out of date; a new run clears the mark.
  assert.equal(await page.locator('#stale-mark').count(), 0);
  const knob = 'input[name="actors.russia.positions.territory"]';
  await page.locator(`details.group:has(${knob}) > summary`).click();
  await page.fill(knob, '60');
  await page.press(knob, 'Tab');
  await page.waitForSelector('#stale-mark');
  assert.match(await page.locator('#stale-mark').textContent(), /Out of date/);
  await forecastOnce(page, 1000);
  assert.equal(await page.locator('#stale-mark').count(), 0, 'a new run clears the mark');

  // A value out of range is said inline, as typed, with the catalogue's message.
  await page.fill(knob, '150');
  await page.waitForFunction((k) => document.querySelector(k).getAttribute('aria-invalid') === 'true', knob);
  assert.match(await page.locator(`.knob:has(${knob}) .invalid`).textContent(), /out of range/);
  await page.fill(knob, '60');
  await page.waitForFunction((k) => document.querySelector(k).getAttribute('aria-invalid') === 'false', knob);

  // Switching scenario with unsaved edits asks first: dismissing keeps everything.
  const other = await page.evaluate(() => [...document.querySelectorAll('#scenario-select option')].map((o) => o.value).find((v) => v !== document.getElementById('scenario-select').value && v !== '__upload'));
  let asked = '';
  page.once('dialog', (d) => { asked = d.message(); d.dismiss(); });
  await page.selectOption('#scenario-select', other);
  await page.waitForFunction(() => true);
  assert.match(asked, /unsaved edit/);
  assert.equal(await page.inputValue(knob), '60', 'the edit survives a dismissed switch');
  page.once('dialog', (d) => d.accept());
  await page.selectOption('#scenario-select', other);
  await page.waitForFunction((o) => document.getElementById('scenario-info').textContent && window.truceApp.cfg.A.scenario === o, other);
  assert.equal(await page.locator('.knob.edited').count(), 0, 'accepting switches and drops the edits');
  assert.equal(await page.locator('#stale-mark').count(), 1, 'the switch marks the results out of date');

  // One run: the rounds carry their reason; the rounds box is reachable by keyboard.
  await page.click('#run-one');
  await page.waitForFunction(() => document.body.dataset.single === '1');
  await noOverflow(page, 'workbench at 390 px (one run)');
  assert.equal(await page.locator('.scroll:has(#rounds-table)').getAttribute('tabindex'), '0');
  assert.match(await page.locator('#rounds-table').textContent(), /margin [+-]/);
  assert.deepEqual(await axe(page), [], 'workbench (one run): axe-core critical/serious violations');
  await page.screenshot({ path: path.join(artefacts, 'workbench-phone-one-run.png'), fullPage: true });
  assert.deepEqual(errors, [], 'no JavaScript errors');
  await page.close();

  const desk = await openPage(DESKTOP);
  await forecastOnce(desk, 1000);
  await desk.screenshot({ path: path.join(artefacts, 'workbench-desktop.png'), fullPage: true });
  await desk.close();
});

test('workbench: editing a sampled parameter changes the forecast', { timeout: LONG }, async () => {
  const page = await openPage(DESKTOP);
  const knob = 'input[name="protocol.guarantee_credibility"]';
  assert.match(await page.locator(`.knob:has(${knob}) label`).textContent(), /sampled: an edit fixes it/);
  await openGroup(page, knob);
  await page.fill(knob, '0.2');
  await page.press(knob, 'Tab');
  await page.click('#copy-ab');
  await openGroup(page, knob);
  await page.fill(knob, '1');
  await page.press(knob, 'Tab');
  assert.match(await page.locator(`.knob:has(${knob}) .what`).textContent(), /fixed at this value in every run/);
  await page.fill('#n', '2000');
  await page.click('#compare');
  await waitResults(page, 1);
  assert.notEqual(await chartData(page, 'chart-outcomes-A'), await chartData(page, 'chart-outcomes-B'),
    'guarantee credibility 0.2 and 1 give different forecasts');
  const deltas = await page.locator('#compare-table tbody td:last-child').allTextContents();
  assert.ok(deltas.some((d) => !/^[+-]?0\.0 pts$/.test(d)), `some outcome moves: ${deltas}`);
  await page.close();
});

test('workbench: the URL holds the state; a reload restores controls and results', { timeout: LONG }, async () => {
  const page = await openPage(DESKTOP);
  const knob = 'input[name="actors.russia.positions.territory"]';
  await page.locator(`details.group:has(${knob}) > summary`).click();
  await page.fill(knob, '70');
  await page.press(knob, 'Tab');
  await page.fill('#seed', '9');
  await page.press('#seed', 'Tab');
  await page.fill('#horizon', '80');
  await page.press('#horizon', 'Tab');
  await forecastOnce(page, 1500);
  const before = { url: page.url(), outcomes: await chartData(page, 'chart-outcomes'), head: await page.locator('#results-head b').first().textContent() };
  assert.match(before.url, /\?state=/);
  const fresh = await context.newPage();
  await fresh.goto(before.url);
  await fresh.waitForFunction(() => document.body.dataset.ready === '1');
  await waitResults(fresh, 1);
  assert.equal(await fresh.inputValue(knob), '70');
  assert.equal(await fresh.inputValue('#seed'), '9');
  assert.equal(await fresh.inputValue('#n'), '1500');
  assert.equal(await fresh.inputValue('#horizon'), '80');
  assert.equal(await fresh.locator(`.knob.edited:has(${knob})`).count(), 1);
  assert.equal(await chartData(fresh, 'chart-outcomes'), before.outcomes, 'the same results after the reload');
  await page.close();
  await fresh.close();
});

test('workbench: uploaded observations condition the forecast and are drawn on the fan', { timeout: LONG }, async () => {
  const page = await openPage(DESKTOP);
  const obs = 'date,quantity,value,sd,source\n2026-01-07,km2_held,118500,150,synthetic\n' +
    '2026-01-07,state,fighting,,synthetic\n2026-02-04,km2_held,119800,150,synthetic\n';
  await page.setInputFiles('#observations', { name: 'obs.csv', mimeType: 'text/csv', buffer: Buffer.from(obs) });
  await page.waitForFunction(() => /obs\.csv \(3 rows\)/.test(document.getElementById('observations-info').textContent));
  await forecastOnce(page, 1000);
  const note = await page.locator('#filter-note').textContent();
  assert.match(note, /Conditioned on 3 observations from 2025-12-03 to 2026-02-04/);
  // The default scenario's war began in 2022: its particles start from draws selected by survival.
  assert.match(await page.locator('#selection-note').textContent(), /war began 2022-02-24 \(\d+ weeks before the start\); \d+ of \d+ pilot runs lasted that long; effective sample \d+ of \d+ parameter draws/);
  assert.match(await page.locator('#results-head b').first().textContent(), /conditioned on observations/);
  const fan = JSON.parse(await chartData(page, 'chart-fan'));
  const observed = fan[fan.length - 1].filter((v) => v !== null);
  assert.deepEqual(observed, [118500, 119800], 'the observed points on the fan chart');
  // A bad file: the server's message names the file, line, column and field.
  await page.setInputFiles('#observations', { name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('date,quantity,value,sd,source\n2026-01-07,km2_held,-5,150,x\n') });
  await page.waitForFunction(() => /bad\.csv/.test(document.getElementById('observations-info').textContent));
  await page.click('#run');
  await page.waitForFunction(() => /bad\.csv:2:3: field `value`/.test(document.getElementById('error').textContent));
  // Cleared: the next forecast is unconditioned again.
  await page.click('#clear-observations');
  await forecastOnce(page, 500);
  assert.equal(await page.locator('#filter-note').count(), 0);
  await page.close();
});
