import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Argument, Command, Option } from 'commander';
import { DEFAULT_CONFIG } from './defaultConfig';
import { runInfraScript } from './infraScripts';
import { collectOverride, duration, isoDateTime, nonNegativeNumber, nonNegativeInt, positiveInt, positiveNumber } from './optionParsers';

const ROOT = path.resolve(__dirname, '..', '..');

function packageVersion(): string {
  return (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** `[dotted.path=value...]`: config overrides after the options. */
const overridesArgument = () =>
  new Argument('[overrides...]', 'config overrides, e.g. stages.0.groupSize=16 stages.0.iterations=3').argParser(collectOverride);

const jsonOption = (what: string) => new Option('--json', `print ${what} as one JSON object on stdout`);
const progressIntervalOption = () =>
  new Option('--progress-interval <seconds>', 'seconds between progress lines when stderr is not a terminal').argParser(positiveNumber).default(30);

// Commands load their modules when they run, so `--help`, `--version` and usage errors stay quick.
const commands = {
  buildEnv: () => import('./commands/buildEnv'),
  builtinTasks: () => import('./commands/builtinTasks'),
  evaluate: () => import('./commands/evaluate'),
  grade: () => import('./commands/grade'),
  prompt: () => import('./commands/prompt'),
  reap: () => import('./commands/reap'),
  recordHistories: () => import('./commands/recordHistories'),
  report: () => import('./commands/report'),
  resume: () => import('./commands/resume'),
  sandboxRun: () => import('./commands/sandboxRun'),
  show: () => import('./commands/show'),
  status: () => import('./commands/status'),
  train: () => import('./commands/train'),
  trainerInfo: () => import('./commands/trainerInfo'),
  validateTasks: () => import('./commands/validateTasks'),
};

/**
 * The `swe-rl` command line. Every action stores its exit code in `exit.code`; usage errors throw
 * a CommanderError (the program uses exitOverride), which main turns into exit code 2.
 */
export function buildProgram(exit: { code: number }): Command {
  const program = new Command('swe-rl')
    .description('train multi-turn software-engineering agents with reinforcement learning, on Temporal')
    .version(packageVersion(), '-V, --version', 'print the version')
    .exitOverride()
    .showHelpAfterError('(add --help for usage)');
  const done = (code: number) => void (exit.code = code);

  const infra = (name: string, script: string, description: string) =>
    program
      .command(name)
      .description(description)
      .argument('[args...]', `arguments passed on to infra/${script}`)
      .allowUnknownOption()
      .action((args: string[]) => done(runInfraScript(script, args)));
  infra('up', 'up.sh', 'start what is not running: Temporal dev server, dockerd (when it can), the workers, the Python trainer worker and the CPU policy server (--no-workers, --policy-server)');
  infra('down', 'down.sh', 'stop what `up` started, by process id');
  infra('services', 'services-status.sh', 'show which services are running');

  program
    .command('sandbox-run')
    .description('run COMMAND in a fresh sandbox through Temporal and print the result')
    .argument('[command...]', 'the shell command (after --)')
    .option('--image <image>', 'sandbox image')
    .option('--timeout <seconds>', 'command timeout', positiveNumber)
    .option('--id <workflowId>', 'workflow id')
    .action(async (command: string[], o) => done(await (await commands.sandboxRun()).sandboxRun(o, command)));

  program
    .command('trainer-info')
    .description('ask the Python trainer worker (through Temporal) what it runs on')
    .action(async () => done(await (await commands.trainerInfo()).trainerInfoCommand()));

  program
    .command('grade')
    .description('grade a patch in a fresh sandbox; prints one JSON object')
    .requiredOption('--task <file>', 'task set: JSON, JSONL, Parquet or a saved datasets folder (FOLDER#SPLIT)')
    .requiredOption('--patch <file>', 'patch file')
    .option('--repos <dir>', 'folder of the task repositories')
    .option('--instance <id>', 'the task to grade when the file holds several')
    .option('--log-dir <dir>', 'where the grading log goes', '.data/grading')
    .action(async (o) => done(await (await commands.grade()).gradeCommand(o)));

  program
    .command('validate-tasks')
    .description('gold patch passes, empty patch fails, N runs agree; writes valid tasks + report')
    .argument('<file>', 'task set: JSON, JSONL, Parquet or a saved datasets folder (FOLDER#SPLIT)')
    .option('--repos <dir>', 'folder of the task repositories')
    .option('--runs <n>', 'gradings of each patch', positiveInt, 1)
    .option('--out <dir>', 'output folder (default .data/validated/<name>)')
    .option('--concurrency <k>', 'tasks validated at once', positiveInt, 2)
    .option('--only <ids>', 'comma-separated instance ids')
    .action(async (file: string, o) => done(await (await commands.validateTasks()).validateTasksCommand({ file, ...o })));

  program
    .command('build-env')
    .description('build or pull the environment image of every task, once per environment; progress, summary and report.json')
    .argument('<file>', 'task set: JSON, JSONL, Parquet or a saved datasets folder (FOLDER#SPLIT)')
    .option('--repos <dir>', 'folder of the task repositories')
    .option('--only <ids>', 'comma-separated instance ids')
    .option('--concurrency <k>', 'environments built at once', positiveInt, 2)
    .option('--out <dir>', 'where report.json goes (default .data/environments/<name>)')
    .action(async (file: string, o) => done(await (await commands.buildEnv()).buildEnvCommand({ file, ...o })));

  program
    .command('builtin-tasks')
    .description('generate the built-in task suite (repos/, train.jsonl, eval.jsonl)')
    .option('--out <dir>', 'output folder (default .data/builtin-tasks)')
    .option('--seed <n>', 'generator seed', nonNegativeInt, 0)
    .action(async (o) => done(await (await commands.builtinTasks()).builtinTasksCommand(o)));

  program
    .command('train')
    .description('start a training run (or follow the running one) with progress; Ctrl-C detaches')
    .requiredOption('--config <file>', 'run config (JSON or YAML)')
    .option('--run-id <id>', 'run id (overrides the config)')
    .option('--detach', 'start the run and return at once, printing its id as JSON')
    .addOption(progressIntervalOption())
    .addOption(jsonOption('the final result (progress goes to stderr)'))
    .addArgument(overridesArgument())
    .action(async (overrides: string[] | undefined, o) => done(await (await commands.train()).trainCommand({ ...o, overrides: overrides ?? [] })));

  program
    .command('resume')
    .description('continue a failed, terminated or drained run from its last completed iteration (same run folder, checkpoints and step ledger); --config continues it under a changed config')
    .argument('<run>', 'run id')
    .option('--config <file>', 'a changed config (same run id and runs folder)')
    .option('--detach', 'resume and return at once, printing where it resumed as JSON')
    .addOption(progressIntervalOption())
    .addOption(jsonOption('the final result (progress goes to stderr)'))
    .addArgument(overridesArgument())
    .action(async (runId: string, overrides: string[] | undefined, o) => done(await (await commands.resume()).resumeCommand({ ...o, runId, overrides: overrides ?? [] })));

  program
    .command('status')
    .description('iterations from runs/RUN/metrics.jsonl and the live status of workflow RUN')
    .argument('<run>', 'run id')
    .option('--runs-dir <dir>', 'runs folder', 'runs')
    .addOption(jsonOption('the iterations and the live status'))
    .action(async (runId: string, o) => done(await (await commands.status()).statusCommand({ ...o, runId })));

  program
    .command('eval')
    .description('Pass@1 (mean +- standard error over K runs) and Pass@K of a checkpoint')
    .option('--config <file>', 'run config (JSON or YAML)', DEFAULT_CONFIG)
    .option('--checkpoint <dir>', 'checkpoint folder (default: the base model)')
    .option('--tasks <file>', 'evaluation tasks (default: the config\'s evalFile)')
    .option('--runs <k>', 'runs per task (default: the config\'s evaluation.runs)', positiveInt)
    .addOption(jsonOption('the evaluation summary'))
    .addOption(progressIntervalOption())
    .addArgument(overridesArgument())
    .action(async (overrides: string[] | undefined, o) => done(await (await commands.evaluate()).evalCommand({ ...o, overrides: overrides ?? [] })));

  program
    .command('schedule-eval')
    .description('a Temporal Schedule that evaluates the run\'s newest checkpoint')
    .option('--config <file>', 'run config (JSON or YAML)', DEFAULT_CONFIG)
    .option('--every <interval>', 'how often, e.g. 30m, 1h, 1d', duration, '1h')
    .option('--id <scheduleId>', 'schedule id (default <run>-eval)')
    .addArgument(overridesArgument())
    .action(async (overrides: string[] | undefined, o) => done(await (await commands.evaluate()).scheduleEvalCommand({ ...o, overrides: overrides ?? [] })));

  program
    .command('reap')
    .description('remove sandbox containers whose workflow is no longer running')
    .option('--grace <seconds>', 'spare containers younger than this', nonNegativeNumber, 60)
    .action(async (o) => done(await (await commands.reap()).reapCommand(o)));

  program
    .command('report')
    .description('Pass@1 +- SEM, Pass@5, steps and format errors of base, RFT, RL (and control); writes runs/RUN/report.json and the learning curve')
    .argument('<run>', 'run id')
    .option('--control <run>', 'the control run (shuffled rewards)')
    .option('--runs-dir <dir>', 'runs folder', 'runs')
    .addOption(jsonOption('the report and its verdict'))
    .action(async (runId: string, o) => done(await (await commands.report()).reportCommand({ ...o, runId })));

  program
    .command('show')
    .description('one episode as a transcript (text, --json, or --html FILE), or without EPISODE the run\'s episodes as a table')
    .argument('<run>', 'run id')
    .argument('[episode]', 'episode id or key')
    .option('--html <file>', 'write the transcript as a self-contained HTML page')
    .option('--iteration <n>', 'only episodes of this iteration', nonNegativeInt)
    .option('--task <id>', 'only episodes of this task')
    .option('--outcome <outcome>', 'only episodes with this outcome (resolved, unresolved, failed)')
    .option('--end-reason <reason>', 'only episodes that ended this way')
    .option('--runs-dir <dir>', 'runs folder', 'runs')
    .addOption(jsonOption('the episode or the listing'))
    .action(async (runId: string, episode: string | undefined, o) => done(await (await commands.show()).showCommand({ ...o, runId, episode })));

  program
    .command('record-histories')
    .description('the history of one completed execution of every workflow type, as JSON (the fixtures CI replays against the current code)')
    .requiredOption('--out <dir>', 'output folder')
    .option('--prefix <id>', 'only workflow ids starting with this')
    .option('--since <time>', 'only executions started after this ISO date-time', isoDateTime)
    .action(async (o) => done(await (await commands.recordHistories()).recordHistoriesCommand(o)));

  program
    .command('prompt')
    .description('the opening messages of an episode, as JSON')
    .addOption(new Option('--style <style>', 'prompt style').choices(['full', 'compact']).default('full'))
    .option('--issue <text>', 'the issue text', '{issue}')
    .option('--timeout <seconds>', 'command timeout named in the prompt', positiveNumber, 30)
    .action(async (o) => done(await (await commands.prompt()).promptCommand(o)));

  return program;
}
