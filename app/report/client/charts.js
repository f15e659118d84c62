// Report client, part 5 of 5: marks the page ready, then draws latency (points + quantile lines)
// and throughput with uPlot, fault windows shaded.
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
    // x tick labels with as many decimals as the tick spacing needs (short runs: ms apart).
    var xAxis = { values: function (u, splits) {
      var step = splits.length > 1 ? Math.abs(splits[1] - splits[0]) : 1;
      var d = Math.max(0, Math.min(9, -Math.floor(Math.log10(step || 1) + 1e-9)));
      return splits.map(function (v) { return v.toFixed(d); });
    } };
    var pt = function (label, color) { return { label: label, stroke: color, ptColor: color, paths: dots, points: { show: false } }; };
    var line = function (label, color, dash) { return { label: label, stroke: color, width: 1.5, dash: dash, spanGaps: true, points: { show: false } }; };
    new uPlot({
      title: 'Latency (ms, log scale) by invocation time (s)' + sampledNote, width: width, height: 300,
      scales: { x: { time: false }, y: { distr: 3, range: function (u, mn, mx) { return [Math.max(1e-3, lo / 1.5), hi * 1.5]; } } },
      series: [{ label: 't (s)' }, pt('ok', COLORS.ok), pt('fail', COLORS.fail), pt('info', COLORS.info), line('p50', '#1d2330'), line('p95', '#2554c7', [6, 3]), line('p99', '#9b1c8c', [2, 3])],
      axes: [xAxis, { label: 'ms' }],
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
      axes: [xAxis, {}],
      hooks: { drawClear: [shade] },
    }, [tx, ty[0], ty[1], ty[2]], document.getElementById('throughput'));
  }
  setTimeout(function () {
    try { charts(); } catch (e) { var box = document.getElementById('charts'); if (box) box.textContent = 'Charts failed: ' + e.message; }
    performance.mark('fl-charts');
    document.body.setAttribute('data-charts', '1');
  }, 0);
