import { describe, expect, it } from 'vitest';
import { EXIT, errorMessage, exitCodeForError, exitCodeForVerdict, FaultlineError, ioError, RunFailedError } from './errors.js';

const errno = (code: string, syscall = 'open', path = '/x/y') => Object.assign(new Error(`${code}: something, ${syscall} '${path}'`), { code, syscall, path });

describe('the one mapping to exit codes', () => {
  it('maps verdicts under --fail-on', () => {
    expect([true, false, 'unknown'].map((v) => exitCodeForVerdict(v as never))).toEqual([0, 1, 2]);
    expect([true, false, 'unknown'].map((v) => exitCodeForVerdict(v as never, 'invalid'))).toEqual([0, 1, 0]);
  });

  it('user and environment errors are 254, crashes 255', () => {
    for (const code of ['BAD_ARGUMENT', 'BAD_INPUT', 'FILE_NOT_FOUND', 'IO', 'UNSUPPORTED', 'UNREACHABLE'] as const) {
      expect(exitCodeForError(new FaultlineError(code, 'x')), code).toBe(EXIT.badInput);
    }
    for (const code of ['INTERNAL', 'DOCKER', 'INTERRUPTED'] as const) expect(exitCodeForError(new FaultlineError(code, 'x')), code).toBe(EXIT.crash);
    expect(exitCodeForError(new TypeError('bug'))).toBe(EXIT.crash);
    // A raw filesystem error from a path the user chose is the environment's doing.
    expect(exitCodeForError(errno('ENOSPC', 'write'))).toBe(EXIT.badInput);
    expect(exitCodeForError(errno('EROFS'))).toBe(EXIT.badInput);
    // A run that failed after it started keeps its cause's code.
    expect(exitCodeForError(new RunFailedError('/r', new FaultlineError('UNREACHABLE', 'down', 'n1')))).toBe(EXIT.badInput);
    expect(exitCodeForError(new RunFailedError('/r', new TypeError('bug')))).toBe(EXIT.crash);
  });

  it('names the problem and the place, without a stack for environment errors', () => {
    const e = ioError('write the report', errno('ENOSPC', 'write', '/out/report.html'));
    expect(e.message).toBe('/out/report.html: cannot write the report: no space left on the device (ENOSPC)');
    expect(errorMessage(errno('EACCES', 'open', '/etc/shadow'))).toMatch(/^\/etc\/shadow: .*permission denied \(EACCES\)$/);
    expect(errorMessage(new RunFailedError('/r/1', new FaultlineError('UNREACHABLE', 'no answer', 'n2')))).toBe('n2: no answer (what the run recorded is in /r/1)');
    expect(errorMessage(new TypeError('bug'))).toMatch(/TypeError: bug\n\s+at /);
  });
});
