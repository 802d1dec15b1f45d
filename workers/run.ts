import { Worker, type NativeConnection, type WorkerOptions } from '@temporalio/worker';
import { connectWorker, temporalAddress, temporalNamespace } from './connection';

type Definition = (connection: NativeConnection, namespace: string) => WorkerOptions;

/** Connects, creates one worker per definition and runs them until SIGINT/SIGTERM. */
export async function runWorkers(name: string, definitions: Definition[]): Promise<void> {
  const connection = await connectWorker();
  const workers = await Promise.all(definitions.map((d) => Worker.create(d(connection, temporalNamespace()))));
  const queues = workers.map((w) => w.options.taskQueue).join(', ');
  console.log(`[swe-rl] ${name} worker polling ${queues} on ${temporalAddress()} (pid ${process.pid})`);
  try {
    await Promise.all(workers.map((w) => w.run()));
  } finally {
    await connection.close();
  }
}

export function main(name: string, definitions: Definition[]): void {
  runWorkers(name, definitions).catch((err) => {
    console.error(`[swe-rl] ${name} worker failed:`, err);
    process.exit(1);
  });
}
