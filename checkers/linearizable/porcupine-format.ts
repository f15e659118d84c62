// Readers for Porcupine's two test-log formats, registered as history formats `porcupine-etcd`
// and `porcupine-kv` (see ../shared/anchors/porcupine/README.md for the formats):
// - etcd: `INFO  jepsen.util - 3	:invoke	:cas	[1 4]` (any whitespace run separates fields).
//   Other lines are noise, skipped (the format says so); a file with no history line at all is an
//   error naming its first line. `:fail :cas` completed without effect and is an observation (the
//   op gets `observed: true`); `:fail :read :timed-out` returned nothing usable and becomes `info`
//   (a read that constrains nothing); `:info` is a crash.
// - kv: one EDN map per line, `{:process 3, :type :invoke, :f :append, :key "9", :value "x"}`;
//   the value becomes a `[key, value]` tuple. Every form must be such a map.

import { badInput } from '../../src/errors.js';
import { readEdnStream } from '../../src/edn.js';
import { forEachLine, registerFormat, type HistoryFormat } from '../../src/history-io.js';
import { integerOrNumber } from '../../src/json.js';

const ETCD_LINE = /^\s*INFO\s+jepsen\.util\s+-\s+/;
const ETCD_FIELDS = /^(\d+)\s+:([\w-]+)\s+:([\w-]+)\s+(.*?)\s*$/;

function etcdValue(s: string, where: string): unknown {
  if (s === 'nil') return null;
  if (/^-?\d+$/.test(s)) return integerOrNumber(s, true);
  if (s.startsWith(':')) return s.slice(1);
  const m = /^\[\s*(-?\d+|nil)\s+(-?\d+|nil)\s*\]$/.exec(s);
  if (m) return [etcdValue(m[1]!, where), etcdValue(m[2]!, where)];
  throw badInput(`cannot read the value ${JSON.stringify(s)}`, where);
}

export const porcupineEtcdFormat: HistoryFormat = {
  name: 'porcupine-etcd',
  sniff: (head) => /^\s*INFO\s+jepsen\.util\s+-\s+\d+\s+:/m.test(head),
  expects: 'lines like "INFO  jepsen.util - 3 :invoke :cas [1 4]"',
  parse(src, sink) {
    forEachLine(src, (line, n) => {
      const m0 = ETCD_LINE.exec(line);
      if (!m0) {
        sink.skipped(n, line); // not a history line: noise (the README says to skip it)
        return;
      }
      const where = `${src.name}:${n}`;
      const m = ETCD_FIELDS.exec(line.slice(m0[0].length));
      if (!m) throw badInput(`malformed history line (expected: process :type :f value): ${JSON.stringify(line.trim())}`, where);
      const [, proc, type, f, rawValue] = m as unknown as [string, string, string, string, string];
      if (rawValue === '') throw badInput(`missing value (truncated line?)`, where);
      const value = etcdValue(rawValue, where);
      const fields: Record<string, unknown> = { process: integerOrNumber(proc, true), type, f, value };
      if (type === 'fail' && f === 'read') {
        // Completed with an unknown result: like a crash, it constrains nothing.
        Object.assign(fields, { type: 'info', value: null, error: value });
      } else if (type === 'fail') {
        fields.observed = true;
      } else if (type === 'info') {
        Object.assign(fields, { value: null, error: value });
      }
      sink.op(fields, n);
    });
  },
};

const KV_SNIFF = /^\s*\{\s*:process\s+\d+,?\s+:type\s+:\w+,?\s+:f\s+:\w+,?\s+:key\s/m;

export const porcupineKvFormat: HistoryFormat = {
  name: 'porcupine-kv',
  sniff: (head) => KV_SNIFF.test(head),
  parse(src, sink) {
    readEdnStream(src, (value, line) => {
      const where = `${src.name}:${line}`;
      if (!value || typeof value !== 'object' || Array.isArray(value)) throw badInput('expected an op map {:process .. :type .. :f .. :key .. :value ..}', where);
      const m = value as Record<string, unknown>;
      if (!('key' in m)) throw badInput('missing :key', where);
      const { key, value: v, ...rest } = m;
      sink.op({ ...rest, value: [key, v === undefined ? null : v] }, line);
    });
  },
};

registerFormat(porcupineEtcdFormat);
registerFormat(porcupineKvFormat);
