import { CancellationScope, workflowInfo } from '@temporalio/workflow';
import { sandboxCommandInputSchema, type SandboxCommandResult } from '../core/sandboxCommandInput';
import { sandboxIdFor, sandboxLimitsSchema } from '../core/sandboxSpec';
import { sandboxHostActivities, sandboxPlacement } from './activityProxies';
import { parseWorkflowInput } from './validateInput';
import { oneLine } from '../core/summaries';

/**
 * Creates a sandbox (on any host), runs one command in it on that host, returns the output, and
 * always destroys the sandbox.
 */
export async function sandboxCommand(rawInput: unknown): Promise<SandboxCommandResult> {
  const input = parseWorkflowInput(sandboxCommandInputSchema, rawInput, 'sandboxCommand input');
  const info = workflowInfo();
  const sandboxId = sandboxIdFor(info.workflowId, info.runId);
  const limits = sandboxLimitsSchema.parse(input.limits);
  const sandbox = await sandboxPlacement.createSandbox({ sandboxId, image: input.image, runId: input.runId, episodeId: info.workflowId, limits, kind: 'command' });
  const onHost = sandboxHostActivities({ taskQueue: sandbox.taskQueue, hostTimeoutSeconds: 60, commandTimeoutSeconds: input.timeoutSeconds });
  try {
    const result = await onHost.execInSandbox.executeWithOptions({ summary: oneLine(`run: ${input.command}`) }, [{
      sandboxId,
      command: input.command,
      timeoutSeconds: input.timeoutSeconds,
      maxOutputBytes: input.maxOutputBytes,
    }]);
    return { sandboxId, containerId: sandbox.containerId, host: sandbox.host, ...result, destroyed: true };
  } finally {
    await CancellationScope.nonCancellable(() => onHost.destroySandbox(sandboxId));
  }
}
