// Commands sent over SSH travel as one string that the remote shell splits again. Every argument
// is quoted on its own (POSIX single quotes), so a value from anywhere (a node name, a path, an
// option) reaches the remote program as exactly one argument and is never interpreted.

/** One argument as a POSIX shell word. */
export function shellWord(arg: string): string {
  if (arg === '') return "''";
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** An argv as one command line for a POSIX shell. */
export function shellCommand(argv: readonly string[]): string {
  if (argv.length === 0) throw new Error('empty command');
  return argv.map(shellWord).join(' ');
}
