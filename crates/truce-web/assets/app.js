// truce serve: the forecast workbench. Plain JavaScript, no build step.
'use strict';
(function () {
  const $ = (id) => document.getElementById(id);
  const app = {
    cur: 'A',
    cfg: { A: null, B: null },      // {scenario|toml,file, edits, editor, name}
    charts: {},                     // container id -> echarts instance
    jobs: [],                       // ids being watched
    runs: 0,                        // completed result renders (for tests)
    lastResults: null,
  };
  window.truceApp = app;

  function showError(msg) {
    const e = $('error');
    if (msg) { e.textContent = msg; e.style.display = 'block'; } else { e.textContent = ''; e.style.display = 'none'; }
  }

  // A server started with --allow-remote prints its address as …/#token=TOKEN: keep the
  // token for this tab and send it with every API request (downloads carry it in the query).
  const token = (function () {
    const m = /(?:^#|&)token=([0-9a-f]+)/.exec(location.hash);
    try {
      if (m) sessionStorage.setItem('truce-token', m[1]);
      return m ? m[1] : sessionStorage.getItem('truce-token');
    } catch (_) { return m ? m[1] : null; }
  })();
  app.token = token;
  function withToken(url) { return token ? url + (url.includes('?') ? '&' : '?') + 'token=' + token : url; }

  // State-changing requests carry an explicit type (JSON; an upload is TOML), which the
  // server requires so that no other web page can send them.
  async function api(method, url, body, raw) {
    const opts = { method, headers: {} };
    if (token) opts.headers['Authorization'] = 'Bearer ' + token;
    if (body !== undefined) {
      if (raw) { opts.body = body; opts.headers['Content-Type'] = 'application/toml'; }
      else { opts.body = JSON.stringify(body); opts.headers['Content-Type'] = 'application/json'; }
    } else if (method !== 'GET') {
      opts.body = '{}'; opts.headers['Content-Type'] = 'application/json';
    }
    const r = await fetch(url, opts);
    let j = null;
    try { j = await r.json(); } catch (_) { j = { error: 'HTTP ' + r.status }; }
    if (!r.ok) { const err = new Error(j && j.error ? j.error : 'HTTP ' + r.status); err.status = r.status; throw err; }
    return j;
  }

  function spec(c) {
    const s = { edits: c.edits, label: c.label };
    if (c.toml) { s.toml = c.toml; s.file = c.file; } else { s.scenario = c.scenario; }
    return s;
  }

  function fmt(v) { return Math.round(v * 1e4) / 1e4; }

  function setConfig(key, base, info) {
    app.cfg[key] = Object.assign({ edits: {}, label: key }, base, { editor: info.editor, check: info.check, title: info.title, name: info.name });
  }

  function renderTabs() {
    ['A', 'B'].forEach((k) => $('tab-' + k).classList.toggle('on', app.cur === k));
  }

  function renderKnobs() {
    const c = app.cfg[app.cur];
    const box = $('knobs');
    box.innerHTML = '';
    if (!c) return;
    $('scenario-info').textContent = c.check + (Object.keys(c.edits).length ? ' — ' + Object.keys(c.edits).length + ' edit(s)' : '');
    if (c.scenario && !c.toml) $('scenario-select').value = c.scenario; else $('scenario-select').value = '__upload';
    // The horizon is a run option (like n and seed): empty means the scenario's.
    if (c.editor.horizon_weeks) $('horizon').placeholder = String(c.editor.horizon_weeks);
    const groups = {};
    c.editor.knobs.forEach((k) => { (groups[k.group] = groups[k.group] || []).push(k); });
    Object.keys(groups).forEach((g, gi) => {
      const d = document.createElement('details');
      d.className = 'group';
      if (gi < 3) d.open = true;
      const s = document.createElement('summary');
      s.textContent = g;
      d.appendChild(s);
      groups[g].forEach((k) => {
        const v = k.path in c.edits ? c.edits[k.path] : k.value;
        const div = document.createElement('div');
        div.className = 'knob' + (k.path in c.edits ? ' edited' : '');
        div.dataset.path = k.path;
        const lab = document.createElement('label');
        lab.textContent = k.label + (k.unit ? ' (' + k.unit + ')' : '');
        lab.title = k.path + (k.doc ? '\n' + k.doc : '') + (k.source ? '\nsource: ' + k.source : '');
        if (k.sampled) {
          const b = document.createElement('span');
          b.className = 'badge';
          b.textContent = 'sampled';
          b.title = 'Forecasts draw this parameter from its [uncertainty] distribution and a single run uses its median: the value here is not used.';
          lab.appendChild(b);
        }
        const range = document.createElement('input');
        range.type = 'range'; range.min = k.min; range.max = k.max; range.step = k.step; range.value = v;
        const num = document.createElement('input');
        num.type = 'number'; num.step = k.step; num.value = fmt(v);
        num.name = k.path;
        const set = (x, from) => {
          const val = Number(x);
          if (!Number.isFinite(val)) return;
          if (from !== range) range.value = val;
          if (from !== num) num.value = fmt(val);
          if (Math.abs(val - k.value) < 1e-12) delete c.edits[k.path]; else c.edits[k.path] = val;
          div.classList.toggle('edited', k.path in c.edits);
          $('scenario-info').textContent = c.check + (Object.keys(c.edits).length ? ' — ' + Object.keys(c.edits).length + ' edit(s)' : '');
          onEdit();
        };
        range.addEventListener('input', () => set(range.value, range));
        num.addEventListener('change', () => set(num.value, num));
        div.appendChild(lab); div.appendChild(range); div.appendChild(num);
        d.appendChild(div);
      });
      box.appendChild(d);
    });
  }

  async function loadBuiltin(key, name) {
    const info = await api('GET', '/api/scenarios/' + encodeURIComponent(name));
    setConfig(key, { scenario: name, toml: null, file: null }, info);
  }

  function chartEl(id) {
    let el = $(id);
    return el;
  }

  function draw(containerId, option) {
    const el = chartEl(containerId);
    if (!el) return;
    let ch = app.charts[containerId];
    if (!ch || ch.isDisposed()) { ch = echarts.init(el, null, { renderer: 'svg' }); app.charts[containerId] = ch; }
    ch.setOption(option, true);
  }

  // Side by side, both charts of a pair get the same value axes, so that the eye compares
  // like with like.
  function shareAxes(a, b) {
    if (!a || !b) return;
    ['xAxis', 'yAxis'].forEach((kind) => {
      try {
        const axes = a.getOption()[kind] || [];
        let any = false;
        const upd = axes.map((ax, i) => {
          if (ax.type !== 'value') return {};
          const ea = a.getModel().getComponent(kind, i).axis.scale.getExtent();
          const eb = b.getModel().getComponent(kind, i).axis.scale.getExtent();
          any = true;
          return { min: Math.min(ea[0], eb[0]), max: Math.max(ea[1], eb[1]) };
        });
        if (any) { const o = {}; o[kind] = upd; a.setOption(o); b.setOption(o); }
      } catch (_) { /* keep each chart's own axes */ }
    });
  }

  // "Re-run on every change": debounced; a forecast in progress is cancelled first.
  function onEdit() {
    if (!$('autorun').checked) return;
    clearTimeout(app.debounce);
    app.debounce = setTimeout(() => {
      if (app.jobs.length) { app.pending = true; cancel(); } else { run(); }
    }, 350);
  }

  function editsHtml(i) {
    const key = (app.runKeys || [])[i];
    const edits = (app.runEdits || [])[i] || {};
    const c = app.cfg[key];
    const paths = Object.keys(edits);
    if (!paths.length) return ' — no edits';
    const base = {};
    if (c) c.editor.knobs.forEach((k) => { base[k.path] = k.value; });
    return ' — edits: ' + paths.map((p) => '<code>' + esc(p) + '</code> = ' + fmt(edits[p]) + (p in base ? ' (was ' + fmt(base[p]) + ')' : '')).join(', ');
  }

  function disposeAll() {
    Object.keys(app.charts).forEach((k) => { try { app.charts[k].dispose(); } catch (_) {} });
    app.charts = {};
  }

  function pct(p) { return (p * 100).toFixed(1) + '%'; }

  function downloads(job) {
    const id = job.id;
    const tables = ['at', 'events_by_week', 'states_by_week', 'terms', 'fan', 'km2_change', 'monthly_change',
      'casualties', 'casualties_by_week', 'range_open', 'sensitivity'];
    return '<div class="downloads">Download: <a href="' + withToken('/api/jobs/' + id + '/summary.json') + '" download>JSON</a>' +
      tables.map((t) => '<a href="' + withToken('/api/jobs/' + id + '/csv?table=' + t) + '" download>' + t + '.csv</a>').join('') +
      '<a href="' + withToken('/api/jobs/' + id + '/scenario.toml') + '" download>scenario.toml</a>' +
      '<a href="' + withToken('/api/jobs/' + id + '/report.html') + '" download>report.html</a></div>';
  }

  function esc(s) { return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c])); }

  // [JSON name, label] of each event or state, in the engine's order, from the series of the
  // events and state charts (the page keeps no list of its own).
  function vocabulary(result, chartId) {
    const c = result.charts.find((x) => x.id === chartId);
    return c ? c.option.series.map((s) => [s.id, s.name]) : [];
  }

  function outcomeTable(results) {
    const horizon = (r) => r.summary.at[r.summary.at.length - 1];
    const rows = vocabulary(results[0], 'events').map(([k, label]) => ['events', k, label + ' (by then)'])
      .concat(vocabulary(results[0], 'outcomes').map(([k, label]) => ['states', k, label]));
    let h = '<table id="compare-table"><thead><tr><th>at the horizon (week ' + horizon(results[0]).week + ')</th>';
    results.forEach((r) => { h += '<th class="num">' + esc(r.job.label) + '</th>'; });
    if (results.length === 2) h += '<th class="num">B − A</th>';
    h += '</tr></thead><tbody>';
    rows.forEach(([table, k, label]) => {
      h += '<tr><td>' + esc(label) + '</td>';
      const ps = results.map((r) => horizon(r)[table][k] || { p: NaN, se: NaN });
      ps.forEach((p) => { h += '<td class="num">' + pct(p.p) + ' ± ' + (p.se * 100).toFixed(1) + '</td>'; });
      if (ps.length === 2) {
        const d = ps[1].p - ps[0].p;
        h += '<td class="num">' + (d >= 0 ? '+' : '') + (d * 100).toFixed(1) + ' pts</td>';
      }
      h += '</tr>';
    });
    h += '</tbody></table>';
    return h;
  }

  function renderResults(results) {
    disposeAll();
    app.lastResults = results;
    const head = $('results-head');
    const box = $('results');
    const s0 = results[0].summary;
    head.innerHTML = '<b>' + results.map((r) => esc(r.job.label) + (r.job.interrupted ? ' (cancelled: ' + r.summary.runs + ' runs)' : '')).join(' vs ') +
      '</b> — ' + s0.runs + ' runs, seed ' + s0.seed + ', horizon ' + s0.horizon_weeks + ' weeks' +
      outcomeTable(results) + results.map((r, i) => '<div><b>' + esc(r.job.label) + '</b>' + editsHtml(i) + '<br>' + downloads(r.job) + '</div>').join('');
    let h = '';
    const ids = results[0].charts.map((c) => c.id);
    if (results.length === 1) {
      h += '<section class="grid">';
      results[0].charts.forEach((c) => {
        h += '<div class="card"><h2>' + esc(c.title) + '</h2><p class="caption">' + esc(c.caption) + '</p><div class="chart" id="chart-' + c.id + '"></div></div>';
      });
      h += '</section>';
    } else {
      h += '<div class="cols"><div class="colhead">' + esc(results[0].job.label) + '</div><div class="colhead">' + esc(results[1].job.label) + '</div></div>';
      ids.forEach((id, i) => {
        const c = results[0].charts[i];
        const cb = results[1].charts[i] || c;
        const cap = c.caption === cb.caption ? esc(c.caption) : 'A: ' + esc(c.caption) + '<br>B: ' + esc(cb.caption);
        h += '<div class="card" style="margin-bottom:12px"><h2>' + esc(c.title) + '</h2><p class="caption">' + cap + '</p><div class="cols">' +
          '<div class="chart" id="chart-' + id + '-A"></div><div class="chart" id="chart-' + id + '-B"></div></div></div>';
      });
    }
    box.innerHTML = h;
    if (results.length === 1) {
      results[0].charts.forEach((c) => draw('chart-' + c.id, c.option));
    } else {
      // Same axes on both sides, so that the eye compares like with like.
      results[0].charts.forEach((c, i) => {
        const o = [c.option, results[1].charts[i].option];
        draw('chart-' + c.id + '-A', o[0]);
        draw('chart-' + c.id + '-B', o[1]);
        shareAxes(app.charts['chart-' + c.id + '-A'], app.charts['chart-' + c.id + '-B']);
      });
    }
    app.runs += 1;
    document.body.dataset.results = String(app.runs);
  }

  function busy(on) {
    $('run').disabled = on; $('compare').disabled = on; $('cancel').disabled = !on; $('run-one').disabled = on;
  }

  async function watch(ids) {
    app.jobs = ids;
    busy(true);
    showError('');
    const total = () => 0;
    try {
      for (;;) {
        const st = await Promise.all(ids.map((id) => api('GET', '/api/jobs/' + id)));
        const done = st.reduce((a, s) => a + s.done, 0), tot = st.reduce((a, s) => a + s.total, 0);
        $('progress').max = tot; $('progress').value = done;
        $('status').textContent = st.map((s) => s.label + ': ' + s.state + ' ' + s.done + '/' + s.total).join(' · ');
        const failed = st.find((s) => s.state === 'failed');
        if (failed) throw new Error(failed.error);
        if (st.every((s) => s.state !== 'running')) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const res = await Promise.all(ids.map((id) => api('GET', '/api/jobs/' + id + '/result')));
      renderResults(res);
      $('status').textContent += ' — done';
    } catch (e) {
      showError(e.message);
      $('status').textContent = 'error';
    } finally {
      app.jobs = [];
      busy(false);
      void total;
      if (app.pending) { app.pending = false; setTimeout(run, 0); }
    }
  }

  // The run options: n, seed, and the horizon when one is given (else the scenario's).
  function runParams() {
    const p = { n: Number($('n').value), seed: Number($('seed').value) };
    const h = $('horizon').value.trim();
    if (h !== '') p.horizon = Number(h);
    return p;
  }

  async function run() {
    showError('');
    const c = app.cfg[app.cur];
    try {
      app.runKeys = [app.cur];
      app.runEdits = [Object.assign({}, c.edits)];
      const r = await api('POST', '/api/forecast', Object.assign(spec(c), runParams()));
      await watch([r.id]);
    } catch (e) { showError(e.message); }
  }

  async function compare() {
    showError('');
    try {
      const p = runParams();
      app.runKeys = ['A', 'B'];
      app.runEdits = [Object.assign({}, app.cfg.A.edits), Object.assign({}, app.cfg.B.edits)];
      const r = await api('POST', '/api/compare', Object.assign({ a: spec(app.cfg.A), b: spec(app.cfg.B) }, p));
      await watch(r.ids);
    } catch (e) { showError(e.message); }
  }

  // One traced run of the current configuration on the seed: the line with talk rounds
  // marked, the proposals, each party's decision and margin.
  async function runOne() {
    showError('');
    const c = app.cfg[app.cur];
    try {
      const p = runParams();
      const r = await api('POST', '/api/run', Object.assign(spec(c), { seed: p.seed }, p.horizon === undefined ? {} : { horizon: p.horizon }));
      disposeAll();
      const t = r.trace;
      const o = t.outcome;
      const d = (x) => x.year + '-' + String(x.month).padStart(2, '0') + '-' + String(x.day).padStart(2, '0');
      $('results-head').innerHTML = '<b>' + esc(c.label) + ': one run, seed ' + t.seed + '</b> — ' +
        (o ? esc(o.state) + ' in week ' + o.week + ' (' + d(o.date) + '), ' + o.rounds + ' talk rounds' : 'no outcome');
      let h = '<section class="grid">';
      r.charts.forEach((ch) => {
        h += '<div class="card"><h2>' + esc(ch.title) + '</h2><p class="caption">' + esc(ch.caption) + '</p><div class="chart" id="chart-' + ch.id + '"></div></div>';
      });
      h += '</section><section class="card" style="margin-top:12px"><h2>Talk rounds</h2><div class="scroll"><table id="rounds-table"><thead><tr><th>date</th>' +
        r.issues.map((i) => '<th class="num">' + esc(i) + '</th>').join('') + '<th>decisions (margin)</th><th>result</th></tr></thead><tbody>';
      t.rounds.forEach((rd) => {
        h += '<tr><td>' + d(rd.date) + '</td>' + r.issues.map((i) => '<td class="num">' + Number(rd.amended[i]).toFixed(1) + '</td>').join('') + '<td>' +
          rd.decisions.map((x) => '<span class="' + (x.accepted ? 'acc' : 'rej') + '">' + esc(x.actor) + (x.accepted ? ' accepts' : ' rejects') + '</span> (' + (x.margin >= 0 ? '+' : '') + x.margin.toFixed(3) + ')').join('<br>') +
          '</td><td>' + (rd.settled ? 'settled' : rd.ceasefire ? 'ceasefire' : rd.range_open ? 'no deal (range open)' : 'no deal') + '</td></tr>';
      });
      h += '</tbody></table></div></section>';
      $('results').innerHTML = h;
      r.charts.forEach((ch) => draw('chart-' + ch.id, ch.option));
      app.single = (app.single || 0) + 1;
      document.body.dataset.single = String(app.single);
    } catch (e) { showError(e.message); }
  }

  async function cancel() {
    await Promise.all(app.jobs.map((id) => api('POST', '/api/jobs/' + id + '/cancel').catch(() => null)));
  }

  async function downloadToml() {
    showError('');
    const c = app.cfg[app.cur];
    try {
      const r = await api('POST', '/api/scenario', spec(c));
      const blob = new Blob([r.toml], { type: 'application/toml' });
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = (r.name || 'scenario') + (Object.keys(c.edits).length ? '-edited' : '') + '.toml';
      document.body.appendChild(a); a.click(); a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 5000);
    } catch (e) { showError(e.message); }
  }

  async function upload(file) {
    showError('');
    try {
      const text = await file.text();
      const info = await api('POST', '/api/upload?name=' + encodeURIComponent(file.name), text, true);
      setConfig(app.cur, { scenario: null, toml: text, file: file.name }, info);
      ensureUploadOption(file.name);
      renderKnobs();
      $('status').textContent = 'uploaded ' + file.name;
    } catch (e) { showError(e.message); }
    $('upload').value = '';
  }

  function ensureUploadOption(name) {
    let o = document.querySelector('#scenario-select option[value="__upload"]');
    if (!o) { o = document.createElement('option'); o.value = '__upload'; $('scenario-select').appendChild(o); }
    o.textContent = 'uploaded: ' + name;
  }

  async function init() {
    const list = await api('GET', '/api/scenarios');
    const sel = $('scenario-select');
    list.forEach((s) => {
      const o = document.createElement('option');
      o.value = s.name; o.textContent = s.name + (s.default ? ' (default)' : '');
      o.title = s.description; sel.appendChild(o);
    });
    const def = (list.find((s) => s.default) || list[0]).name;
    await loadBuiltin('A', def);
    await loadBuiltin('B', def);
    const info = await api('GET', '/api/info');
    $('n').max = info.max_runs;
    $('horizon').max = info.max_horizon_weeks;
    renderTabs(); renderKnobs();
    sel.addEventListener('change', async () => {
      if (sel.value === '__upload') return;
      try { await loadBuiltin(app.cur, sel.value); renderKnobs(); } catch (e) { showError(e.message); }
    });
    $('upload').addEventListener('change', () => { const f = $('upload').files[0]; if (f) upload(f); });
    $('run').addEventListener('click', run);
    $('compare').addEventListener('click', compare);
    $('cancel').addEventListener('click', cancel);
    $('run-one').addEventListener('click', runOne);
    $('horizon').addEventListener('change', onEdit);
    $('download-toml').addEventListener('click', downloadToml);
    $('reset').addEventListener('click', () => { app.cfg[app.cur].edits = {}; renderKnobs(); });
    document.querySelectorAll('#tabs button[data-cfg]').forEach((b) => b.addEventListener('click', () => {
      app.cur = b.dataset.cfg; renderTabs(); renderKnobs();
    }));
    $('copy-ab').addEventListener('click', () => {
      app.cfg.B = JSON.parse(JSON.stringify(app.cfg.A)); app.cfg.B.label = 'B';
      app.cur = 'B'; renderTabs(); renderKnobs();
    });
    window.addEventListener('resize', () => Object.values(app.charts).forEach((c) => c.resize()));
    document.body.dataset.ready = '1';
  }

  init().catch((e) => showError('cannot start: ' + e.message));
})();
