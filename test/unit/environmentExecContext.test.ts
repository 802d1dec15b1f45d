import { spawnSync } from 'node:child_process';
import { activatedArgv, execContextFromLabels, execContextLabels } from '../../activities/sandbox/execContext';

describe('exec context labels', () => {
  it('round-trips through container labels', () => {
    const context = { user: '0:0', workdir: '/testbed', activate: 'source /opt/miniconda3/bin/activate && conda activate testbed' };
    expect(execContextFromLabels(execContextLabels(context))).toEqual(context);
  });

  it('defaults to the base image user in /testbed for containers without labels', () => {
    expect(execContextFromLabels(undefined)).toEqual({ user: '1000:1000', workdir: '/testbed' });
    expect(execContextFromLabels({ 'swe-rl.sandbox': '1' })).toEqual({ user: '1000:1000', workdir: '/testbed' });
  });
});

describe('activatedArgv', () => {
  const run = (argv: string[]) => spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });

  it('leaves argv alone without an activation', () => {
    expect(activatedArgv(['bash', '-c', 'echo hi'], undefined)).toEqual(['bash', '-c', 'echo hi']);
  });

  it('runs the command unchanged after the activation, in its environment', () => {
    const script = 'echo "$SWE_RL_ACTIVATED:$1"; echo "line $LINENO"';
    const result = run(activatedArgv(['bash', '-c', script, 'bash', "it's"], 'export SWE_RL_ACTIVATED=yes'));
    expect(result.status).toBe(0);
    // Activated, the argument intact, and the script's own line numbers unshifted.
    expect(result.stdout).toBe("yes:it's\nline 1\n");
  });

  it('fails visibly, without running the command, when the activation fails', () => {
    const result = run(activatedArgv(['bash', '-c', 'echo ran'], 'source /no/such/activate'));
    expect(result.status).toBe(126);
    expect(result.stdout).not.toContain('ran');
    expect(result.stderr).toContain('swe-rl: activating the environment (source /no/such/activate) failed');
  });
});
