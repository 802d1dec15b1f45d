import { Client, Connection } from '@temporalio/client';
import { buildTinyModel, startPolicyServer, startTrainerWorker, type StartedProcess } from './pythonServices';
import { TEMPORAL_ADDRESS } from './services';
import { startTestWorkers, type RunningWorkers } from './testWorkers';

export interface PipelineServices {
  modelDir: string;
  server: StartedProcess & { url: string };
  client: Client;
  stop(): Promise<void>;
}

/**
 * What a pipeline test needs besides Temporal and Docker: the tiny model on the CPU policy
 * server, the Python trainer worker, the TypeScript workers in this process and a client, all
 * against one dev server. `workers: false` leaves the TypeScript workers to the test; `model`
 * serves (and trains) another model than a fresh tiny one.
 */
export async function startPipelineServices(options: { address?: string; trainer?: boolean; workers?: boolean | 'no-sandbox'; model?: string; policyServerArgs?: string[] } = {}): Promise<PipelineServices> {
  const address = options.address ?? TEMPORAL_ADDRESS;
  const modelDir = options.model ?? buildTinyModel();
  const [server, trainerWorker] = await Promise.all([
    startPolicyServer(modelDir, options.policyServerArgs),
    options.trainer === false ? Promise.resolve(undefined) : startTrainerWorker(address),
  ]);
  const workers: RunningWorkers | undefined = options.workers === false ? undefined : await startTestWorkers(address, { sandbox: options.workers !== 'no-sandbox' });
  const client = new Client({ connection: await Connection.connect({ address, connectTimeout: '5s' }) });
  return {
    modelDir,
    server,
    client,
    async stop() {
      await workers?.stop();
      await client.connection.close();
      await Promise.all([server.stop(), trainerWorker?.stop()]);
    },
  };
}
