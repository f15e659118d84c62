// ioredis connections as faultline needs them: no offline queue (a command issued while
// disconnected fails at once, surely unsent), no retries or re-sends after a reconnect (a re-sent
// write could apply twice), a per-command timeout, quick reconnects. Through Sentinel, ioredis
// asks the Sentinels (this client's own node's first) for the primary, as applications do, and
// follows failovers it hears of. Errors are classified as definite or not.

import { createRequire } from 'node:module';
import type { Redis, RedisOptions } from 'ioredis';
import type { Completion } from '../../src/protocols.js';
import { FaultlineError } from '../../src/errors.js';

const require = createRequire(import.meta.url);
let lib: typeof import('ioredis').default | undefined;
/** Loaded on first use: runs without Redis do not pay for it. */
const IORedis = (): typeof import('ioredis').default => (lib ??= (require('ioredis') as { default: typeof import('ioredis').default }).default);

export type Target =
  | { host: string; port: number }
  | { sentinels: Array<{ host: string; port: number }>; name: string };

export function connectRedis(target: Target, timeoutMs: number): Redis {
  const common: RedisOptions = {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    autoResendUnfulfilledCommands: false,
    enableReadyCheck: true,
    commandTimeout: timeoutMs,
    connectTimeout: timeoutMs,
    retryStrategy: () => 200,
    reconnectOnError: () => false,
  };
  const opts: RedisOptions =
    'sentinels' in target
      ? { ...common, sentinels: target.sentinels, name: target.name, role: 'master', sentinelRetryStrategy: () => 200, sentinelCommandTimeout: timeoutMs, failoverDetector: true, enableTLSForSentinelMode: false }
      : { ...common, host: target.host, port: target.port };
  const r = new (IORedis())(opts);
  r.on('error', () => {}); // reported through the commands that fail; an unhandled 'error' would crash the run
  return r;
}

/** Opens the connection, or fails within timeoutMs naming the target. */
export async function openRedis(target: Target, timeoutMs: number): Promise<Redis> {
  const r = connectRedis(target, timeoutMs);
  const what = 'sentinels' in target ? `the primary '${target.name}' through Sentinels ${target.sentinels.map((s) => `${s.host}:${s.port}`).join(',')}` : `${target.host}:${target.port}`;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      r.connect(),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no connection within ${timeoutMs} ms`)), timeoutMs))),
    ]);
  } catch (e) {
    r.disconnect();
    throw new Error(`cannot connect to ${what}: ${message(e)}`);
  } finally {
    clearTimeout(timer);
  }
  return r;
}

export function message(e: unknown): string {
  return ((e as Error)?.message ?? String(e)).split('\n')[0]!;
}

/**
 * Surely not executed: never sent (no connection, offline queue off), or refused by the server
 * with an error reply before running (READONLY on a replica, a script error before any write).
 */
export function definiteError(e: unknown): boolean {
  const m = message(e);
  if (/Stream isn't writeable|enableOfflineQueue|Connection is closed before|All sentinels are unreachable|ECONNREFUSED|EHOSTUNREACH/i.test(m)) return true;
  return (e as { name?: string })?.name === 'ReplyError' && /^(READONLY|NOSCRIPT|WRONGTYPE|ERR|LOADING|MASTERDOWN|NOREPLICAS)/.test(m);
}

export function errorCompletion(e: unknown, isRead: boolean): Completion {
  if (e instanceof FaultlineError) throw e;
  return { type: isRead || definiteError(e) ? 'fail' : 'info', error: message(e) };
}
