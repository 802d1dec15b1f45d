import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { connectWorker, temporalAddress, temporalNamespace } from './connection';

type Definition = (connection: NativeConnection, namespace: string) => WorkerOptions;

/** Connects, creates one worker per definition and runs them until SIGINT/SIGTERM. */
export async function runWorkers(name: string, definitions: Definition[], background: (() => Promise<() => Promise<void>>)[] = []): Promise<void> {
  const connection = await connectWorker();
  const workers = await Promise.all(definitions.map((d) => Worker.create(d(connection, temporalNamespace()))));
  const stops = await Promise.all(background.map((start) => start()));
  const queues = workers.map((w) => w.options.taskQueue).join(', ');
  console.log(`[swe-rl] ${name} worker polling ${queues} on ${temporalAddress()} (pid ${process.pid})`);
  try {
    await Promise.all(workers.map((w) => w.run()));
  } finally {
    await Promise.all(stops.map((stop) => stop()));
    await connection.close();
  }
}

export function main(name: string, definitions: Definition[], background: (() => Promise<() => Promise<void>>)[] = []): void {
  runWorkers(name, definitions, background).catch((err) => {
    console.error(`[swe-rl] ${name} worker failed:`, err);
    process.exit(1);
  });
}
