import { trainStepInputSchema, type TrainStepResult } from '../core/trainStepInput';
import { trainer } from './trainerActivities';
import { parseWorkflowInput } from './validateInput';

/**
 * One optimizer step on the Python trainer (SFT or DAPO) -> checkpoint -> publish to the policy
 * server. Every trainer activity is idempotent by (run, step), so a retried or replayed step
 * never applies an update twice.
 */
export async function trainStep(rawInput: unknown): Promise<TrainStepResult> {
  const input = parseWorkflowInput(trainStepInputSchema, rawInput, 'trainStep input');
  const request = {
    run_id: input.runId,
    step: input.step,
    batch_path: input.batchPath,
    model_path: input.modelPath,
    runs_dir: input.runsDir,
    config: input.config,
  };
  const metrics = input.kind === 'sft' ? await trainer.sft_step(request) : await trainer.dapo_step(request);
  const checkpoint = await trainer.save_checkpoint({ run_id: input.runId, step: input.step, runs_dir: input.runsDir, model_path: input.modelPath });
  let policyVersion: number | null = null;
  if (input.policyServerUrl) {
    policyVersion = (
      await trainer.publish_checkpoint({ checkpoint_path: checkpoint.path, policy_server_url: input.policyServerUrl, policy_version: input.step })
    ).policy_version;
  }
  return { step: input.step, applied: metrics.applied, checkpointPath: checkpoint.path, policyVersion, metrics: { ...metrics } };
}
