import { CancellationScope, workflowInfo } from '@temporalio/workflow';
import { sandboxCommandInputSchema, type SandboxCommandResult } from '../core/sandboxCommandInput';
import { sandboxIdFor, sandboxLimitsSchema } from '../core/sandboxSpec';
import { sandboxExec, sandboxLifecycle } from './activityProxies';
import { parseWorkflowInput } from './validateInput';

/** Creates a sandbox, runs one command in it, returns the output, and always destroys the sandbox. */
export async function sandboxCommand(rawInput: unknown): Promise<SandboxCommandResult> {
  const input = parseWorkflowInput(sandboxCommandInputSchema, rawInput, 'sandboxCommand input');
  const info = workflowInfo();
  const sandboxId = sandboxIdFor(info.workflowId, info.runId);
  const limits = sandboxLimitsSchema.parse(input.limits);
  try {
    const sandbox = await sandboxLifecycle.createSandbox({
      sandboxId,
      image: input.image,
      runId: input.runId,
      episodeId: info.workflowId,
      limits,
    });
    const result = await sandboxExec.execInSandbox({
      sandboxId,
      command: input.command,
      timeoutSeconds: input.timeoutSeconds,
      maxOutputBytes: input.maxOutputBytes,
    });
    return { sandboxId, containerId: sandbox.containerId, ...result, destroyed: true };
  } finally {
    await CancellationScope.nonCancellable(() => sandboxLifecycle.destroySandbox(sandboxId));
  }
}
