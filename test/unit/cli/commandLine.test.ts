import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { metricsJsonl } from '../../../core/metrics/metricsJsonl';
import { iterationMetrics } from '../metrics/fixtures';
import { ensureBuilt, ROOT, swerl } from './builtCli';

const COMMANDS = [
  'up', 'down', 'services', 'sandbox-run', 'trainer-info', 'grade', 'validate-tasks', 'build-env', 'builtin-tasks', 'train', 'resume',
  'status', 'eval', 'schedule-eval', 'reap', 'report', 'show', 'record-histories', 'prompt',
];

describe('the swe-rl command line (the built binary)', () => {
  beforeAll(ensureBuilt, 300_000);

  it('prints the package version', () => {
    const version = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
    const run = swerl(['--version']);
    expect(run).toMatchObject({ code: 0, stdout: `${version}\n` });
  });

  it('lists every command in the top-level help, and exits 2 with usage on stderr when given none', () => {
    const help = swerl(['--help']);
    expect(help.code).toBe(0);
    for (const c of COMMANDS) expect(help.stdout).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
    const bare = swerl([]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toMatch(/^Usage: swe-rl/);
  });

  it.each(COMMANDS)('answers `%s --help` with its usage and options, exit 0', (command) => {
    const run = swerl([command, '--help']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: swe-rl ${command} `));
    expect(run.stdout).toContain('-h, --help');
  });

  it('documents the options a command takes', () => {
    const train = swerl(['train', '--help']).stdout;
    for (const option of ['--config <file>', '--run-id <id>', '--detach', '--json', '--progress-interval <seconds>', 'overrides']) expect(train).toContain(option);
    const show = swerl(['show', '--help']).stdout;
    for (const option of ['--html <file>', '--iteration <n>', '--task <id>', '--outcome <outcome>', '--end-reason <reason>', '--runs-dir <dir>', '--json']) expect(show).toContain(option);
    for (const command of ['status', 'eval', 'report', 'train']) expect(swerl([command, '--help']).stdout).toContain('--json');
  });

  it.each([
    [['train', '--config', 'configs/local.yaml', '--no-such-flag'], /unknown option '--no-such-flag'/],
    [['status', 'some-run', '--verbose'], /unknown option '--verbose'/],
    [['eval', '--runs', 'abc'], /option '--runs <k>' argument 'abc' is invalid\. must be a positive integer/],
    [['validate-tasks', 'tasks.jsonl', '--concurrency', '0'], /'--concurrency <k>' argument '0' is invalid/],
    [['train', '--config', 'configs/local.yaml', '--progress-interval', '-3'], /must be a positive number/],
    [['schedule-eval', '--every', 'often'], /must be a duration/],
    [['prompt', '--style', 'verbose'], /Allowed choices are full, compact/],
    [['train'], /required option '--config <file>' not specified/],
    [['train', '--config'], /option '--config <file>' argument missing/],
    [['status'], /missing required argument 'run'/],
    [['report', 'a', 'b'], /too many arguments/],
    [['train', '--config', 'configs/local.yaml', 'not-an-override'], /"not-an-override" is not a config override of the form dotted\.path=value/],
    [['no-such-command'], /unknown command 'no-such-command'/],
  ])('rejects %j with exit 2 and a message on stderr', (args, message) => {
    const run = swerl(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });

  it('exits 1 with the reason on a runtime failure', () => {
    const run = swerl(['report', 'no-such-run', '--runs-dir', tmpdir()]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^swe-rl: no run folder /);
  });

  describe('status --json of a run folder', () => {
    let runsDir: string;
    beforeAll(() => {
      runsDir = mkdtempSync(path.join(tmpdir(), 'swe-rl-cli-status-'));
      mkdirSync(path.join(runsDir, 'run-a'));
      writeFileSync(path.join(runsDir, 'run-a', 'metrics.jsonl'), `${metricsJsonl([iterationMetrics({ iteration: 1 }), iterationMetrics({ iteration: 2 })])}not json\n`);
    });
    afterAll(() => rmSync(runsDir, { recursive: true, force: true }));

    it('prints one JSON object with the recorded iterations, even with no Temporal server', () => {
      // Nothing listens on port 1: the live part is reported as unavailable, the file part stands.
      const run = swerl(['status', 'run-a', '--runs-dir', runsDir, '--json'], { TEMPORAL_ADDRESS: 'localhost:1' });
      expect(run.code).toBe(0);
      const lines = run.stdout.trim().split('\n');
      expect(lines).toHaveLength(1);
      const parsed = JSON.parse(lines[0]);
      expect(parsed.runId).toBe('run-a');
      expect(parsed.iterations.map((m: { iteration: number }) => m.iteration)).toEqual([1, 2]);
      expect(parsed.skippedLines).toEqual([expect.stringMatching(/metrics\.jsonl:3: not JSON/)]);
      expect(parsed.live.kind).toBe('unavailable');
    });
  });
});
