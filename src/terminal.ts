// Text bound for a terminal or a pipe: history values, node names and error messages can hold
// anything a tested system returned, including ESC/OSC/CSI sequences that would recolour, retitle
// or rewrite the user's terminal (or hide a line). Every control character except tab and newline
// is shown as a visible escape instead, as are the bidirectional overrides that reorder text.

// C0 controls but \t and \n, DEL, C1 controls, and the Unicode bidi embedding/override/isolate marks.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `s` with control characters replaced by `\xHH` / `\uHHHH` escapes (tab and newline kept). */
export function escapeControl(s: string): string {
  return s.replace(CONTROL, (c) => {
    const n = c.charCodeAt(0);
    return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
}

/** Writes `text` to a stream with control characters escaped. */
export function writeSafe(stream: NodeJS.WritableStream, text: string): void {
  stream.write(escapeControl(text));
}
