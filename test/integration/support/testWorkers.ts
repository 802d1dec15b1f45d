import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import { orchestratorWorker, policyWorker, sandboxHostWorker, sandboxWorker } from '../../../workers/definitions';
import { TEMPORAL_ADDRESS } from './services';

export interface RunningWorkers {
  stop(): Promise<void>;
}

/**
 * Runs the real TypeScript workers in this process, on the real task queues of the dev server;
 * `sandbox: false` leaves the sandbox queues to sandbox worker processes (one per Docker host).
 */
export async function startTestWorkers(address = TEMPORAL_ADDRESS, options: { sandbox?: boolean } = {}): Promise<RunningWorkers> {
  quietLogs();
  const connection = await NativeConnection.connect({ address });
  const definitions = options.sandbox === false ? [orchestratorWorker, policyWorker] : [orchestratorWorker, sandboxWorker, sandboxHostWorker, policyWorker];
  const workers = await Promise.all(definitions.map((def) => Worker.create(def(connection, 'default'))));
  const running = workers.map((w) => w.run());
  return {
    async stop() {
      workers.forEach((w) => w.shutdown());
      await Promise.all(running);
      await connection.close();
    },
  };
}

let runtimeInstalled = false;
/** Worker state changes at INFO drown the test report; warnings and errors still show. */
function quietLogs(): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger('WARN') });
  } catch {
    // Already installed by an earlier test file in this process: keep that one.
  }
}
