import { mkdtempSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

// An engine that dies mid-answer: it sends the headers and part of the body, then nothing. Node
// drops such an aborted response silently, so without an idle timeout the call never settles.
describe('Docker API calls against an engine that stops answering', () => {
  const socketPath = path.join(mkdtempSync(path.join(os.tmpdir(), 'swe-rl-stall-')), 'docker.sock');
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('data', () => socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n[{"Id":'));
  });

  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    process.env.DOCKER_HOST = `unix://${socketPath}`;
    process.env.SWE_RL_DOCKER_API_TIMEOUT_SECONDS = '1';
  });

  afterAll(async () => {
    delete process.env.DOCKER_HOST;
    delete process.env.SWE_RL_DOCKER_API_TIMEOUT_SECONDS;
    sockets.forEach((s) => s.destroy());
    await new Promise((resolve) => server.close(resolve));
  });

  it('fails the call at its deadline instead of hanging', async () => {
    const { docker } = await import('../../../activities/sandbox/dockerClient');
    const started = Date.now();
    const outcome = await Promise.race([
      docker().listContainers().then(() => 'answered', () => 'failed'),
      new Promise((resolve) => setTimeout(() => resolve('still waiting'), 10_000)),
    ]);
    expect(outcome).toBe('failed');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses a timeout that is not a positive number', async () => {
    const { dockerApiTimeoutMs } = await import('../../../activities/sandbox/dockerClient');
    process.env.SWE_RL_DOCKER_API_TIMEOUT_SECONDS = 'soon';
    expect(() => dockerApiTimeoutMs()).toThrow(/SWE_RL_DOCKER_API_TIMEOUT_SECONDS must be a positive number, got soon/);
    process.env.SWE_RL_DOCKER_API_TIMEOUT_SECONDS = '1';
  });
});
