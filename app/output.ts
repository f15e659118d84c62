// What the CLI prints: every line goes through here, with control characters escaped (history
// values and node messages may hold terminal escape sequences), and errors in one shape.

import { errorMessage, exitCodeForError, EXIT } from '../src/errors.js';
import { escapeControl } from '../src/terminal.js';

/** A line (or lines) on stdout. */
export function say(text: string): void {
  process.stdout.write(escapeControl(text) + '\n');
}

/** A line on stderr. */
export function note(text: string): void {
  process.stderr.write(escapeControl(text) + '\n');
}

/**
 * Prints an error the way the CLI always does and returns its exit code: a user or environment
 * error as one message naming the place (254), anything else as a crash with its stack (255).
 */
export function reportError(e: unknown): number {
  const code = exitCodeForError(e);
  note(code === EXIT.badInput ? `faultline: ${errorMessage(e)}` : `faultline: crashed: ${errorMessage(e)}`);
  return code;
}
