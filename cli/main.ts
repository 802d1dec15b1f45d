import { CommanderError } from 'commander';
import { buildProgram } from './program';

/** Usage errors (unknown option or command, missing or bad value) exit 2; runtime failures exit 1. */
async function main(argv: string[]): Promise<number> {
  const exit = { code: 0 };
  const program = buildProgram(exit);
  if (argv.length <= 2) {
    program.outputHelp({ error: true });
    return 2;
  }
  try {
    await program.parseAsync(argv);
    return exit.code;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? 0 : 2;
    process.stderr.write(`swe-rl: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

void main(process.argv).then((code) => process.exit(code));
