import { summariseStep, trainStepsInputSchema, type TrainStepsResult } from '../core/trainSteps';
import { trainer } from './trainerActivities';
import { parseWorkflowInput } from './validateInput';

/**
 * An iteration's optimizer steps on the Python trainer (SFT or DAPO), one per mini-batch, in
 * order (with old_logprobs "trainer", first the trainer's log-probs of every batch under the
 * sampling weights) -> one checkpoint after the last -> retention -> publish to the policy server. Every
 * trainer activity is idempotent by (run, step), so a retried or replayed step never applies an
 * update twice; a trainer that lost its weights mid-way reloads the last checkpoint and replays
 * the recorded steps after it.
 */
export async function trainSteps(rawInput: unknown): Promise<TrainStepsResult> {
  const input = parseWorkflowInput(trainStepsInputSchema, rawInput, 'trainSteps input');
  const results: Record<string, unknown>[] = [];
  if (input.kind === 'dapo' && input.config.old_logprobs === 'trainer') {
    // Under the weights that sampled (the last iteration's checkpoint), before any step moves them.
    for (const planned of input.steps) {
      await trainer.recompute_logprobs({
        run_id: input.runId,
        at_step: input.steps[0].step - 1,
        batch_path: planned.batchPath,
        model_path: input.modelPath,
        runs_dir: input.runsDir,
        config: input.config,
      });
    }
  }
  for (const planned of input.steps) {
    const request = {
      run_id: input.runId,
      step: planned.step,
      batch_path: planned.batchPath,
      model_path: input.modelPath,
      runs_dir: input.runsDir,
      config: input.config,
    };
    results.push({ ...(input.kind === 'sft' ? await trainer.sft_step(request) : await trainer.dapo_step(request)) });
  }
  const last = input.steps[input.steps.length - 1].step;
  const checkpoint = await trainer.save_checkpoint({
    run_id: input.runId,
    step: last,
    runs_dir: input.runsDir,
    model_path: input.modelPath,
    milestone: input.milestone,
    ...(input.keepCheckpoints ? { keep_last: input.keepCheckpoints } : {}),
  });
  let policyVersion: number | null = null;
  if (input.policyServerUrl) {
    policyVersion = (await trainer.publish_checkpoint({ checkpoint_path: checkpoint.path, policy_server_url: input.policyServerUrl, policy_version: last })).policy_version;
  }
  const steps = results.map(summariseStep);
  return {
    step: last,
    applied: steps.some((s) => s.applied),
    checkpointPath: checkpoint.path,
    policyVersion,
    metrics: results[results.length - 1],
    steps,
    removedCheckpoints: checkpoint.removed_steps ?? [],
  };
}
