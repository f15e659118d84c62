// Parsing helpers for CLI options: integers, key=value pairs, comma lists, with errors that name
// the option.

import { badArgument } from '../../src/errors.js';

export function intOption(name: string) {
  return (s: string): number => {
    if (!/^\d+$/.test(s.trim())) throw badArgument(`expected a non-negative integer, got '${s}'`, name);
    return Number(s);
  };
}

export function numberOption(name: string) {
  return (s: string): number => {
    const n = Number(s);
    if (s.trim() === '' || !Number.isFinite(n) || n < 0) throw badArgument(`expected a non-negative number, got '${s}'`, name);
    return n;
  };
}

export function keyValueOption(name: string) {
  return (s: string, prev: Record<string, string> = {}): Record<string, string> => {
    const i = s.indexOf('=');
    if (i <= 0) throw badArgument(`expected key=value, got '${s}'`, name);
    return { ...prev, [s.slice(0, i).trim()]: s.slice(i + 1).trim() };
  };
}

export function listOption(s: string): string[] {
  return s.split(',').map((x) => x.trim()).filter(Boolean);
}

export function choiceOption(name: string, choices: readonly string[]) {
  return (s: string): string => {
    if (!choices.includes(s)) throw badArgument(`expected one of ${choices.join(', ')}, got '${s}'`, name);
    return s;
  };
}

/** A checker budget (--time-limit seconds, --memory-limit MiB): positive; 0 is refused, not read as "unlimited". */
export function budgetOption(name: string, unit: string) {
  return (s: string): number => {
    const n = Number(s);
    if (s.trim() === '' || !Number.isFinite(n) || n <= 0) {
      throw badArgument(`expected a positive number of ${unit}, got '${s}'${n === 0 && s.trim() !== '' ? ` (0 leaves nothing to check with; leave ${name} out for the default budget)` : ''}`, name);
    }
    return n;
  };
}
