// The messages the report's Lamport diagram draws, read from a run's net.jsonl (written by the
// Maelstrom router, src/maelstrom/net-journal.ts) and embedded compactly: endpoints and types
// interned, times in µs, sorted by send time. A page holds at most `max` messages: with more,
// the window around the focus time (the first anomaly) is kept, else the first ones, and the
// page says which part it shows. Malformed lines are skipped and counted, never fatal.

import { readFileSync } from 'node:fs';
import { intern } from './data.js';

/** One message as embedded: [sentUs, atUs (-1: never arrived), src, dest, type, fate, msg_id (-1), in_reply_to (-1)]. */
export type EncodedMessage = [number, number, number, number, number, number, number, number];

export const FATES = ['delivered', 'partitioned', 'lost', 'unroutable', 'in-flight'] as const;

export interface EmbeddedNet {
  endpoints: string[];
  types: string[];
  fates: readonly string[];
  messages: EncodedMessage[];
  /** Messages in the log; `messages` may hold a window of them. */
  total: number;
  /** Lines that were not messages. */
  skipped: number;
  /** Whether the log itself stopped at its bound (see results.json net.log). */
  truncated?: boolean;
}

/** At most this many messages go into a page (about 30 bytes each). */
export const MAX_EMBEDDED_MESSAGES = 30_000;

interface Line {
  src: string;
  dest: string;
  type: string;
  sent: number;
  at: number | null;
  fate: string;
  msg_id?: number;
  in_reply_to?: number;
}

function parseLine(text: string): Line | undefined {
  let x: unknown;
  try {
    x = JSON.parse(text);
  } catch {
    return undefined;
  }
  const l = x as Line;
  if (!l || typeof l !== 'object' || typeof l.src !== 'string' || typeof l.dest !== 'string' || typeof l.sent !== 'number' || !Number.isFinite(l.sent)) return undefined;
  if (l.at !== null && (typeof l.at !== 'number' || !Number.isFinite(l.at))) return undefined;
  return l;
}

/** Reads net.jsonl; `focusNs` (ns since the test start) picks the window when there are more than `max` messages. */
export function readNetLog(file: string, focusNs?: number, max = MAX_EMBEDDED_MESSAGES): EmbeddedNet {
  const lines: Line[] = [];
  let skipped = 0;
  for (const text of readFileSync(file, 'utf8').split('\n')) {
    if (!text.trim()) continue;
    const l = parseLine(text);
    if (l) lines.push(l);
    else skipped++;
  }
  lines.sort((a, b) => a.sent - b.sent);
  let from = 0;
  if (lines.length > max && focusNs !== undefined) {
    // The window starts a third of it before the focus: what led up to it, then what followed.
    let i = lines.findIndex((l) => l.sent >= focusNs);
    if (i < 0) i = lines.length;
    from = Math.max(0, Math.min(lines.length - max, i - Math.floor(max / 3)));
  }
  const shown = lines.slice(from, from + max);
  const endpoints: string[] = [];
  const types: string[] = [];
  const epMap = new Map<string, number>();
  const tyMap = new Map<string, number>();
  const us = (ns: number): number => Math.round(ns / 1000);
  const messages = shown.map((l): EncodedMessage => {
    const fate = FATES.indexOf(l.fate as (typeof FATES)[number]);
    return [
      us(l.sent),
      l.at === null ? -1 : us(l.at),
      intern(l.src, endpoints, epMap),
      intern(l.dest, endpoints, epMap),
      intern(String(l.type), types, tyMap),
      fate < 0 ? FATES.indexOf('lost') : fate,
      typeof l.msg_id === 'number' ? l.msg_id : -1,
      typeof l.in_reply_to === 'number' ? l.in_reply_to : -1,
    ];
  });
  return { endpoints, types, fates: FATES, messages, total: lines.length, skipped };
}
