// The Maelstrom wire protocol: newline-delimited JSON messages `{src, dest, body}` whose body has
// a `type`, an optional `msg_id` and, for replies, `in_reply_to`. Also Maelstrom's error codes,
// each marked definite (the operation surely did not happen) or indefinite (it may have).

/** A message body. Every field besides the three below is type-specific. */
export interface Body {
  type: string;
  msg_id?: number;
  in_reply_to?: number;
  [field: string]: unknown;
}

export interface Message {
  src: string;
  dest: string;
  body: Body;
}

export interface ErrorCodeInfo {
  code: number;
  name: string;
  /** True when a request answered with this error surely did not take effect. */
  definite: boolean;
  description: string;
}

/** Maelstrom's standard error codes (see Maelstrom's protocol documentation). */
export const ERROR_CODES: Readonly<Record<number, ErrorCodeInfo>> = Object.freeze({
  0: { code: 0, name: 'timeout', definite: false, description: 'the request timed out; it may or may not have taken effect' },
  1: { code: 1, name: 'node-not-found', definite: true, description: 'the destination node does not exist' },
  10: { code: 10, name: 'not-supported', definite: true, description: 'the request type is not supported' },
  11: { code: 11, name: 'temporarily-unavailable', definite: true, description: 'the node cannot serve the request right now (no leader, ...)' },
  12: { code: 12, name: 'malformed-request', definite: true, description: 'the request was malformed' },
  13: { code: 13, name: 'crash', definite: false, description: 'a general indefinite error; the operation may have taken effect' },
  14: { code: 14, name: 'abort', definite: true, description: 'the operation was aborted' },
  20: { code: 20, name: 'key-does-not-exist', definite: true, description: 'the key does not exist' },
  21: { code: 21, name: 'key-already-exists', definite: true, description: 'the key already exists' },
  22: { code: 22, name: 'precondition-failed', definite: true, description: 'a precondition (cas from value) did not hold' },
  30: { code: 30, name: 'txn-conflict', definite: true, description: 'the transaction conflicted and was aborted' },
});

export const ERR = {
  timeout: 0,
  nodeNotFound: 1,
  notSupported: 10,
  temporarilyUnavailable: 11,
  malformedRequest: 12,
  crash: 13,
  abort: 14,
  keyDoesNotExist: 20,
  keyAlreadyExists: 21,
  preconditionFailed: 22,
  txnConflict: 30,
} as const;

/**
 * Whether an error code is definite. Unknown codes (Maelstrom reserves >= 1000 for custom ones)
 * are treated as indefinite, because assuming a failure that did happen would cause false alarms.
 */
export function isDefinite(code: number): boolean {
  return ERROR_CODES[code]?.definite ?? false;
}

export function errorName(code: number): string {
  return ERROR_CODES[code]?.name ?? `error-${code}`;
}

/** Builds an error reply body. */
export function errorBody(code: number, text: string, inReplyTo?: number): Body {
  const b: Body = { type: 'error', code, text };
  if (inReplyTo !== undefined) b.in_reply_to = inReplyTo;
  return b;
}

/** Parses one line into a message, or returns a string saying what is wrong with it. */
export function parseMessage(line: string): Message | string {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch (e) {
    return `not JSON: ${(e as Error).message}`;
  }
  if (typeof v !== 'object' || v === null) return 'not a JSON object';
  const m = v as Record<string, unknown>;
  if (typeof m.src !== 'string') return 'missing string field "src"';
  if (typeof m.dest !== 'string') return 'missing string field "dest"';
  const body = m.body as Record<string, unknown> | undefined;
  if (typeof body !== 'object' || body === null) return 'missing object field "body"';
  if (typeof body.type !== 'string') return 'missing string field "body.type"';
  return m as unknown as Message;
}

export function encodeMessage(m: Message): string {
  return JSON.stringify(m) + '\n';
}

/**
 * Splits a byte stream into lines (a partial last line waits for the next chunk). Used on both
 * sides of the pipes: faultline reading node stdout, and the built-in nodes reading stdin.
 */
export class LineSplitter {
  private rest = '';
  constructor(private readonly onLine: (line: string) => void) {}
  push(chunk: string | Buffer): void {
    const s = this.rest + chunk.toString();
    let start = 0;
    for (let nl = s.indexOf('\n'); nl !== -1; nl = s.indexOf('\n', start)) {
      const line = s.slice(start, nl).trim();
      start = nl + 1;
      if (line) this.onLine(line);
    }
    this.rest = s.slice(start);
  }
}
