import { existsSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { isolatedState, processAlive, runProject, runProjectAsync } from './support/processes';
import { buildTinyModel, freePort } from './support/pythonServices';

// infra/policy-server.sh with a private state folder, a free port and a freshly built tiny model:
// nothing here touches the services the rest of the suite uses.
describe('infra/policy-server.sh', () => {
  const state = isolatedState();
  let env: Record<string, string> = {};
  let model = '';
  let port = 0;
  const pidFile = () => path.join(state.SWE_RL_STATE_DIR, 'policy-server.pid');

  beforeAll(async () => {
    model = buildTinyModel();
    port = await freePort();
    env = { ...state, SWE_RL_POLICY_MODEL: model, SWE_RL_POLICY_PORT: String(port) };
  });

  afterAll(() => {
    runProject('infra/down.sh', [], env);
    if (model) rmSync(model, { recursive: true, force: true });
  });

  it('starts the server in its own session, answers, is idempotent, and down stops it by pid', async () => {
    const start = await runProjectAsync('infra/policy-server.sh', ['start'], env, 150_000);
    expect(start.stderr).toMatch(new RegExp(`policy server started on http://127.0.0.1:${port}`));
    expect(start.status).toBe(0);
    const pid = Number(readFileSync(pidFile(), 'utf8'));
    expect(processAlive(pid)).toBe(true);
    // setsid: the server leads its own process group, so down can stop the whole group.
    expect(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[2]).toBe(String(pid));

    const models = (await (await fetch(`http://127.0.0.1:${port}/v1/models`)).json()) as { data: { id: string; root: string }[] };
    expect(models.data[0].id).toBe('policy');
    expect(models.data[0].root).toBe(model);
    expect(readFileSync(path.join(state.SWE_RL_LOG_DIR, 'policy-server.log'), 'utf8')).toMatch(/policy server listening on/);

    const again = runProject('infra/policy-server.sh', ['start'], env);
    expect(again.status).toBe(0);
    expect(again.stderr).toMatch(/policy server already running/);
    expect(Number(readFileSync(pidFile(), 'utf8'))).toBe(pid);

    // Another state folder finds a policy server answering on the port and starts none.
    const other = { ...env, ...isolatedState() };
    const elsewhere = runProject('infra/policy-server.sh', ['start'], other);
    expect(elsewhere.status).toBe(0);
    expect(elsewhere.stderr).toMatch(/already answers on/);
    expect(existsSync(path.join(other.SWE_RL_STATE_DIR, 'policy-server.pid'))).toBe(false);

    const services = runProject('infra/services-status.sh', [], env);
    expect(services.stdout).toContain(`policy-server: running on http://127.0.0.1:${port} (started by swe-rl up, pid ${pid})`);

    const down = runProject('infra/down.sh', [], env);
    expect(down.status).toBe(0);
    expect(down.stderr).toMatch(new RegExp(`stopped policy-server \\(pid ${pid}\\)`));
    expect(processAlive(pid)).toBe(false);
    expect(existsSync(pidFile())).toBe(false);
    expect(runProject('infra/policy-server.sh', ['healthy'], env).status).not.toBe(0);
    expect(runProject('infra/services-status.sh', [], env).stdout).toMatch(/policy-server: not running/);
  });

  it('refuses a port held by something else, and a missing model, naming each', async () => {
    const blocker = net.createServer((socket) => {
      socket.on('error', () => undefined); // the script's probes hang up early
      socket.end('not http\n');
    });
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as net.AddressInfo).port;
    try {
      const busy = await runProjectAsync('infra/policy-server.sh', ['start'], { ...env, SWE_RL_POLICY_PORT: String(taken) });
      expect(busy.status).not.toBe(0);
      expect(busy.stderr).toMatch(new RegExp(`port ${taken} is taken by something that is not a policy server`));
    } finally {
      blocker.close();
    }
    const missing = runProject('infra/policy-server.sh', ['start'], { ...env, SWE_RL_POLICY_MODEL: '/nonexistent/model' });
    expect(missing.status).not.toBe(0);
    expect(missing.stderr).toMatch(/no model at \/nonexistent\/model \(run infra\/drill-model\.sh\)/);
    expect(existsSync(pidFile())).toBe(false);
  });
});
