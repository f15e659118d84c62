// faultline report client: reads the embedded history (JSON, never HTML), pairs invocations with
// completions, and draws the zoomable timeline, the latency/throughput charts (uPlot), and a
// virtualized history table. History values reach the DOM only through textContent.
(function () {
  'use strict';
  performance.mark('fl-start');
  var TYPES = ['invoke', 'ok', 'fail', 'info'];
  var COLORS = { ok: '#2e9d5b', fail: '#e0533d', info: '#e0a526', open: '#8e8e9e', nemesis: '#7b4fc9' };
  var data = JSON.parse(document.getElementById('fl-data').textContent);
  performance.mark('fl-parsed');
  var H = data.ops;
  var n = H.length;
  var lineOffset = data.lineOffset || 1;
  var histName = data.historyFile || 'history';
  var anomalies = data.anomalies || [];
  var anomalySet = new Set(anomalies.map(function (a) { return a.index; }));

  // ------------------------------------------------------------------ pairing
  // partner[i]: for an invocation, its completion's index (-1 if none); for a completion, its invocation.
  var partner = new Int32Array(n).fill(-1);
  var openByProc = new Map();
  for (var i = 0; i < n; i++) {
    var op = H[i];
    if (op[1] === 0) openByProc.set(op[2], i);
    else {
      var inv = openByProc.get(op[2]);
      if (inv !== undefined) { partner[inv] = i; partner[i] = inv; openByProc.delete(op[2]); }
    }
  }
  performance.mark('fl-paired');
  var tEnd = n ? H[n - 1][0] : 1;
  var tStart = n ? Math.min(0, H[0][0]) : 0;
  if (tEnd <= tStart) tEnd = tStart + 1;

  function procName(p) { return p === -1 ? 'nemesis' : p === -2 ? '?' : String(p); }
  function show(v, max) {
    var s;
    if (v === null || v === undefined) s = '';
    else if (typeof v === 'string') s = v;
    else { try { s = JSON.stringify(v); } catch (e) { s = String(v); } }
    return s.length > max ? s.slice(0, max - 1) + '\u2026' : s;
  }
  function secs(ns) { return (ns / 1e9).toFixed(3); }
  function describe(idx) {
    var o = H[idx];
    var p = partner[idx];
    var lines = ['op ' + idx + ' (' + histName + ' line ' + (idx + lineOffset) + ')', 'process ' + procName(o[2]) + ' ' + TYPES[o[1]] + ' ' + data.fs[o[3]] + ' ' + show(o[4], 300)];
    if (p >= 0) {
      var q = H[p];
      lines.push((o[1] === 0 ? 'completed ' : 'invoked ') + TYPES[q[1]] + ' ' + show(q[4], 300) + ' (op ' + p + ')');
      var lat = Math.abs(q[0] - o[0]);
      lines.push('latency ' + (lat / 1e6).toFixed(2) + ' ms');
    }
    if (o[5] >= 0) lines.push('node ' + data.nodes[o[5]]);
    if (o[6] !== null && o[6] !== undefined) lines.push('error ' + show(o[6], 300));
    lines.push('t = ' + secs(o[0]) + ' s');
    return lines.join('\n');
  }

  // ------------------------------------------------------------------ history table (virtual)
  var ROW = 22;
  var hist = document.getElementById('hist');
  var inner = document.getElementById('hist-inner');
  var selected = -1;
  // The rows shown: all ops, or those matching the filter. pos → op index, op index → pos.
  var list = null; // null: every op (pos === index)
  var posOf = null;
  function count() { return list ? list.length : n; }
  function opAt(pos) { return list ? list[pos] : pos; }
  function position(idx) { return list ? (posOf.has(idx) ? posOf.get(idx) : -1) : idx; }
  function sizeTable() {
    inner.style.height = count() * ROW + 'px';
    hist.style.height = count() * ROW < 440 ? count() * ROW + 4 + 'px' : '';
  }
  sizeTable();
  var rowsShown = new Map();
  function makeRow(idx, pos) {
    var o = H[idx];
    var row = document.createElement('div');
    row.className = 'hrow t-' + TYPES[o[1]] + (o[2] === -1 ? ' nem' : '') + (anomalySet.has(idx) ? ' anom' : '') + (idx === selected ? ' hl' : '');
    row.style.top = pos * ROW + 'px';
    row.dataset.index = String(idx);
    row.id = 'row-' + idx;
    var cells = [
      ['ln', 'L' + (idx + lineOffset)],
      ['', secs(o[0])],
      ['', procName(o[2])],
      ['ty', TYPES[o[1]]],
      ['', data.fs[o[3]]],
      ['', show(o[4], 400)],
      ['', o[5] >= 0 ? data.nodes[o[5]] : ''],
      ['', o[6] === null || o[6] === undefined ? '' : show(o[6], 200)],
    ];
    for (var c = 0; c < cells.length; c++) {
      var s = document.createElement('span');
      if (cells[c][0]) s.className = cells[c][0];
      s.textContent = cells[c][1];
      row.appendChild(s);
    }
    row.title = describe(idx);
    return row;
  }
  function renderRows() {
    var first = Math.max(0, Math.floor(hist.scrollTop / ROW) - 20);
    var last = Math.min(count() - 1, Math.ceil((hist.scrollTop + hist.clientHeight) / ROW) + 20);
    rowsShown.forEach(function (el, idx) { var p = position(idx); if (p < first || p > last) { el.remove(); rowsShown.delete(idx); } });
    var frag = document.createDocumentFragment();
    for (var k = first; k <= last; k++) { var ix = opAt(k); if (!rowsShown.has(ix)) { var r = makeRow(ix, k); rowsShown.set(ix, r); frag.appendChild(r); } }
    inner.appendChild(frag);
  }
  function resetRows() { rowsShown.forEach(function (el) { el.remove(); }); rowsShown.clear(); sizeTable(); renderRows(); }
  var rowsQueued = false;
  hist.addEventListener('scroll', function () {
    if (rowsQueued) return;
    rowsQueued = true;
    requestAnimationFrame(function () { rowsQueued = false; renderRows(); });
  });
  // Filter: words match anywhere in the row ("cas", "n3", "[0,"); p:3, f:read, type:fail, node:n1
  // match one column exactly; all terms must match.
  var filterBox = document.getElementById('hist-filter');
  var filterInfo = document.getElementById('hist-filter-info');
  function applyFilter(q) {
    var terms = q.trim().split(/\s+/).filter(Boolean).map(function (t) {
      var m = /^(p|process|f|type|node):(.*)$/.exec(t);
      return m ? { col: m[1][0], v: m[2] } : { col: '', v: t.toLowerCase() };
    });
    if (!terms.length) { list = null; posOf = null; filterInfo.textContent = ''; resetRows(); return; }
    var out = [];
    for (var i = 0; i < n; i++) {
      var o = H[i], ok = true, text = null;
      for (var t = 0; t < terms.length && ok; t++) {
        var term = terms[t];
        if (term.col === 'p') ok = procName(o[2]) === term.v;
        else if (term.col === 'f') ok = data.fs[o[3]] === term.v;
        else if (term.col === 't') ok = TYPES[o[1]] === term.v;
        else if (term.col === 'n') ok = o[5] >= 0 && data.nodes[o[5]] === term.v;
        else {
          if (text === null) text = (procName(o[2]) + ' ' + TYPES[o[1]] + ' ' + data.fs[o[3]] + ' ' + show(o[4], 1e9) + ' ' + (o[5] >= 0 ? data.nodes[o[5]] : '') + ' ' + show(o[6], 1e9)).toLowerCase();
          ok = text.indexOf(term.v) >= 0;
        }
      }
      if (ok) out.push(i);
    }
    list = out;
    posOf = new Map();
    for (var j = 0; j < out.length; j++) posOf.set(out[j], j);
    filterInfo.textContent = out.length + ' of ' + n + ' entries match';
    hist.scrollTop = 0;
    resetRows();
  }
  var filterTimer = 0;
  if (filterBox) filterBox.addEventListener('input', function () {
    clearTimeout(filterTimer);
    filterTimer = setTimeout(function () { applyFilter(filterBox.value); }, 200);
  });
  hist.addEventListener('click', function (e) {
    var row = e.target.closest('.hrow');
    if (row && row.dataset.index) select(Number(row.dataset.index), { scrollTable: false, center: true });
  });
  renderRows();

  // ------------------------------------------------------------------ selection / jumping
  function select(idx, opts) {
    if (!(idx >= 0 && idx < n)) return;
    opts = opts || {};
    if (selected >= 0 && rowsShown.has(selected)) rowsShown.get(selected).classList.remove('hl');
    selected = idx;
    if (opts.scrollTable !== false) {
      // An op hidden by the filter: drop the filter so it can be shown.
      if (position(idx) < 0) { if (filterBox) filterBox.value = ''; list = null; posOf = null; filterInfo.textContent = ''; resetRows(); }
      if (opts.scrollPage !== false) document.getElementById('history').scrollIntoView({ block: 'start' });
      hist.scrollTop = Math.max(0, position(idx) * ROW - hist.clientHeight / 2 + ROW);
      renderRows();
    }
    if (rowsShown.has(idx)) rowsShown.get(idx).classList.add('hl');
    var sel = document.getElementById('selected-op');
    if (sel) {
      var notes = anomalies.filter(function (a) { return a.index === idx || a.index === partner[idx]; }).map(function (a) { return 'ANOMALY' + (a.checker ? ' (' + a.checker + ')' : '') + ': ' + a.message; });
      sel.textContent = notes.concat([describe(idx)]).join('\n');
      sel.className = 'text has';
    }
    if (opts.center) centerOn(idx);
    drawTimeline();
    if (('#op-' + idx) !== location.hash) history.replaceState(null, '', '#op-' + idx);
  }
  function fromHash() {
    var m = /^#op-(\d+)$/.exec(location.hash);
    if (m) select(Number(m[1]), { center: true });
  }
  window.addEventListener('hashchange', fromHash);
  // Links to ops inside SVG/tables: handle them here so the same op re-clicked still jumps.
  document.addEventListener('click', function (e) {
    var a = e.target.closest && e.target.closest('a');
    if (!a) return;
    var href = a.getAttribute('href') || '';
    var m = /^#op-(\d+)$/.exec(href);
    if (m) { e.preventDefault(); select(Number(m[1]), { center: true }); }
  });
  var anomalyPos = -1;
  function jumpAnomaly(step) {
    if (!anomalies.length) return;
    anomalyPos = anomalyPos < 0 ? 0 : (anomalyPos + step + anomalies.length) % anomalies.length;
    var a = anomalies[anomalyPos];
    var msg = document.getElementById('anomaly-msg');
    if (msg) msg.textContent = 'Anomaly ' + (anomalyPos + 1) + ' of ' + anomalies.length + (a.checker ? ' (' + a.checker + ')' : '') + ': ' + a.message;
    select(a.index, { center: true });
  }
  var jf = document.getElementById('jump-first');
  if (jf) jf.addEventListener('click', function () { anomalyPos = -1; jumpAnomaly(1); });
  var jn = document.getElementById('jump-next');
  if (jn) jn.addEventListener('click', function () { jumpAnomaly(1); });

  // ------------------------------------------------------------------ timeline (canvas)
  var canvas = document.getElementById('timeline');
  var tip = document.getElementById('tl-tip');
  // Lanes: one per process; with many processes (crashed clients get new ids) fold by thread.
  var procs = [];
  var seenProc = new Set();
  for (i = 0; i < n; i++) if (!seenProc.has(H[i][2])) { seenProc.add(H[i][2]); procs.push(H[i][2]); }
  procs.sort(function (a, b) { return a - b; });
  var conc = data.concurrency || 0;
  var fold = procs.length > 64 && conc > 0;
  var laneOf = new Map();
  var laneNames = [];
  procs.forEach(function (p) {
    var name = p === -1 ? 'nemesis' : fold ? 'thread ' + (p % conc) : 'p' + p;
    var l = laneNames.indexOf(name);
    if (l < 0) { l = laneNames.length; laneNames.push(name); }
    laneOf.set(p, l);
  });
  var lanes = laneNames.length || 1;
  var LANE = Math.max(3, Math.min(18, Math.floor(420 / lanes)));
  var LABEL_W = 74, AXIS_H = 22;
  var cssH = lanes * LANE + AXIS_H + 6;
  // Intervals: one per invocation (to its completion, or to the end if it never completed), plus
  // completions without an invocation as ticks.
  var ivStart = [], ivEnd = [], ivLane = [], ivKind = [], ivIdx = [];
  var KIND = ['ok', 'fail', 'info', 'open', 'nemesis'];
  for (i = 0; i < n; i++) {
    var o2 = H[i];
    var pi = partner[i];
    if (o2[1] !== 0 && pi >= 0) continue;
    var endT = o2[1] === 0 ? (pi >= 0 ? H[pi][0] : tEnd) : o2[0];
    var kind = o2[2] === -1 ? 4 : pi >= 0 ? H[pi][1] - 1 : o2[1] === 0 ? 3 : o2[1] - 1;
    ivStart.push(o2[0]); ivEnd.push(endT); ivLane.push(laneOf.get(o2[2])); ivKind.push(kind); ivIdx.push(i);
  }
  var view = { t0: tStart, t1: tEnd };
  var W = 0;
  function resize() {
    var dpr = window.devicePixelRatio || 1;
    W = canvas.clientWidth || 800;
    canvas.width = Math.round(W * dpr);
    canvas.height = Math.round(cssH * dpr);
    canvas.style.height = cssH + 'px';
    canvas.getContext('2d').setTransform(dpr, 0, 0, dpr, 0, 0);
    drawTimeline();
  }
  function xOf(t) { return LABEL_W + ((t - view.t0) / (view.t1 - view.t0)) * (W - LABEL_W - 4); }
  function tOf(x) { return view.t0 + ((x - LABEL_W) / (W - LABEL_W - 4)) * (view.t1 - view.t0); }
  var drawQueued = false;
  function drawTimeline() {
    if (drawQueued) return;
    drawQueued = true;
    requestAnimationFrame(function () { drawQueued = false; paint(); });
  }
  function paint() {
    var ctx = canvas.getContext('2d');
    ctx.clearRect(0, 0, W, cssH);
    ctx.save();
    ctx.beginPath(); ctx.rect(LABEL_W, 0, W - LABEL_W, cssH); ctx.clip();
    (data.windows || []).forEach(function (w) {
      var x0 = xOf(w.start), x1 = xOf(w.end);
      if (x1 < LABEL_W || x0 > W) return;
      ctx.fillStyle = w.color; ctx.globalAlpha = 0.18;
      ctx.fillRect(x0, 0, Math.max(1, x1 - x0), lanes * LANE);
      ctx.globalAlpha = 1;
    });
    // Rasterize into one cell per lane × pixel column, keeping the most alarming kind in each
    // (fail > info > never completed > nemesis > ok), then draw runs: cost is bounded by the
    // canvas size, not the number of ops, so a million ops redraw as fast as a thousand.
    var h = Math.max(1, LANE - (LANE > 6 ? 3 : 1));
    var Wpx = Math.ceil(W);
    var grid = new Uint8Array(lanes * Wpx);
    var RANK = [1, 5, 4, 3, 2];
    for (var j = 0; j < ivStart.length; j++) {
      if (ivEnd[j] < view.t0 || ivStart[j] > view.t1) continue;
      var a = Math.floor(xOf(ivStart[j])), z = Math.floor(xOf(ivEnd[j]));
      if (z - a >= 3) z--; // leave a gap so consecutive ops stay distinguishable when zoomed in
      if (a < LABEL_W) a = LABEL_W;
      if (z >= Wpx) z = Wpx - 1;
      var base = ivLane[j] * Wpx, kk = ivKind[j], r = RANK[kk];
      for (var x = a; x <= z; x++) {
        var cur = grid[base + x];
        if (cur === 0 || RANK[cur - 1] < r) grid[base + x] = kk + 1;
      }
    }
    var paths = KIND.map(function () { return new Path2D(); });
    for (var l = 0; l < lanes; l++) {
      var row = l * Wpx, x0 = -1, cur0 = 0;
      for (var xx = LABEL_W; xx <= Wpx; xx++) {
        var v = xx < Wpx ? grid[row + xx] : 0;
        if (v !== cur0) {
          if (cur0 !== 0) paths[cur0 - 1].rect(x0, l * LANE + 1, xx - x0, h);
          cur0 = v; x0 = xx;
        }
      }
    }
    for (var k = 0; k < KIND.length; k++) { ctx.fillStyle = COLORS[KIND[k]]; ctx.fill(paths[k]); }
    if (selected >= 0) {
      var inv = H[selected][1] === 0 ? selected : partner[selected] >= 0 ? partner[selected] : selected;
      var comp = partner[inv] >= 0 ? partner[inv] : inv;
      var sx0 = xOf(H[inv][0]), sx1 = xOf(H[inv][1] === 0 && partner[inv] < 0 ? tEnd : H[comp][0]);
      var ly = laneOf.get(H[inv][2]) * LANE;
      ctx.strokeStyle = '#c62828'; ctx.lineWidth = 2;
      ctx.beginPath(); ctx.moveTo(sx0, 0); ctx.lineTo(sx0, lanes * LANE); ctx.stroke();
      ctx.strokeStyle = '#111';
      ctx.strokeRect(sx0 - 2, ly - 1, Math.max(4, sx1 - sx0 + 4), LANE + 1);
    }
    ctx.restore();
    // Lane labels and time axis.
    ctx.fillStyle = '#667085'; ctx.font = '11px system-ui, sans-serif'; ctx.textBaseline = 'middle';
    if (!n) { ctx.fillText('No operations in the history.', LABEL_W + 8, 8); return; }
    if (LANE >= 9) for (var l = 0; l < lanes; l++) ctx.fillText(laneNames[l], 4, l * LANE + LANE / 2);
    else { ctx.fillText(lanes + ' lanes', 4, 8); }
    var span = (view.t1 - view.t0) / 1e9;
    var stepS = Math.pow(10, Math.floor(Math.log10(span / 8 || 1)));
    if (span / stepS > 16) stepS *= 5; else if (span / stepS > 8) stepS *= 2;
    var decimals = Math.max(0, Math.min(9, -Math.floor(Math.log10(stepS) + 1e-9)));
    ctx.strokeStyle = '#e3e6ee'; ctx.textBaseline = 'top';
    var y = lanes * LANE + 4;
    for (var s = Math.ceil(view.t0 / 1e9 / stepS) * stepS; s <= view.t1 / 1e9; s += stepS) {
      var x = xOf(s * 1e9);
      ctx.strokeStyle = '#98a0b3'; ctx.beginPath(); ctx.moveTo(x, y - 5); ctx.lineTo(x, y); ctx.stroke();
      ctx.fillText(s.toFixed(decimals) + ' s', x + 2, y);
    }
  }
  function centerOn(idx) {
    var t = H[idx][0];
    var span = view.t1 - view.t0;
    var p = partner[idx];
    var lat = p >= 0 ? Math.abs(H[p][0] - t) : 0;
    // Zoom in so the op and its neighbourhood are visible (at least 20x its latency).
    var want = Math.min(tEnd - tStart, Math.max(lat * 20, (tEnd - tStart) / 50, 1e6));
    if (span > want * 4 || span < lat) span = want;
    view.t0 = t - span / 2; view.t1 = t + span / 2;
  }
  function hit(x, y) {
    var lane = Math.floor(y / LANE);
    var t = tOf(x);
    var slack = (view.t1 - view.t0) / (W - LABEL_W) * 3;
    var best = -1, bestLen = Infinity;
    for (var j = 0; j < ivStart.length; j++) {
      if (ivLane[j] !== lane || ivStart[j] - slack > t || ivEnd[j] + slack < t) continue;
      var len = ivEnd[j] - ivStart[j];
      if (len < bestLen) { best = ivIdx[j]; bestLen = len; }
    }
    return best;
  }
  var drag = null;
  canvas.addEventListener('mousedown', function (e) { drag = { x: e.offsetX, t0: view.t0, t1: view.t1, moved: false }; canvas.style.cursor = 'grabbing'; });
  window.addEventListener('mouseup', function (e) {
    if (drag && !drag.moved && e.target === canvas) { var idx = hit(e.offsetX, e.offsetY); if (idx >= 0) select(idx, { scrollTable: true, scrollPage: false }); }
    drag = null; canvas.style.cursor = 'grab';
  });
  canvas.addEventListener('mousemove', function (e) {
    if (drag) {
      var dt = ((e.offsetX - drag.x) / (W - LABEL_W)) * (drag.t1 - drag.t0);
      if (Math.abs(e.offsetX - drag.x) > 3) drag.moved = true;
      view.t0 = drag.t0 - dt; view.t1 = drag.t1 - dt; drawTimeline(); tip.style.display = 'none'; return;
    }
    var idx = hit(e.offsetX, e.offsetY);
    if (idx < 0) { tip.style.display = 'none'; return; }
    tip.textContent = describe(idx);
    tip.style.display = 'block';
    tip.style.left = Math.min(e.offsetX + 12, W - 300) + 'px';
    tip.style.top = e.offsetY + 14 + 'px';
  });
  canvas.addEventListener('mouseleave', function () { tip.style.display = 'none'; });
  function zoom(factor, atX) {
    var t = tOf(atX);
    var t0 = t - (t - view.t0) * factor, t1 = t + (view.t1 - t) * factor;
    if (t1 - t0 < 1e3) return;
    view.t0 = t0; view.t1 = t1; drawTimeline();
  }
  canvas.addEventListener('wheel', function (e) { e.preventDefault(); zoom(e.deltaY > 0 ? 1.25 : 0.8, e.offsetX); }, { passive: false });
  canvas.addEventListener('dblclick', function () { view.t0 = tStart; view.t1 = tEnd; drawTimeline(); });
  document.getElementById('tl-in').addEventListener('click', function () { zoom(0.5, (LABEL_W + W) / 2); });
  document.getElementById('tl-out').addEventListener('click', function () { zoom(2, (LABEL_W + W) / 2); });
  document.getElementById('tl-reset').addEventListener('click', function () { view.t0 = tStart; view.t1 = tEnd; drawTimeline(); });
  window.addEventListener('resize', resize);
  resize();

  // ------------------------------------------------------------------ witness partial highlighting
  // Hovering an op bar (or its row in the partials table) lights its longest partial linearization.
  document.querySelectorAll('.partial-row, .wbar[data-chain]').forEach(function (row) {
    var chain = (row.getAttribute('data-chain') || '').split(',');
    function lit(on) {
      chain.forEach(function (c) { document.querySelectorAll('.wbar[data-idx="' + c + '"]').forEach(function (g) { g.classList.toggle('lit', on); }); });
    }
    row.addEventListener('mouseenter', function () { lit(true); });
    row.addEventListener('mouseleave', function () { lit(false); });
  });

  performance.mark('fl-ready');
  document.body.setAttribute('data-ready', '1');
  if (location.hash) fromHash();

  // ------------------------------------------------------------------ charts (after first paint)
  function charts() {
    var box = document.getElementById('charts');
    if (!box || typeof uPlot === 'undefined') return;
    // Every completed client op: invocation time (s), latency (ms), completion type (0 ok, 1 fail, 2 info).
    var px = [], pl = [], pt = [];
    var lo = Infinity, hi = 0, sorted = true;
    for (var i = 0; i < n; i++) {
      var o = H[i];
      if (o[1] !== 0 || o[2] < 0 || partner[i] < 0) continue;
      var c = H[partner[i]];
      var lat = Math.max(1e-3, (c[0] - o[0]) / 1e6);
      if (px.length && o[0] / 1e9 < px[px.length - 1]) sorted = false;
      px.push(o[0] / 1e9); pl.push(lat); pt.push(c[1] - 1);
      if (lat < lo) lo = lat; if (lat > hi) hi = lat;
    }
    var N = px.length;
    if (!N) { box.textContent = 'No completed client operations to plot.'; return; }
    var order = null;
    if (!sorted) { order = Array.from({ length: N }, function (_, j) { return j; }); order.sort(function (a, b) { return px[a] - px[b]; }); }
    var at = function (j) { return order ? order[j] : j; };
    // Quantiles per time bucket over all points.
    var B = Math.min(100, Math.max(10, Math.floor(N / 50)));
    var x0 = px[at(0)], x1 = px[at(N - 1)] + 1e-9, bw = (x1 - x0) / B;
    var QS = [0.5, 0.95, 0.99], bq = [], bucketOf = new Int32Array(N);
    var j = 0;
    for (var b = 0; b < B; b++) {
      var lim = x0 + (b + 1) * bw, vals = [];
      while (j < N && (px[at(j)] < lim || b === B - 1)) { vals.push(pl[at(j)]); bucketOf[j] = b; j++; }
      vals.sort(function (a, c) { return a - c; });
      bq.push(vals.length ? QS.map(function (qq) { return vals[Math.min(vals.length - 1, Math.floor(qq * vals.length))]; }) : null);
    }
    // Past MAXP points, draw a deterministic sample of ok ops, but every fail/info and every ok
    // slower than the overall p99 (the points people look for).
    var MAXP = 100000, stride = Math.ceil(N / MAXP), p99 = Infinity;
    if (stride > 1) { var all = pl.slice().sort(function (a, c) { return a - c; }); p99 = all[Math.floor(0.99 * (N - 1))]; }
    var xs = [], ys = [[], [], []], q = [[], [], []], lastB = -1;
    for (j = 0; j < N; j++) {
      var k0 = at(j);
      if (stride > 1 && pt[k0] === 0 && pl[k0] < p99 && j % stride !== 0) continue;
      xs.push(px[k0]);
      for (var k = 0; k < 3; k++) ys[k].push(pt[k0] === k ? pl[k0] : null);
      var bb = bucketOf[j], first = bb !== lastB && bq[bb];
      for (k = 0; k < 3; k++) q[k].push(first ? bq[bb][k] : null);
      lastB = bb;
    }
    var sampledNote = stride > 1 ? ' — ' + xs.length + ' of ' + N + ' points drawn (all fail/info and slowest 1%)' : '';
    var wins = data.windows || [];
    function shade(u) {
      var ctx = u.ctx;
      ctx.save();
      wins.forEach(function (w) {
        var a = u.valToPos(w.start / 1e9, 'x', true), z = u.valToPos(w.end / 1e9, 'x', true);
        var l = Math.max(a, u.bbox.left), r = Math.min(z, u.bbox.left + u.bbox.width);
        if (r <= l) return;
        ctx.globalAlpha = 0.18; ctx.fillStyle = w.color; ctx.fillRect(l, u.bbox.top, r - l, u.bbox.height);
      });
      ctx.restore();
    }
    function dots(u, si, i0, i1) {
      var ctx = u.ctx, s = u.series[si], X = u.data[0], Y = u.data[si];
      ctx.save(); ctx.fillStyle = s.ptColor; ctx.globalAlpha = 0.6;
      ctx.beginPath(); ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height); ctx.clip();
      ctx.beginPath();
      for (var j = i0; j <= i1; j++) {
        if (Y[j] === null) continue;
        ctx.rect(u.valToPos(X[j], 'x', true) - 1.5, u.valToPos(Y[j], 'y', true) - 1.5, 3, 3);
      }
      ctx.fill(); ctx.restore();
      return null;
    }
    var width = Math.max(400, box.clientWidth - 10);
    var pt = function (label, color) { return { label: label, stroke: color, ptColor: color, paths: dots, points: { show: false } }; };
    var line = function (label, color, dash) { return { label: label, stroke: color, width: 1.5, dash: dash, spanGaps: true, points: { show: false } }; };
    new uPlot({
      title: 'Latency (ms, log scale) by invocation time (s)' + sampledNote, width: width, height: 300,
      scales: { x: { time: false }, y: { distr: 3, range: function (u, mn, mx) { return [Math.max(1e-3, lo / 1.5), hi * 1.5]; } } },
      series: [{ label: 't (s)' }, pt('ok', COLORS.ok), pt('fail', COLORS.fail), pt('info', COLORS.info), line('p50', '#1d2330'), line('p95', '#2554c7', [6, 3]), line('p99', '#9b1c8c', [2, 3])],
      axes: [{}, { label: 'ms' }],
      hooks: { drawClear: [shade] },
    }, [xs, ys[0], ys[1], ys[2], q[0], q[1], q[2]], document.getElementById('latency'));
    // Throughput: completions per second per bucket, by type.
    var TB = Math.min(200, Math.max(10, Math.ceil((tEnd - tStart) / 1e9)));
    var tbw = (tEnd - tStart) / TB;
    var tx = [], ty = [[], [], []];
    for (b = 0; b < TB; b++) { tx.push((tStart + (b + 0.5) * tbw) / 1e9); ty[0].push(0); ty[1].push(0); ty[2].push(0); }
    for (i = 0; i < n; i++) {
      var op = H[i];
      if (op[1] === 0 || op[2] < 0) continue;
      var bi = Math.min(TB - 1, Math.floor((op[0] - tStart) / tbw));
      ty[op[1] - 1][bi] += 1e9 / tbw;
    }
    var tl = function (label, color) { return { label: label, stroke: color, width: 1.5, points: { show: false } }; };
    new uPlot({
      title: 'Throughput (completions/s) over time (s)', width: width, height: 220,
      scales: { x: { time: false } },
      series: [{ label: 't (s)' }, tl('ok', COLORS.ok), tl('fail', COLORS.fail), tl('info', COLORS.info)],
      hooks: { drawClear: [shade] },
    }, [tx, ty[0], ty[1], ty[2]], document.getElementById('throughput'));
  }
  setTimeout(function () {
    try { charts(); } catch (e) { var box = document.getElementById('charts'); if (box) box.textContent = 'Charts failed: ' + e.message; }
    performance.mark('fl-charts');
    document.body.setAttribute('data-charts', '1');
  }, 0);
})();
