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
    obs: null,                      // observations to condition the next forecast on: {name, text}
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
      // On a phone the groups start closed, so that the results are not a long scroll away.
      if (gi < 3 && !window.matchMedia('(max-width: 900px)').matches) d.open = true;
      const s = document.createElement('summary');
      s.textContent = g;
      d.appendChild(s);
      groups[g].forEach((k) => {
        const v = k.path in c.edits ? c.edits[k.path] : k.value;
        const div = document.createElement('div');
        div.className = 'knob' + (k.path in c.edits ? ' edited' : '');
        div.dataset.path = k.path;
        const lab = document.createElement('label');
        const inputId = 'knob-' + k.path.replace(/[^A-Za-z0-9_-]/g, '_');
        lab.htmlFor = inputId;
        lab.textContent = k.label + (k.unit ? ' (' + k.unit + ')' : '');
        lab.title = k.path + (k.doc ? '\n' + k.doc : '') + (k.source ? '\nsource: ' + k.source : '');
        if (k.sampled) {
          const b = document.createElement('span');
          b.className = 'badge';
          b.textContent = 'sampled: an edit fixes it';
          b.title = 'Forecasts draw this parameter from its [uncertainty] distribution (a single run uses its median). ' +
            'Editing it fixes it: its distribution is dropped and every run uses the value you set.';
          lab.appendChild(b);
        }
        const what = document.createElement('div');
        what.className = 'what';
        const sayWhat = () => {
          const fixed = k.sampled && k.path in c.edits ? 'fixed at this value in every run (its uncertainty is dropped)' : '';
          what.textContent = [k.scale || '', fixed].filter((x) => x).join(' — ');
        };
        sayWhat();
        const range = document.createElement('input');
        range.type = 'range'; range.min = k.min; range.max = k.max; range.step = k.step; range.value = v;
        range.setAttribute('aria-label', k.label + ' (slider)');
        const num = document.createElement('input');
        num.type = 'number'; num.step = k.step; num.value = fmt(v);
        num.name = k.path; num.id = inputId;
        const bad = document.createElement('div');
        bad.className = 'invalid';
        bad.id = inputId + '-error';
        bad.setAttribute('role', 'status');
        num.setAttribute('aria-describedby', bad.id);
        const showBad = (msg) => {
          bad.textContent = msg || '';
          num.setAttribute('aria-invalid', msg ? 'true' : 'false');
        };
        const set = (x, from) => {
          const val = Number(x);
          if (!Number.isFinite(val)) return;
          if (from !== range) range.value = val;
          if (from !== num) num.value = fmt(val);
          if (Math.abs(val - k.value) < 1e-12) delete c.edits[k.path]; else c.edits[k.path] = val;
          div.classList.toggle('edited', k.path in c.edits);
          sayWhat();
          saveState();
          $('scenario-info').textContent = c.check + (Object.keys(c.edits).length ? ' — ' + Object.keys(c.edits).length + ' edit(s)' : '');
          onEdit();
        };
        range.addEventListener('input', () => { showBad(''); set(range.value, range); });
        // As typed: a value that is not a number is said at once; any other is checked by
        // the server against the catalogue's range (the message truce check would give).
        num.addEventListener('input', () => {
          clearTimeout(num.checkTimer);
          const txt = num.value.trim();
          if (txt === '' || !Number.isFinite(Number(txt)) || num.validity.badInput) { showBad('not a number'); return; }
          num.checkTimer = setTimeout(async () => {
            const edits = Object.assign({}, c.edits); edits[k.path] = Number(txt);
            try { await api('POST', '/api/scenario', Object.assign(spec(c), { edits })); showBad(''); } catch (e) { showBad(e.message); }
          }, 250);
        });
        num.addEventListener('change', () => { if (num.getAttribute('aria-invalid') !== 'true') set(num.value, num); });
        div.appendChild(lab); div.appendChild(range); div.appendChild(num); div.appendChild(what); div.appendChild(bad);
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

  // Results made before a change of the settings are marked out of date until the next run.
  function markStale() {
    if (!app.shown) return;
    app.stale = true;
    document.body.dataset.stale = '1';
    $('results').classList.add('results-stale');
    if (!$('stale-mark')) {
      const d = document.createElement('div');
      d.id = 'stale-mark'; d.className = 'stale'; d.setAttribute('role', 'status');
      d.textContent = 'Out of date: the settings changed after these results were made. Run again to update them.';
      $('results-head').prepend(d);
    }
    saveState();
  }

  function clearStale() {
    app.stale = false;
    document.body.dataset.stale = '0';
    $('results').classList.remove('results-stale');
    const m = $('stale-mark'); if (m) m.remove();
  }

  // "Re-run on every change": debounced; a forecast in progress is cancelled first.
  function onEdit() {
    markStale();
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

  // A chart's container: an image with a text alternative (its title and caption; the data
  // table next to it gives every value).
  function chartDiv(id, c, side) {
    return '<div class="chart" id="' + id + '" role="img" aria-label="' + esc((side ? side + ': ' : '') + c.title + ': ' + c.caption + ' The data table below gives every value.') + '"></div>';
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
    let h = '<div class="scroll-x" tabindex="0" role="region" aria-label="Outcomes at the horizon"><table id="compare-table"><thead><tr><th>at the horizon (week ' + horizon(results[0]).week + ')</th>';
    results.forEach((r) => { h += '<th class="num">' + esc(r.job.label) + '</th>'; });
    if (results.length === 2) h += '<th class="num">B − A</th>';
    h += '</tr></thead><tbody>';
    rows.forEach(([table, k, label]) => {
      h += '<tr><td>' + esc(label) + '</td>';
      const ps = results.map((r) => horizon(r)[table][k] || { p: NaN, se: NaN });
      ps.forEach((p) => { h += '<td class="num">' + pct(p.p) + ' <span class="mc" title="± Monte Carlo standard error, in percentage points: the sampling error of the runs, not the model\'s uncertainty">± ' + (p.se * 100).toFixed(1) + '</span></td>'; });
      if (ps.length === 2) {
        const d = ps[1].p - ps[0].p;
        h += '<td class="num">' + (d >= 0 ? '+' : '') + (d * 100).toFixed(1) + ' pts</td>';
      }
      h += '</tr>';
    });
    h += '</tbody></table></div><p class="caption">± is the Monte Carlo standard error in percentage points (the sampling error of the runs, not the model\'s uncertainty).</p>';
    return h;
  }

  function dstr(x) { return x.year + '-' + String(x.month).padStart(2, '0') + '-' + String(x.day).padStart(2, '0'); }

  function pmCell(p) {
    return '<td class="num">' + (p ? pct(p.p) + ' <span class="mc">± ' + (p.se * 100).toFixed(1) + '</span>' : '–') + '</td>';
  }

  // The report's dated tables: events by date and the state at each reported date (3, 6,
  // 12, … months and the horizon), with the Monte Carlo error said as such.
  function datedTables(r) {
    const at = r.summary.at;
    const table = (id, name, rows, key) => {
      let h = '<div class="scroll-x" tabindex="0" role="region" aria-label="' + name + '"><table id="' + id + '"><thead><tr><th scope="col">' + name + '</th>' +
        at.map((a) => '<th scope="col" class="num">' + esc(a.label) + ' (' + dstr(a.date) + ')</th>').join('') + '</tr></thead><tbody>';
      rows.forEach(([k, label]) => { h += '<tr><th scope="row">' + esc(label) + '</th>' + at.map((a) => pmCell(a[key][k])).join('') + '</tr>'; });
      return h + '</tbody></table></div>';
    };
    return '<h2 class="sub-h">Events by date</h2><p class="caption">The probability that each event has happened by each date.</p>' +
      table('events-table', 'event by date', vocabulary(r, 'events'), 'events') +
      '<h2 class="sub-h">State at date</h2><p class="caption">The share of runs in each state at each date (they sum to 100%).</p>' +
      table('states-table', 'state at date', vocabulary(r, 'outcomes'), 'states') +
      '<p class="caption">± is the Monte Carlo standard error in percentage points (the sampling error of the ' + r.summary.runs +
      ' runs, not the model\'s uncertainty). Ceasefire breakdowns: ' + r.summary.ceasefire_breakdowns + ' over ' + r.summary.runs + ' runs.</p>' +
      collapseCauses(r);
  }

  // What broke each side that collapsed by the horizon (the summary's `collapse_causes`, the
  // causes' labels from the server): a front past a threshold is not an army that broke.
  function collapseCauses(r) {
    const causes = r.summary.collapse_causes;
    if (!causes || !r.collapse_causes) return '';
    const last = r.summary.at[r.summary.at.length - 1].states;
    return r.summary.sides.map((id, i) => {
      const total = (last[i === 0 ? 'collapsed_first' : 'collapsed_second'] || { p: 0 }).p;
      if (!causes[id] || !(total > 0)) return '';
      const name = (r.side_names && r.side_names[i]) || id;
      return '<p class="caption collapse-causes">How ' + esc(name) + ' collapsed (' + pct(total) + ' of runs by the horizon): ' +
        r.collapse_causes.map(([k, label]) => esc(label) + ' ' + pct((causes[id][k] || { p: 0 }).p)).join(', ') + '.</p>';
    }).join('');
  }

  // Why the talks failed, for runs still fighting: per period, the blocked talk slots and the
  // share of each cause (the forecast summary's `why` rows).
  function whyTable(r) {
    const rows = (r.summary.why || []).filter((w) => w.week > w.from);
    if (!rows.length || !r.blockers) return '';
    let h = '<h2 class="sub-h">Why the talks failed</h2><p class="caption">For runs still fighting: of the talk slots in each period that agreed nothing, ' +
      'the share blocked by each cause (the first that applies). Each row sums to 100%.</p>' +
      '<div class="scroll-x" tabindex="0" role="region" aria-label="Why the talks failed"><table id="why-table"><thead><tr><th scope="col">period</th><th scope="col" class="num">blocked talk slots</th>' +
      r.blockers.map(([, label]) => '<th scope="col" class="num">' + esc(label) + '</th>').join('') + '</tr></thead><tbody>';
    rows.forEach((w) => {
      h += '<tr><th scope="row">to ' + esc(w.label) + ' (weeks ' + w.from + '–' + (w.week - 1) + ')</th><td class="num">' + w.slots + ' over ' + r.summary.runs + ' runs</td>' +
        r.blockers.map(([k]) => '<td class="num">' + (k in w.shares ? pct(w.shares[k]) : '–') + '</td>').join('') + '</tr>';
    });
    return h + '</tbody></table></div>';
  }

  // What the particle filter did, for a forecast conditioned on observations.
  function filterNote(s) {
    const f = s.filter;
    if (!f) return '';
    return '<p id="filter-note">Conditioned on ' + f.observations + ' observations from ' + dstr(f.scenario_start) + ' to ' + dstr(f.as_of) +
      ' (' + f.weeks_assimilated + ' weeks, ' + f.particles + ' particles; smallest effective sample size ' + Math.round(f.min_ess) +
      ', log-likelihood ' + f.loglik.toFixed(2) + (f.ignored_before_start ? '; ' + f.ignored_before_start + ' dated before the start were not used' : '') +
      '). The forecast starts ' + dstr(s.start) + ', the week after the last observed week.</p>';
  }

  // What selection by survival did: the war's age at the start reweighted the parameter draws
  // (docs/backcast.md); the effective sample says how many draws the forecast rests on.
  function selectionNote(s) {
    const x = s.selection;
    if (!x) return '';
    // The sentence is the library's (`SelectionReport::note`), as the HTML report prints it.
    return '<p id="selection-note"' + (x.warning ? ' class="warn"' : '') + '>' + esc(x.note) + '</p>';
  }

  // Observations to condition the next forecast on: read from the file, sent with it (the
  // server validates them as `truce forecast --observations` does and names the line at fault).
  async function chooseObservations(file) {
    try {
      const text = await file.text();
      const rows = text.split(/\r?\n/).filter((l) => l.trim() !== '').length - 1;
      app.obs = { name: file.name, text };
      $('observations-info').textContent = 'Observations: ' + file.name + ' (' + rows + ' rows). The next forecast is conditioned on them; Compare and One run are not.';
      $('clear-observations').disabled = false;
      markStale();
      saveState();
    } catch (e) { showError(e.message); }
  }

  function clearObservations() {
    app.obs = null;
    $('observations').value = '';
    $('observations-info').textContent = "No observations: the forecast starts at the scenario's start.";
    $('clear-observations').disabled = true;
    markStale();
    saveState();
  }

  function renderResults(results) {
    disposeAll();
    clearStale();
    app.shown = true;
    app.lastResults = results;
    const head = $('results-head');
    const box = $('results');
    const s0 = results[0].summary;
    head.innerHTML = '<b>' + results.map((r) => esc(r.job.label) + (r.job.interrupted ? ' (cancelled: ' + r.summary.runs + ' runs)' : '')).join(' vs ') +
      '</b> — ' + s0.runs + ' runs, seed ' + s0.seed + ', horizon ' + s0.horizon_weeks + ' weeks' + filterNote(s0) + selectionNote(s0) +
      (results.length === 1 ? datedTables(results[0]) + whyTable(results[0]) : outcomeTable(results)) + results.map((r, i) => '<div><b>' + esc(r.job.label) + '</b>' + editsHtml(i) + '<br>' + downloads(r.job) + '</div>').join('');
    let h = '';
    const ids = results[0].charts.map((c) => c.id);
    if (results.length === 1) {
      h += '<section class="grid">';
      results[0].charts.forEach((c) => {
        h += '<div class="card"><h2>' + esc(c.title) + '</h2><p class="caption">' + esc(c.caption) + '</p>' + chartDiv('chart-' + c.id, c) + (c.table || '') + '</div>';
      });
      h += '</section>';
    } else {
      h += '<div class="cols"><div class="colhead">' + esc(results[0].job.label) + '</div><div class="colhead">' + esc(results[1].job.label) + '</div></div>';
      ids.forEach((id, i) => {
        const c = results[0].charts[i];
        const cb = results[1].charts[i] || c;
        const cap = c.caption === cb.caption ? esc(c.caption) : 'A: ' + esc(c.caption) + '<br>B: ' + esc(cb.caption);
        h += '<div class="card" style="margin-bottom:12px"><h2>' + esc(c.title) + '</h2><p class="caption">' + cap + '</p><div class="cols">' +
          '<div>' + chartDiv('chart-' + id + '-A', c, 'A') + (c.table || '') + '</div><div>' + chartDiv('chart-' + id + '-B', cb, 'B') + (cb.table || '') + '</div></div></div>';
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

  // The page's state lives in the URL (?state=JSON): each configuration's built-in scenario
  // and edits, the current tab, runs, seed, horizon, re-run, and the last view shown. Reloading
  // or sending the link restores the controls and re-runs that view (same seed: same results).
  // An uploaded scenario is not put in the URL (its text could be long and private): the link
  // says so and opens the default scenario instead. The token stays in the hash.
  function cfgState(c) {
    if (!c) return null;
    return c.toml ? { upload: c.file } : { scenario: c.scenario, edits: c.edits };
  }

  function saveState() {
    if (!app.ready) return;
    const st = {
      cur: app.cur, A: cfgState(app.cfg.A), B: cfgState(app.cfg.B),
      n: Number($('n').value), seed: Number($('seed').value), horizon: $('horizon').value.trim(),
      autorun: $('autorun').checked, view: app.view || null, observations: app.obs ? app.obs.name : null,
    };
    const url = location.pathname + '?state=' + encodeURIComponent(JSON.stringify(st)) + location.hash;
    try { history.replaceState(null, '', url); } catch (_) { /* a file: URL or a sandbox */ }
  }

  async function restoreState(def) {
    const raw = new URLSearchParams(location.search).get('state');
    if (!raw) return null;
    let st;
    try { st = JSON.parse(raw); } catch (_) { showError('the link\'s state is not valid JSON: ignored'); return null; }
    const notes = [];
    for (const key of ['A', 'B']) {
      const c = st[key];
      if (!c) continue;
      if (c.upload) { notes.push(key + ' was the uploaded file ' + c.upload + ', which a link cannot carry: upload it again'); continue; }
      try { await loadBuiltin(key, c.scenario || def); } catch (e) { notes.push(key + ': ' + e.message); continue; }
      const paths = new Set(app.cfg[key].editor.knobs.map((k) => k.path));
      Object.entries(c.edits || {}).forEach(([p, v]) => {
        if (paths.has(p) && Number.isFinite(Number(v))) app.cfg[key].edits[p] = Number(v); else notes.push(key + ': ignored the edit ' + p);
      });
    }
    if (st.cur === 'A' || st.cur === 'B') app.cur = st.cur;
    if (Number.isFinite(st.n) && st.n > 0) $('n').value = String(st.n);
    if (Number.isFinite(st.seed) && st.seed >= 0) $('seed').value = String(st.seed);
    if (typeof st.horizon === 'string') $('horizon').value = st.horizon;
    $('autorun').checked = !!st.autorun;
    if (typeof st.observations === 'string') notes.push('the forecast was conditioned on the observations file ' + st.observations + ', which a link cannot carry: upload it again');
    if (notes.length) showError(notes.join('\n'));
    return st.view;
  }

  async function run() {
    showError('');
    app.view = 'forecast';
    saveState();
    const c = app.cfg[app.cur];
    try {
      app.runKeys = [app.cur];
      app.runEdits = [Object.assign({}, c.edits)];
      const obs = app.obs ? { observations: app.obs.text, observations_file: app.obs.name } : {};
      const r = await api('POST', '/api/forecast', Object.assign(spec(c), runParams(), obs));
      await watch([r.id]);
    } catch (e) { showError(e.message); }
  }

  async function compare() {
    showError('');
    app.view = 'compare';
    saveState();
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
      clearStale();
      app.shown = true;
      app.view = 'run';
      saveState();
      const t = r.trace;
      const o = t.outcome;
      const d = (x) => x.year + '-' + String(x.month).padStart(2, '0') + '-' + String(x.day).padStart(2, '0');
      $('results-head').innerHTML = '<b>' + esc(c.label) + ': one run, seed ' + t.seed + '</b> — ' +
        (o ? esc(o.state) + ' in week ' + o.week + ' (' + d(o.date) + '), ' + o.rounds + ' talk rounds' : 'no outcome');
      let h = '<section class="grid">';
      r.charts.forEach((ch) => {
        h += '<div class="card"><h2>' + esc(ch.title) + '</h2><p class="caption">' + esc(ch.caption) + '</p>' + chartDiv('chart-' + ch.id, ch) + (ch.table || '') + '</div>';
      });
      h += '</section><section class="card" style="margin-top:12px"><h2>Talk rounds</h2><div class="scroll" tabindex="0" role="region" aria-label="Talk rounds"><table id="rounds-table"><thead><tr><th>date</th>' +
        r.issues.map((i) => '<th class="num">' + esc(i) + '</th>').join('') + '<th>decisions (margin)</th><th>result</th></tr></thead><tbody>';
      t.rounds.forEach((rd) => {
        h += '<tr><td>' + d(rd.date) + '</td>' + r.issues.map((i) => '<td class="num">' + Number(rd.amended[i]).toFixed(1) + '</td>').join('') + '<td>' +
          rd.decisions.map((x) => '<span class="' + (x.accepted ? 'acc' : 'rej') + '">' + esc(x.actor) + (x.accepted ? ' accepts' : ' rejects') + '</span> (margin ' + (x.margin >= 0 ? '+' : '') + x.margin.toFixed(3) + ')' +
            (x.commitment_ok ? '' : ' fails the commitment check') + (!x.accepted && x.commitment_ok && x.margin < 0 ? ': the deal is worth less than fighting on' : '')).join('<br>') +
          '</td><td>' + (rd.settled ? 'settled' : rd.ceasefire ? 'ceasefire' : rd.range_open ? 'no deal (range open)' : 'no deal') +
          (rd.blocked ? '<br>blocked by ' + esc(rd.blocked.label) : '') + '</td></tr>';
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
      markStale();
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
    const view = await restoreState(def);
    renderTabs(); renderKnobs();
    // Leaving a configuration with unsaved edits asks first.
    const keepEdits = (what) => {
      const n = Object.keys(app.cfg[app.cur].edits).length;
      return n > 0 && !window.confirm(what + ' discards the ' + n + ' unsaved edit(s) of configuration ' + app.cur + '. Continue?');
    };
    sel.addEventListener('change', async () => {
      if (sel.value === '__upload') return;
      const c = app.cfg[app.cur];
      if (keepEdits('Switching to ' + sel.value)) { sel.value = c.toml ? '__upload' : c.scenario; return; }
      try { await loadBuiltin(app.cur, sel.value); renderKnobs(); markStale(); saveState(); } catch (e) { showError(e.message); }
    });
    $('upload').addEventListener('click', (ev) => { if (keepEdits('Uploading a scenario')) ev.preventDefault(); });
    $('upload').addEventListener('change', () => { const f = $('upload').files[0]; if (f) upload(f); });
    $('observations').addEventListener('change', () => { const f = $('observations').files[0]; if (f) chooseObservations(f); });
    $('clear-observations').addEventListener('click', clearObservations);
    ['n', 'seed'].forEach((id) => $(id).addEventListener('change', () => { markStale(); saveState(); }));
    $('autorun').addEventListener('change', saveState);
    $('run').addEventListener('click', run);
    $('compare').addEventListener('click', compare);
    $('cancel').addEventListener('click', cancel);
    $('run-one').addEventListener('click', runOne);
    $('horizon').addEventListener('change', () => { onEdit(); saveState(); });
    $('download-toml').addEventListener('click', downloadToml);
    $('reset').addEventListener('click', () => { app.cfg[app.cur].edits = {}; renderKnobs(); markStale(); saveState(); });
    document.querySelectorAll('#tabs button[data-cfg]').forEach((b) => b.addEventListener('click', () => {
      app.cur = b.dataset.cfg; renderTabs(); renderKnobs(); saveState();
    }));
    $('copy-ab').addEventListener('click', () => {
      app.cfg.B = JSON.parse(JSON.stringify(app.cfg.A)); app.cfg.B.label = 'B';
      app.cur = 'B'; renderTabs(); renderKnobs(); markStale(); saveState();
    });
    window.addEventListener('resize', () => Object.values(app.charts).forEach((c) => c.resize()));
    app.ready = true;
    document.body.dataset.ready = '1';
    if (view === 'forecast') run(); else if (view === 'compare') compare(); else if (view === 'run') runOne(); else saveState();
  }

  init().catch((e) => showError('cannot start: ' + e.message));
})();
