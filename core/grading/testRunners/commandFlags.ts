import { shellQuote } from '../../shellQuote';

/** The command with `flag` appended unless `present` already matches it. */
export function withFlag(command: string, present: RegExp, flag: string): string {
  return present.test(command) ? command : `${command} ${flag}`;
}

/** The command followed by each argument, shell-quoted (duplicates dropped, order kept). */
export function withArguments(command: string, args: string[]): string {
  const unique = [...new Set(args)];
  return unique.length === 0 ? command : `${command} ${unique.map(shellQuote).join(' ')}`;
}
