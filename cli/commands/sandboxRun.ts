import { randomUUID } from 'node:crypto';
import { TASK_QUEUES } from '../../core/taskQueues';
import { connectClient } from '../client';
import { workflowLink } from '../webUi';

export { webUiUrl } from '../webUi';

export interface SandboxRunOptions {
  image?: string;
  timeout?: number;
  id?: string;
}

/** `swe-rl sandbox-run [--image IMG] [--timeout S] [--id ID] -- COMMAND`: the first vertical slice. */
export async function sandboxRun(options: SandboxRunOptions, rest: string[]): Promise<number> {
  const command = rest.join(' ') || 'python3 --version && pytest --version && git --version';
  const client = await connectClient();
  const workflowId = options.id ?? `sandbox-command-${randomUUID().slice(0, 8)}`;
  const input: Record<string, unknown> = { command };
  if (options.image) input.image = options.image;
  if (options.timeout !== undefined) input.timeoutSeconds = options.timeout;
  const handle = await client.workflow.start('sandboxCommand', {
    taskQueue: TASK_QUEUES.orchestrator,
    workflowId,
    args: [input],
  });
  console.error(`[swe-rl] started workflow ${workflowId}; watch it at ${workflowLink(workflowId)}`);
  const result = await handle.result();
  console.log(JSON.stringify(result, null, 2));
  await client.connection.close();
  return result.exitCode === 0 ? 0 : 1;
}
