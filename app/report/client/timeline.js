// Report client, part 3 of 5: the zoomable timeline (canvas, rasterized per pixel column so a
// million ops redraw quickly), and witness hover highlighting.
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
