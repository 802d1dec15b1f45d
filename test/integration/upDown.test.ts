import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isolatedState, processAlive, ROOT, runProject } from './support/processes';
import { temporalCli } from './support/temporalCli';

// `swe-rl up` finds the dev server and Docker already running (started by infra/test.sh), so it
// must start only the workers, and `swe-rl down` must stop only those.
describe('swe-rl up / down', () => {
  const state = isolatedState();
  // The untrained tiny model (setup builds it); the warm-started local base is not needed here.
  const env: Record<string, string> = {
    ...state,
    SWE_RL_POLICY_PORT: String(18300 + (process.pid % 1000)),
    SWE_RL_POLICY_MODEL: path.join(ROOT, '.data', 'models', 'tiny-base'),
  };
  const pidOf = (name: string) => Number(readFileSync(path.join(env.SWE_RL_STATE_DIR, `${name}.pid`), 'utf8'));

  afterAll(() => {
    runProject('bin/swe-rl', ['down'], env);
  });

  it('starts the workers, which run the slice and the Python trainer activity, then stops only them', async () => {
    expect(existsSync(path.join(ROOT, 'dist', 'workers', 'allInOne.js'))).toBe(true);
    const up = runProject('bin/swe-rl', ['up'], env);
    expect(up.status).toBe(0);
    expect(up.stderr).toMatch(/Temporal already answers/);
    expect(up.stderr).toMatch(/Web UI: http:\/\/localhost:8233/);
    expect(existsSync(path.join(env.SWE_RL_STATE_DIR, 'temporal.pid'))).toBe(false);
    expect(existsSync(path.join(env.SWE_RL_STATE_DIR, 'dockerd.pid'))).toBe(false);
    const workersPid = pidOf('workers');
    const trainerPid = pidOf('trainer');
    const policyPid = pidOf('policy-server');
    expect(processAlive(policyPid)).toBe(true);
    expect(processAlive(workersPid)).toBe(true);
    expect(processAlive(trainerPid)).toBe(true);

    const again = runProject('bin/swe-rl', ['up'], env);
    expect(again.status).toBe(0);
    expect(pidOf('workers')).toBe(workersPid); // idempotent: nothing started twice

    const slice = runProject('bin/swe-rl', ['sandbox-run', '--', 'echo', 'via-up-workers']);
    expect(slice.status).toBe(0);
    expect(JSON.parse(slice.stdout).output).toMatch(/via-up-workers/);

    const trainer = runProject('bin/swe-rl', ['trainer-info']);
    expect(trainer.status).toBe(0);
    const info = JSON.parse(trainer.stdout) as { torch: string; device: string; worker_pid: number };
    expect(info.worker_pid).toBe(trainerPid);
    expect(info.torch).toMatch(/^\d+\.\d+/);

    const services = runProject('bin/swe-rl', ['services'], env);
    expect(services.stdout).toMatch(/workers: running \(started by swe-rl up/);

    const down = runProject('bin/swe-rl', ['down'], env);
    expect(down.status).toBe(0);
    expect(processAlive(workersPid)).toBe(false);
    expect(processAlive(trainerPid)).toBe(false);
    expect(processAlive(policyPid)).toBe(false);
    expect((await temporalCli(['operator', 'cluster', 'health'])).stdout).toMatch(/SERVING/);
  });
});
