import { randomUUID } from 'node:crypto';
import { TASK_QUEUES } from '../../core/taskQueues';
import { stringFlag, type ParsedArgs } from '../args';
import { connectClient } from '../client';

/** `swe-rl sandbox-run [--image IMG] [--timeout S] -- COMMAND`: the first vertical slice. */
export async function sandboxRun(args: ParsedArgs, rest: string[]): Promise<number> {
  const command = rest.join(' ') || 'python3 --version && pytest --version && git --version';
  const client = await connectClient();
  const workflowId = stringFlag(args, 'id') ?? `sandbox-command-${randomUUID().slice(0, 8)}`;
  const input: Record<string, unknown> = { command };
  const image = stringFlag(args, 'image');
  if (image) input.image = image;
  const timeout = stringFlag(args, 'timeout');
  if (timeout) input.timeoutSeconds = Number(timeout);
  const handle = await client.workflow.start('sandboxCommand', {
    taskQueue: TASK_QUEUES.orchestrator,
    workflowId,
    args: [input],
  });
  console.error(`[swe-rl] started workflow ${workflowId}; watch it at ${webUiUrl()}/namespaces/default/workflows/${workflowId}`);
  const result = await handle.result();
  console.log(JSON.stringify(result, null, 2));
  await client.connection.close();
  return result.exitCode === 0 ? 0 : 1;
}

export function webUiUrl(): string {
  return process.env.SWE_RL_WEB_UI ?? `http://localhost:${process.env.TEMPORAL_UI_PORT ?? 8233}`;
}
