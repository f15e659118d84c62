// The files inlined into every report: our client script (app/report/client/*.js, in order), our
// stylesheet, and uPlot's dist build from node_modules. Read once per process; no network needed.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface ReportAssets {
  clientJs: string;
  clientCss: string;
  uplotJs: string;
  uplotCss: string;
}

const CLIENT_PARTS = ['core.js', 'table.js', 'timeline.js', 'lamport.js', 'charts.js'];

let cached: ReportAssets | undefined;

export function reportAssets(): ReportAssets {
  if (cached) return cached;
  const here = new URL('./client/', import.meta.url);
  const uplotDir = join(dirname(createRequire(import.meta.url).resolve('uplot')), '.');
  cached = {
    // The client parts share one function scope (and 'use strict'), concatenated in order.
    clientJs: `(function () {\n'use strict';\n${CLIENT_PARTS.map((f) => readFileSync(new URL(f, here), 'utf8')).join('\n')}\n})();\n`,
    clientCss: readFileSync(new URL('report.css', here), 'utf8'),
    uplotJs: readFileSync(join(uplotDir, 'uPlot.iife.min.js'), 'utf8'),
    uplotCss: readFileSync(join(uplotDir, 'uPlot.min.css'), 'utf8'),
  };
  return cached;
}
