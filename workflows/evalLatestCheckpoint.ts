import { executeChild, workflowInfo } from '@temporalio/workflow';
import { runConfigSchema } from '../core/runConfig';
import type { EvaluationSummary } from '../core/runStatus';
import { storeActivities } from './activityProxies';
import { parseWorkflowInput } from './validateInput';

/**
 * What the evaluation Schedule starts: finds the run's newest checkpoint, publishes it and
 * evaluates it (an evalRun child). Skips quietly when the run has no checkpoint yet.
 */
export async function evalLatestCheckpoint(rawConfig: unknown): Promise<(EvaluationSummary & { step: number }) | { skipped: string }> {
  const config = parseWorkflowInput(runConfigSchema, rawConfig, 'config');
  const latest = await storeActivities.latestCheckpoint({ runsDir: config.runsDir, runId: config.runId });
  if (!latest) return { skipped: `run ${config.runId} has no checkpoint yet` };
  const label = `scheduled-step-${latest.step}`;
  const summary = (await executeChild('evalRun', {
    workflowId: `${config.runId}/${label}-${workflowInfo().runId.slice(0, 8)}`,
    args: [{ config, label, policyVersion: latest.step, checkpointPath: latest.path }],
  })) as EvaluationSummary;
  return { ...summary, step: latest.step };
}
