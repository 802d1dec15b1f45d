// What the iteration benchmark starts for itself: a task suite, the tiny model, an instant
// scripted policy server and the Python trainer worker as child processes, and the production
// TypeScript worker definitions in this process (nothing bench-only is registered in them).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { generateBuiltinTasks } from '../../cli/commands/builtinTasks';
import type { Task } from '../../core/tasks/taskSchema';
import { orchestratorWorker, policyWorker, sandboxHostWorker, sandboxWorker } from '../../workers/definitions';

export const ROOT = path.resolve(__dirname, '..', '..', '..');
const PYTHON = path.join(ROOT, '.venv', 'bin', 'python');

export interface BenchTasks {
  trainFile: string;
  evalFile: string;
  reposDir: string;
  tasks: Map<string, Task>;
}

/**
 * The built-in suite, with copies of its train tasks (new instance ids, same repository and
 * issue) when more problems are asked for than it has.
 */
export function benchTasks(dir: string, problems: number): BenchTasks {
  generateBuiltinTasks(path.join(dir, 'suite'));
  const read = (f: string) => readFileSync(path.join(dir, 'suite', f), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Task);
  const base = read('train.jsonl');
  const train: Task[] = [];
  for (let i = 0; train.length < Math.max(problems, base.length); i++) {
    const t = base[i % base.length];
    train.push(i < base.length ? t : { ...t, instance_id: `${t.instance_id}-copy${Math.floor(i / base.length)}` });
  }
  const trainFile = path.join(dir, 'train.jsonl');
  writeFileSync(trainFile, train.map((t) => JSON.stringify(t)).join('\n') + '\n');
  return { trainFile, evalFile: path.join(dir, 'suite', 'eval.jsonl'), reposDir: path.join(dir, 'suite', 'repos'), tasks: new Map(train.map((t) => [t.instance_id, t])) };
}

function python(args: string[]): string {
  if (!existsSync(PYTHON)) throw new Error(`the benchmark needs the trainer environment ${PYTHON} (run infra/python-env.sh)`);
  const result = spawnSync(PYTHON, args, { cwd: path.join(ROOT, 'trainer'), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout;
}

export function buildTinyModel(dir: string): string {
  mkdirSync(dir, { recursive: true });
  python(['-m', 'swe_rl_trainer.tiny_model', '--out', dir, '--seed', '0']);
  return dir;
}

/** The view-fix-test-submit script of every task (swe_rl_trainer.scripted_policy). */
export function writeScript(trainFile: string, out: string): string {
  python(['-m', 'swe_rl_trainer.scripted_policy', '--tasks', trainFile, '--out', out, '--plan', 'view-fix-test-submit']);
  return out;
}

export interface ChildService {
  name: string;
  child: ChildProcess;
  output(): string;
  /** Peak resident memory (VmHWM) in MB, read while it runs. */
  peakRssMb(): number | null;
  stop(): Promise<void>;
}

function startChild(name: string, args: string[], ready: RegExp, env: Record<string, string>): Promise<ChildService> {
  return startProcess(name, PYTHON, ['-u', ...args], path.join(ROOT, 'trainer'), ready, env);
}

function startProcess(name: string, command: string, args: string[], cwd: string, ready: RegExp, env: Record<string, string>): Promise<ChildService> {
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let output = '';
  const service: ChildService = {
    name,
    child,
    output: () => output,
    peakRssMb: () => {
      try {
        const kb = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1];
        return kb ? Math.round(Number(kb) / 1024) : null;
      } catch {
        return null;
      }
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
      }),
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not become ready:\n${output}`)), 180_000);
    const onData = (data: Buffer) => {
      output = (output + data.toString()).slice(-20_000);
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve(service);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${output}`));
    });
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** The scripted policy server without forward passes; every second episode of a task submits unfixed, so groups carry a signal. */
export async function startInstantPolicyServer(modelDir: string, scriptFile: string): Promise<ChildService & { url: string }> {
  const port = await freePort();
  const server = await startChild('policy-server', [
    '-m', 'swe_rl_trainer.policy_server', '--model', modelDir, '--port', String(port), '--threads', '1',
    '--script', scriptFile, '--instant', '--unfixed-every', '2',
  ], /policy server listening on/, {});
  return { ...server, url: `http://127.0.0.1:${port}` };
}

export function startTrainerWorker(address: string): Promise<ChildService> {
  return startChild('trainer-worker', ['-m', 'swe_rl_trainer.worker'], /trainer worker polling/, { TEMPORAL_ADDRESS: address });
}

/** The production orchestrator worker (every workflow) as a process of its own, as `SWE_RL_WORKERS=split` runs it. */
export function startOrchestratorWorker(address: string): Promise<ChildService> {
  return startProcess('orchestrator-worker', process.execPath, [path.join(ROOT, 'dist/workers/orchestrator.js')], ROOT, /worker polling/, { TEMPORAL_ADDRESS: address });
}

/**
 * The production TypeScript workers in this process: sandbox, this host's sandboxes and policy,
 * and the orchestrator too unless it runs as a process of its own.
 */
export async function startWorkers(address: string, withOrchestrator = true): Promise<{ stop(): Promise<void> }> {
  try {
    // Activity retries (a setup waiting for a sandbox slot) are logged at WARN: too many to print.
    Runtime.install({ logger: new DefaultLogger('ERROR') });
  } catch {
    // installed already
  }
  const connection = await NativeConnection.connect({ address });
  const namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
  const definitions = [...(withOrchestrator ? [orchestratorWorker] : []), sandboxWorker, sandboxHostWorker, policyWorker];
  const workers = await Promise.all(definitions.map((def) => Worker.create(def(connection, namespace))));
  const running = workers.map((w) => w.run());
  return {
    async stop() {
      workers.forEach((w) => w.shutdown());
      await Promise.all(running);
      await connection.close();
    },
  };
}
