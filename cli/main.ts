import { parseArgs } from './args';
import { gradeCommand } from './commands/grade';
import { sandboxRun } from './commands/sandboxRun';
import { trainerInfoCommand } from './commands/trainerInfo';
import { validateTasksCommand } from './commands/validateTasks';
import { reapCommand } from './commands/reap';
import { builtinTasksCommand } from './commands/builtinTasks';
import { trainCommand } from './commands/train';
import { resumeCommand } from './commands/resume';
import { statusCommand } from './commands/status';
import { evalCommand, scheduleEvalCommand } from './commands/evaluate';
import { runInfraScript } from './infraScripts';
import { promptCommand } from './commands/prompt';
import { reportCommand } from './commands/report';
import { recordHistoriesCommand } from './commands/recordHistories';

const USAGE = `usage: swe-rl <command> [options]

commands:
  up [--no-workers] [--policy-server]
                      start what is not running: Temporal dev server, dockerd (when it can), the
                      workers, the Python trainer worker and the CPU policy server (local model)
  down                stop what \`up\` started, by process id
  services            show which services are running
  sandbox-run [--image IMG] [--timeout S] [--id WORKFLOW_ID] [-- COMMAND...]
                      run COMMAND in a fresh sandbox through Temporal and print the result
  trainer-info        ask the Python trainer worker (through Temporal) what it runs on
  grade --task FILE --patch FILE [--repos DIR] [--instance ID]
                      grade a patch in a fresh sandbox; prints one JSON object
  validate-tasks FILE [--repos DIR] [--runs N] [--out DIR] [--concurrency K] [--only ID,ID]
                      gold patch passes, empty patch fails, N runs agree; writes valid tasks + report
  builtin-tasks [--out DIR] [--seed N]
                      generate the built-in task suite (repos/, train.jsonl, eval.jsonl)
  resume RUN [--config FILE] [--detach]
                      continue a failed, terminated or drained run from its last completed
                      iteration (same run folder, checkpoints and step ledger); --config
                      continues it under a changed config (e.g. more iterations)
  status RUN [--runs-dir DIR]
                      iterations from runs/RUN/metrics.jsonl and the live status of workflow RUN
  train --config FILE [--run-id ID]
                      start a training run (or follow the running one) with progress; Ctrl-C detaches
  eval [--config FILE] [--checkpoint DIR] [--tasks FILE] [--runs K]
                      Pass@1 (mean +- standard error over K runs) and Pass@K of a checkpoint
  schedule-eval [--config FILE] [--every 1h] [--id ID]
                      a Temporal Schedule that evaluates the run's newest checkpoint
  reap [--grace S]    remove sandbox containers whose workflow is no longer running
  report RUN [--control RUN] [--runs-dir DIR]
                      Pass@1 +- SEM, Pass@5, steps and format errors of base, RFT, RL (and control);
                      writes runs/RUN/report.json and the learning curve
  record-histories --out DIR [--prefix ID] [--since ISO-TIME]
                      the history of one completed execution of every workflow type, as JSON
                      (the fixtures CI replays against the current code)
  prompt [--style full|compact] [--issue TEXT]
                      the opening messages of an episode, as JSON
`;

async function dispatch(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const dashDash = rest.indexOf('--');
  const optionArgs = dashDash >= 0 ? rest.slice(0, dashDash) : rest;
  const trailing = dashDash >= 0 ? rest.slice(dashDash + 1) : [];
  switch (command) {
    case 'up':
      return runInfraScript('up.sh', rest);
    case 'down':
      return runInfraScript('down.sh', rest);
    case 'services':
      return runInfraScript('services-status.sh', rest);
    case 'sandbox-run': {
      const args = parseArgs(optionArgs);
      return sandboxRun(args, [...args.positional, ...trailing]);
    }
    case 'trainer-info':
      return trainerInfoCommand();
    case 'grade':
      return gradeCommand(parseArgs(optionArgs));
    case 'validate-tasks':
      return validateTasksCommand(parseArgs(optionArgs));
    case 'builtin-tasks':
      return builtinTasksCommand(parseArgs(optionArgs));
    case 'status':
      return statusCommand(parseArgs(optionArgs));
    case 'train':
      return trainCommand(parseArgs(optionArgs));
    case 'resume':
      return resumeCommand(parseArgs(optionArgs, ['detach']));
    case 'eval':
      return evalCommand(parseArgs(optionArgs));
    case 'schedule-eval':
      return scheduleEvalCommand(parseArgs(optionArgs));
    case 'record-histories':
      return recordHistoriesCommand(parseArgs(optionArgs));
    case 'report':
      return reportCommand(parseArgs(optionArgs));
    case 'prompt':
      return promptCommand(parseArgs(optionArgs));
    case 'reap':
      return reapCommand(parseArgs(optionArgs));
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    default:
      process.stderr.write(`swe-rl: unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

dispatch(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`swe-rl: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
