// Running commands inside a container (docker exec) and reading Docker's multiplexed log
// stream format (8-byte frame headers: stream id, size).

import type Docker from 'dockerode';
import { FaultlineError } from '../errors.js';

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Splits a multiplexed stdout/stderr buffer (non-TTY container) into text; both streams interleaved. */
export function demux(buf: Buffer): string {
  if (!Buffer.isBuffer(buf)) return String(buf);
  const parts: string[] = [];
  let i = 0;
  while (i + 8 <= buf.length) {
    const kind = buf[i]!;
    const size = buf.readUInt32BE(i + 4);
    if (kind > 2 || buf[i + 1] !== 0 || buf[i + 2] !== 0 || buf[i + 3] !== 0) return buf.toString('utf8'); // not multiplexed
    parts.push(buf.subarray(i + 8, i + 8 + size).toString('utf8'));
    i += 8 + size;
  }
  return parts.join('');
}

export async function execIn(container: Docker.Container, cmd: string[], timeoutMs: number): Promise<ExecResult> {
  const exec = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  let stdout = '';
  let stderr = '';
  const collect = {
    out: { write: (b: Buffer) => ((stdout += b.toString()), true) },
    err: { write: (b: Buffer) => ((stderr += b.toString()), true) },
  };
  container.modem.demuxStream(stream, collect.out as unknown as NodeJS.WritableStream, collect.err as unknown as NodeJS.WritableStream);
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => {
      stream.destroy();
      reject(new FaultlineError('UNREACHABLE', `command timed out after ${timeoutMs} ms: ${cmd.join(' ')}`));
    }, timeoutMs);
    stream.on('end', () => (clearTimeout(t), resolve()));
    stream.on('close', () => (clearTimeout(t), resolve()));
    stream.on('error', (e) => (clearTimeout(t), reject(e)));
  });
  const info = await exec.inspect();
  return { exitCode: info.ExitCode ?? -1, stdout, stderr };
}
