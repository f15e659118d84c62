// Report client, part 4 of 5: the message diagram (Lamport diagram, as Maelstrom's messages.svg): one vertical
// line per node and client, time downward, an arrow per message from its send to its delivery,
// labelled with its body type when few enough are in view. Only a time window is drawn (on a
// canvas, from messages sorted by send time, found by binary search), so thousands of messages
// stay navigable: wheel to zoom, drag to scroll, Earlier/Later to page. It follows the selected
// op (a jump to an anomaly, a witness link) and shades the op's time. Parsed lazily, when the
// section comes near the viewport. Message text reaches the page only through textContent.
  // ------------------------------------------------------------------ message diagram
  var LD = null;
  function initLamport() {
    if (LD) return LD;
    var el = document.getElementById('fl-net');
    var canvasL = document.getElementById('lamport');
    if (!el || !canvasL) return null;
    var net = JSON.parse(el.textContent);
    var count = document.getElementById('ld-count');
    if (!net || !Array.isArray(net.messages)) {
      if (count) count.textContent = '(' + String(net && net.error || 'no messages') + ')';
      return null;
    }
    var M = net.messages;
    if (!M.length) { if (count) count.textContent = '(none logged)'; return null; }
    if (count) count.textContent = '(' + (M.length < net.total ? M.length + ' of ' + net.total + ' messages: a window of the log; all are in net.jsonl' : M.length + ' messages') + (net.skipped ? ', ' + net.skipped + ' unreadable lines skipped' : '') + ')';
    // Columns: clients, then nodes, then services, each in numeric order (c2 before c10).
    function rank(name) { var c = name.charAt(0); return c === 'c' ? 0 : c === 'n' ? 1 : 2; }
    var order = net.endpoints.map(function (_, k) { return k; });
    order.sort(function (a, b) {
      var x = net.endpoints[a], y = net.endpoints[b];
      return rank(x) - rank(y) || x.replace(/\d+$/, '').localeCompare(y.replace(/\d+$/, '')) || (parseInt(x.replace(/^\D+/, ''), 10) || 0) - (parseInt(y.replace(/^\D+/, ''), 10) || 0) || x.localeCompare(y);
    });
    var colOf = new Int32Array(net.endpoints.length);
    order.forEach(function (ep, c) { colOf[ep] = c; });
    var maxLat = 0;
    for (var k = 0; k < M.length; k++) if (M[k][1] >= 0 && M[k][1] - M[k][0] > maxLat) maxLat = M[k][1] - M[k][0];
    var first = M.length ? M[0][0] : 0, last = M.length ? Math.max(M[M.length - 1][0], first + 1) : 1;
    LD = { net: net, M: M, canvas: canvasL, order: order, colOf: colOf, maxLat: maxLat, first: first, last: last, v0: first, v1: last, W: 0, H: 560, drawn: [], queued: false, drag: null };
    // First view: around the selected op or the first anomaly, else about 80 messages from the start.
    var a0 = selected >= 0 ? selected : anomalies.length ? anomalies[0].index : -1;
    if (a0 >= 0 && a0 < n && H[a0][0] / 1e3 >= first && H[a0][0] / 1e3 <= last) focusOp(a0);
    else { LD.v0 = first - 500; LD.v1 = Math.max(first + 2000, M[Math.min(79, M.length - 1)][0] + 500); }
    wireLamport();
    resizeLamport();
    return LD;
  }
  function typeColor(t) { return 'hsl(' + Math.round((t * 137.508) % 360) + ',60%,' + (t % 2 ? 36 : 44) + '%)'; }
  function yOf(t) { return 30 + ((t - LD.v0) / (LD.v1 - LD.v0)) * (LD.H - 34); }
  function tOfY(y) { return LD.v0 + ((y - 30) / (LD.H - 34)) * (LD.v1 - LD.v0); }
  var LD_LEFT = 70;
  function colX(c) { var cw = (LD.W - LD_LEFT) / Math.max(1, LD.order.length); return LD_LEFT + (c + 0.5) * cw; }
  function resizeLamport() {
    var dpr = window.devicePixelRatio || 1;
    LD.W = LD.canvas.clientWidth || 800;
    LD.canvas.width = Math.round(LD.W * dpr);
    LD.canvas.height = Math.round(LD.H * dpr);
    LD.canvas.style.height = LD.H + 'px';
    LD.canvas.getContext('2d').setTransform(dpr, 0, 0, dpr, 0, 0);
    drawLamport();
  }
  function drawLamport() {
    if (!LD || LD.queued) return;
    LD.queued = true;
    requestAnimationFrame(function () { LD.queued = false; paintLamport(); });
  }
  /** Index of the first message sent at or after t (binary search over send times). */
  function firstAt(t) {
    var lo = 0, hi = LD.M.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (LD.M[mid][0] < t) lo = mid + 1; else hi = mid; }
    return lo;
  }
  var LD_MAX_ARROWS = 20000;
  function paintLamport() {
    var ctx = LD.canvas.getContext('2d'), W = LD.W, Hh = LD.H, M = LD.M, net = LD.net;
    ctx.clearRect(0, 0, W, Hh);
    ctx.font = '11px system-ui, sans-serif';
    // Fault windows beside the time axis; the selected op's time across the columns.
    (data.windows || []).forEach(function (w) {
      var y0 = Math.max(30, yOf(w.start / 1e3)), y1 = Math.min(Hh, yOf(w.end / 1e3));
      if (y1 <= y0) return;
      ctx.fillStyle = w.color; ctx.globalAlpha = 0.35; ctx.fillRect(LD_LEFT - 10, y0, 6, y1 - y0); ctx.globalAlpha = 1;
    });
    if (selected >= 0) {
      var inv = H[selected][1] === 0 ? selected : partner[selected] >= 0 ? partner[selected] : selected;
      var comp = partner[inv] >= 0 ? partner[inv] : inv;
      var sy0 = yOf(H[inv][0] / 1e3), sy1 = yOf((H[inv][1] === 0 && partner[inv] < 0 ? tEnd : H[comp][0]) / 1e3);
      ctx.fillStyle = 'rgba(255, 196, 0, 0.22)'; ctx.fillRect(LD_LEFT, sy0, W - LD_LEFT, Math.max(2, sy1 - sy0));
    }
    // Lifelines and their names.
    ctx.textBaseline = 'middle'; ctx.textAlign = 'center';
    LD.order.forEach(function (ep, c) {
      var x = colX(c), name = net.endpoints[ep];
      var isSel = selected >= 0 && H[selected][5] >= 0 && data.nodes[H[selected][5]] === name;
      ctx.strokeStyle = isSel ? '#c62828' : '#c9cedb'; ctx.lineWidth = isSel ? 2 : 1;
      ctx.beginPath(); ctx.moveTo(x, 26); ctx.lineTo(x, Hh); ctx.stroke();
      ctx.fillStyle = '#1d2330'; ctx.fillText(name, x, 12);
    });
    // Arrows of the messages in the window (a delayed one may have been sent before it).
    var drawn = [];
    var start = firstAt(LD.v0 - LD.maxLat), shown = 0, more = false;
    for (var i = start; i < M.length && M[i][0] <= LD.v1; i++) {
      var m = M[i], end = m[1] >= 0 ? m[1] : LD.v1;
      if (end < LD.v0) continue;
      if (shown >= LD_MAX_ARROWS) { more = true; break; }
      shown++;
      var xs = colX(LD.colOf[m[2]]), xd = colX(LD.colOf[m[3]]), ys = yOf(m[0]), yd = yOf(end);
      var dropped = m[5] >= 1 && m[5] <= 3, flying = m[5] === 4;
      if (dropped) { xd = xs + (xd - xs) * 0.6; }
      ctx.strokeStyle = dropped ? '#c62828' : flying ? '#8e8e9e' : typeColor(m[4]);
      ctx.lineWidth = 1.2;
      ctx.setLineDash(dropped || flying ? [4, 3] : []);
      ctx.beginPath(); ctx.moveTo(xs, ys); ctx.lineTo(xd, yd); ctx.stroke();
      ctx.setLineDash([]);
      if (dropped) {
        ctx.beginPath(); ctx.moveTo(xd - 4, yd - 4); ctx.lineTo(xd + 4, yd + 4); ctx.moveTo(xd + 4, yd - 4); ctx.lineTo(xd - 4, yd + 4); ctx.stroke();
      } else if (xs !== xd || ys !== yd) {
        var ang = Math.atan2(yd - ys, xd - xs);
        ctx.fillStyle = ctx.strokeStyle;
        ctx.beginPath(); ctx.moveTo(xd, yd);
        ctx.lineTo(xd - 8 * Math.cos(ang - 0.4), yd - 8 * Math.sin(ang - 0.4));
        ctx.lineTo(xd - 8 * Math.cos(ang + 0.4), yd - 8 * Math.sin(ang + 0.4));
        ctx.closePath(); ctx.fill();
      }
      drawn.push(i, xs, ys, xd, yd);
    }
    LD.drawn = drawn;
    // Labels when they can be read: the body type a third along each arrow (a request and its
    // immediate reply run along the same line in opposite directions: their labels stay apart).
    if (shown <= 400) {
      ctx.textBaseline = 'bottom';
      for (var j = 0; j < drawn.length; j += 5) {
        var mm = M[drawn[j]], label = net.types[mm[4]];
        var mx = drawn[j + 1] + (drawn[j + 3] - drawn[j + 1]) / 3, my = drawn[j + 2] + (drawn[j + 4] - drawn[j + 2]) / 3;
        var tw = ctx.measureText(label).width;
        ctx.fillStyle = 'rgba(255,255,255,0.85)'; ctx.fillRect(mx - tw / 2 - 2, my - 13, tw + 4, 12);
        ctx.fillStyle = mm[5] >= 1 && mm[5] <= 3 ? '#c62828' : typeColor(mm[4]);
        ctx.fillText(label, mx, my - 1);
      }
    }
    // Time axis.
    ctx.textAlign = 'left'; ctx.textBaseline = 'middle';
    ctx.fillStyle = 'rgba(255,255,255,0.95)'; ctx.fillRect(0, 26, LD_LEFT - 12, Hh);
    var span = (LD.v1 - LD.v0) / 1e6;
    var stepS = Math.pow(10, Math.floor(Math.log10(span / 8 || 1e-6)));
    if (span / stepS > 16) stepS *= 5; else if (span / stepS > 8) stepS *= 2;
    var decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(stepS) + 1e-9)));
    ctx.fillStyle = '#667085'; ctx.strokeStyle = '#98a0b3'; ctx.lineWidth = 1;
    for (var s = Math.ceil(LD.v0 / 1e6 / stepS) * stepS; s <= LD.v1 / 1e6; s += stepS) {
      var y = yOf(s * 1e6);
      if (y < 30) continue;
      ctx.beginPath(); ctx.moveTo(LD_LEFT - 16, y); ctx.lineTo(LD_LEFT - 12, y); ctx.stroke();
      ctx.fillText(s.toFixed(decimals) + ' s', 2, y);
    }
    var info = document.getElementById('ld-info');
    if (info) info.textContent = (LD.v0 / 1e6).toFixed(3) + '–' + (LD.v1 / 1e6).toFixed(3) + ' s: ' + shown + ' messages' + (more ? ' drawn (more: zoom in)' : '') + (shown > 400 ? '; zoom in for their types' : '');
    document.body.setAttribute('data-net', '1');
  }
  function describeMessage(i) {
    var m = LD.M[i], net = LD.net;
    var lines = [net.types[m[4]] + '  ' + net.endpoints[m[2]] + ' \u2192 ' + net.endpoints[m[3]], 'sent at ' + (m[0] / 1e6).toFixed(6) + ' s'];
    var fate = net.fates[m[5]];
    if (fate === 'delivered') lines.push('delivered at ' + (m[1] / 1e6).toFixed(6) + ' s (' + ((m[1] - m[0]) / 1e3).toFixed(3) + ' ms later)');
    else if (fate === 'in-flight') lines.push('still in flight when the cluster was torn down');
    else lines.push('dropped (' + fate + ')');
    if (m[6] >= 0) lines.push('msg_id ' + m[6]);
    if (m[7] >= 0) lines.push('in_reply_to ' + m[7]);
    return lines.join('\n');
  }
  function nearestMessage(x, y) {
    var d = LD.drawn, best = -1, bestD = 36;
    for (var j = 0; j < d.length; j += 5) {
      var x1 = d[j + 1], y1 = d[j + 2], x2 = d[j + 3], y2 = d[j + 4];
      var dx = x2 - x1, dy = y2 - y1, len = dx * dx + dy * dy;
      var u = len ? Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / len)) : 0;
      var ex = x1 + u * dx - x, ey = y1 + u * dy - y, dd = ex * ex + ey * ey;
      if (dd < bestD) { bestD = dd; best = d[j]; }
    }
    return best;
  }
  function zoomLamport(factor, atY) {
    var t = tOfY(atY);
    var v0 = t - (t - LD.v0) * factor, v1 = t + (LD.v1 - t) * factor;
    if (v1 - v0 < 50) return;
    LD.v0 = v0; LD.v1 = v1; drawLamport();
  }
  function pageLamport(dir) { var span = LD.v1 - LD.v0; LD.v0 += dir * span * 0.9; LD.v1 += dir * span * 0.9; drawLamport(); }
  /** Centers the window on op `idx` (its invocation to its completion, with room around it). */
  function focusOp(idx) {
    var inv = H[idx][1] === 0 ? idx : partner[idx] >= 0 ? partner[idx] : idx;
    var t0 = H[inv][0] / 1e3, t1 = partner[inv] >= 0 ? H[partner[inv]][0] / 1e3 : t0;
    var span = Math.max((t1 - t0) * 4, 50000);
    LD.v0 = (t0 + t1) / 2 - span / 2; LD.v1 = (t0 + t1) / 2 + span / 2;
  }
  /** Called by select() (table.js): shows the op's messages when following is on. */
  function netFollow(idx) {
    var btn = document.getElementById('ld-op');
    if (btn) btn.disabled = false;
    if (!LD) return;
    var follow = document.getElementById('ld-follow');
    if (!follow || follow.checked) focusOp(idx);
    drawLamport();
  }
  function wireLamport() {
    var c = LD.canvas, tipL = document.getElementById('ld-tip');
    c.addEventListener('wheel', function (e) { e.preventDefault(); zoomLamport(e.deltaY > 0 ? 1.25 : 0.8, e.offsetY); }, { passive: false });
    c.addEventListener('mousedown', function (e) { LD.drag = { y: e.offsetY, v0: LD.v0, v1: LD.v1 }; c.style.cursor = 'grabbing'; });
    window.addEventListener('mouseup', function () { LD.drag = null; c.style.cursor = 'grab'; });
    c.addEventListener('mousemove', function (e) {
      if (LD.drag) {
        var dt = ((e.offsetY - LD.drag.y) / (LD.H - 34)) * (LD.drag.v1 - LD.drag.v0);
        LD.v0 = LD.drag.v0 - dt; LD.v1 = LD.drag.v1 - dt; tipL.style.display = 'none'; drawLamport(); return;
      }
      var i = nearestMessage(e.offsetX, e.offsetY);
      if (i < 0) { tipL.style.display = 'none'; return; }
      tipL.textContent = describeMessage(i);
      tipL.style.display = 'block';
      tipL.style.left = Math.min(e.offsetX + 12, LD.W - 320) + 'px';
      tipL.style.top = e.offsetY + 14 + 'px';
    });
    c.addEventListener('mouseleave', function () { tipL.style.display = 'none'; });
    document.getElementById('ld-earlier').addEventListener('click', function () { pageLamport(-1); });
    document.getElementById('ld-later').addEventListener('click', function () { pageLamport(1); });
    document.getElementById('ld-in').addEventListener('click', function () { zoomLamport(0.5, LD.H / 2); });
    document.getElementById('ld-out').addEventListener('click', function () { zoomLamport(2, LD.H / 2); });
    document.getElementById('ld-op').addEventListener('click', function () { if (selected >= 0) { focusOp(selected); drawLamport(); } });
    window.addEventListener('resize', resizeLamport);
  }
  (function lazyLamport() {
    var section = document.getElementById('net-section');
    if (!section || !document.getElementById('fl-net')) return;
    if (typeof IntersectionObserver === 'undefined') { initLamport(); return; }
    var io = new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) { io.disconnect(); initLamport(); }
    }, { rootMargin: '300px' });
    io.observe(section);
  })();
