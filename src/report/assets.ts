// The files inlined into every report: our client script and stylesheet (src/report/client/) and
// uPlot's dist build from node_modules. Read once per process; the report needs no network.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface ReportAssets {
  clientJs: string;
  clientCss: string;
  uplotJs: string;
  uplotCss: string;
}

let cached: ReportAssets | undefined;

export function reportAssets(): ReportAssets {
  if (cached) return cached;
  const here = new URL('./client/', import.meta.url);
  const uplotDir = join(dirname(createRequire(import.meta.url).resolve('uplot')), '.');
  cached = {
    clientJs: readFileSync(new URL('report.js', here), 'utf8'),
    clientCss: readFileSync(new URL('report.css', here), 'utf8'),
    uplotJs: readFileSync(join(uplotDir, 'uPlot.iife.min.js'), 'utf8'),
    uplotCss: readFileSync(join(uplotDir, 'uPlot.min.css'), 'utf8'),
  };
  return cached;
}
