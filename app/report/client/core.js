// Report client, part 1 of 5 (core): reads the embedded history (JSON, never HTML) and pairs
// invocations with completions. The parts are concatenated into one function scope by
// app/report/assets.ts: history values reach the DOM only through textContent.
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
    else {
      try { s = JSON.stringify(v); } catch (e) { s = String(v); }
      // Integers beyond 2^53 come as {"$n": "digits"} and "$" keys with one more "$" (see
      // compactValue in data.ts): only then the slower exact rendering.
      if (s.indexOf('"$') >= 0) s = exact(v);
    }
    return s.length > max ? s.slice(0, max - 1) + '\u2026' : s;
  }
  function exact(v) {
    if (v === null || typeof v !== 'object') return JSON.stringify(v) || 'null';
    if (Array.isArray(v)) return '[' + v.map(exact).join(',') + ']';
    var ks = Object.keys(v);
    if (ks.length === 1 && ks[0] === '$n' && typeof v.$n === 'string') return v.$n;
    return '{' + ks.map(function (k) { return JSON.stringify(k.charAt(0) === '$' ? k.slice(1) : k) + ':' + exact(v[k]); }).join(',') + '}';
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
