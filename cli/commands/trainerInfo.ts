import { randomUUID } from 'node:crypto';
import { TASK_QUEUES } from '../../core/taskQueues';
import { connectClient } from '../client';

/** `swe-rl trainer-info`: a TypeScript workflow calls the Python trainer worker by activity name. */
export async function trainerInfoCommand(): Promise<number> {
  const client = await connectClient();
  const result = await client.workflow.execute('trainerInfo', {
    taskQueue: TASK_QUEUES.orchestrator,
    workflowId: `trainer-info-${randomUUID().slice(0, 8)}`,
    args: [],
    workflowExecutionTimeout: '5 minutes',
  });
  console.log(JSON.stringify(result, null, 2));
  await client.connection.close();
  return 0;
}
