import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import Docker from 'dockerode';
import { ROOT, runProjectAsync } from './processes';
import { startUntilReady, type StartedProcess } from './pythonServices';
import { TEMPORAL_ADDRESS } from './services';

/**
 * An extra Docker engine on this machine (infra/docker-engine.sh), standing in for another
 * Docker host: its own dockerd, socket, data root and containerd; the sandbox image is copied
 * into it from the main engine when missing.
 */
export interface Engine {
  name: string;
  /** The unix socket path. */
  socket: string;
  /** `unix://<socket>`, for DOCKER_HOST. */
  dockerHost: string;
  /** A client for this engine. */
  docker: Docker;
  /** Graceful stop: dockerd stops its containers, which keep their state in the data root. */
  stop(): Promise<void>;
  /**
   * The loss of the host: SIGKILL to dockerd, its containerd, its shims and the container
   * processes. The containers stay in the data root; the next start lists them as exited.
   */
  kill(): Promise<void>;
  /** Starts it again (a no-op when it answers). */
  start(): Promise<void>;
}

async function engineScript(command: string, name: string, timeoutMs = 180_000): Promise<string> {
  const run = await runProjectAsync('infra/docker-engine.sh', [command, name], {}, timeoutMs);
  if (run.status !== 0) throw new Error(`infra/docker-engine.sh ${command} ${name} failed (exit ${run.status}):\n${run.stderr}`);
  return run.stdout;
}

/** Starts (or finds running) engine `name` and waits until it answers with the sandbox image in it. */
export async function startEngine(name: string): Promise<Engine> {
  await engineScript('start', name);
  const socket = (await engineScript('socket', name)).trim();
  const docker = new Docker({ socketPath: socket });
  await docker.ping();
  return {
    name,
    socket,
    dockerHost: `unix://${socket}`,
    docker,
    stop: async () => {
      await engineScript('stop', name);
    },
    kill: async () => {
      await engineScript('kill', name);
    },
    start: async () => {
      await engineScript('start', name);
    },
  };
}

/** Force-removes the sandboxes (containers labelled swe-rl.sandbox=1) on an engine. */
export async function removeEngineSandboxes(engine: Engine): Promise<number> {
  const containers = await engine.docker.listContainers({ all: true, filters: { label: ['swe-rl.sandbox=1'] } });
  await Promise.all(
    containers.map((c) =>
      engine.docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch((err: { statusCode?: number }) => {
          if (err.statusCode !== 404) throw err;
        }),
    ),
  );
  return containers.length;
}

export interface SandboxWorkerProcess extends StartedProcess {
  pid: number;
  /** SIGKILL to the worker's whole process group (it was started detached). */
  kill(): void;
}

/**
 * Starts `node dist/workers/sandbox.js` for one Docker host, detached (its own process group:
 * `process.kill(-pid, 'SIGKILL')` ends it and all it started), and waits until it polls.
 */
export async function startSandboxWorkerProcess(opts: {
  dockerHost: string;
  hostName: string;
  slots?: number;
  temporalAddress?: string;
  extraEnv?: Record<string, string>;
  timeoutMs?: number;
}): Promise<SandboxWorkerProcess> {
  const entry = path.join(ROOT, 'dist', 'workers', 'sandbox.js');
  if (!existsSync(entry)) throw new Error(`the sandbox worker is not built (missing ${entry}); run npm run build`);
  const env: Record<string, string> = {
    DOCKER_HOST: opts.dockerHost,
    SWE_RL_SANDBOX_HOST: opts.hostName,
    TEMPORAL_ADDRESS: opts.temporalAddress ?? TEMPORAL_ADDRESS,
    ...(opts.slots !== undefined ? { SWE_RL_SANDBOX_SLOTS: String(opts.slots) } : {}),
    ...opts.extraEnv,
  };
  const started = await startUntilReady(process.execPath, [entry], /worker polling/, { env, detached: true, timeoutMs: opts.timeoutMs ?? 120_000 });
  const pid = started.process.pid!;
  // Kept for a failed test's post-mortem (the in-memory output dies with the test process).
  mkdirSync(path.join(ROOT, '.data', 'logs'), { recursive: true });
  const log = createWriteStream(path.join(ROOT, '.data', 'logs', `test-sandbox-worker-${opts.hostName}.log`), { flags: 'a' });
  log.write(started.output());
  started.process.stdout!.pipe(log);
  started.process.stderr!.pipe(log);
  return {
    ...started,
    pid,
    kill: () => {
      try {
        process.kill(-pid, 'SIGKILL');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
      }
    },
  };
}
