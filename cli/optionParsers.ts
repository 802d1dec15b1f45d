import { InvalidArgumentError } from 'commander';

/** Option value parsers for commander: a bad value is a usage error (exit 2), not a runtime one. */
function numberParser(accept: (n: number) => boolean, what: string): (value: string) => number {
  return (value: string) => {
    const n = value.trim() === '' ? NaN : Number(value);
    if (!accept(n)) throw new InvalidArgumentError(`must be ${what}.`);
    return n;
  };
}

export const positiveInt = numberParser((n) => Number.isInteger(n) && n >= 1, 'a positive integer');
export const nonNegativeInt = numberParser((n) => Number.isInteger(n) && n >= 0, 'an integer of 0 or more');
export const positiveNumber = numberParser((n) => Number.isFinite(n) && n > 0, 'a positive number');
export const nonNegativeNumber = numberParser((n) => Number.isFinite(n) && n >= 0, 'a number of 0 or more');

const DOTTED_OVERRIDE = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*=/;

/** Collects `dotted.path=value` config overrides (a variadic argument). */
export function collectOverride(value: string, previous: string[] | undefined): string[] {
  if (!DOTTED_OVERRIDE.test(value)) throw new InvalidArgumentError(`"${value}" is not a config override of the form dotted.path=value.`);
  return [...(previous ?? []), value];
}

/** A Temporal interval such as `30m`, `1h`, `1.5d`. */
export function duration(value: string): string {
  if (!/^\d+(\.\d+)?(ms|s|m|h|d)$/.test(value)) throw new InvalidArgumentError('must be a duration such as 30m, 1h or 1d.');
  return value;
}

/** An ISO date-time such as 2026-01-31T12:00:00Z. */
export function isoDateTime(value: string): string {
  if (Number.isNaN(Date.parse(value))) throw new InvalidArgumentError('must be an ISO date-time such as 2026-01-31T12:00:00Z.');
  return value;
}
