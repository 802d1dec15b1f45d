import { DEFAULT_SANDBOX_IMAGE } from '../../core/sandboxSpec';
import { removeEngineSandboxes, startEngine, type Engine } from './support/dockerEngines';
import { containerExists, requireDocker } from './support/services';

// A second dockerd on this machine (infra/docker-engine.sh) stands in for a second Docker host:
// its containers are its own, and they survive a stop and start of the engine.
describe('extra Docker engine', () => {
  let engine: Engine | undefined;

  afterAll(async () => {
    if (!engine) return;
    await removeEngineSandboxes(engine).catch(() => undefined);
    await engine.stop();
  }, 90_000);

  it('runs containers of its own, which survive a stop and start', async () => {
    const main = await requireDocker();
    engine = await startEngine('t-eng2');
    expect(engine.dockerHost).toBe(`unix://${engine.socket}`);
    const name = `swe-rl-t-eng2-${process.pid}`;
    const container = await engine.docker.createContainer({
      name,
      Image: DEFAULT_SANDBOX_IMAGE,
      Cmd: ['python3', '-c', 'print(6 * 7)'],
      Labels: { 'swe-rl.sandbox': '1', 'swe-rl.test': 'dockerEngines' },
      HostConfig: { NetworkMode: 'none' },
    });
    await container.start();
    expect((await container.wait()).StatusCode).toBe(0);
    expect((await container.logs({ stdout: true, stderr: true })).toString()).toMatch(/42/);
    expect(await containerExists(main, container.id)).toBe(false);
    expect(await containerExists(main, name)).toBe(false);

    await engine.stop();
    await expect(engine.docker.ping()).rejects.toThrow();
    await engine.start();
    const after = await engine.docker.getContainer(container.id).inspect();
    expect(after.Name).toBe(`/${name}`);
    expect(after.State.Status).toBe('exited');
    expect(after.State.ExitCode).toBe(0);

    await engine.docker.getContainer(container.id).remove({ force: true });
    expect(await containerExists(engine.docker, container.id)).toBe(false);
    await engine.stop();
    engine = undefined;
  }, 120_000);
});
