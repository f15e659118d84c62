// Report client, part 2 of 5: the virtualized history table with its filter, and selecting /
// jumping to an op (#op-N links, "Jump to the first anomaly").
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
      sel.textContent = '';
      anomalies.filter(function (a) { return a.index === idx || a.index === partner[idx]; }).forEach(function (a) {
        sel.appendChild(document.createTextNode('ANOMALY' + (a.checker ? ' (' + a.checker + ')' : '') + ': ' + a.message + '  '));
        // Link to the checker's evidence section (ids are slugs of the top-level checker name).
        var top = a.checker ? a.checker.split('/')[0] : (data.checkers && data.checkers.length === 1 ? data.checkers[0] : '');
        if (top) {
          var link = document.createElement('a');
          link.href = '#checker-' + top.replace(/[^A-Za-z0-9_-]+/g, '_');
          link.textContent = 'see the evidence';
          sel.appendChild(link);
        }
        sel.appendChild(document.createTextNode('\n'));
      });
      sel.appendChild(document.createTextNode(describe(idx)));
      sel.className = 'text has';
    }
    if (opts.center) centerOn(idx);
    drawTimeline();
    netFollow(idx);
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
