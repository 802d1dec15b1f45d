import { log, patched, type ActivityFailure } from '@temporalio/workflow';
import { activityFailureKind } from './describeFailure';
import { policyName } from '../core/policy/policyName';
import { summariseStep, trainStepsInputSchema, type TrainStepsResult } from '../core/trainSteps';
import { RunTrainer } from './runTrainer';
import { trainer as sharedQueueTrainer, type TrainerActivities } from './trainerActivities';
import { parseWorkflowInput } from './validateInput';

/**
 * An iteration's optimizer steps on the Python trainer (SFT or DAPO), one per mini-batch, in
 * order (with old_logprobs "trainer", first the trainer's log-probs of every batch under the
 * sampling weights) -> one checkpoint after the last -> retention -> publish to the policy server
 * as `<run>@step-N`. Every call reaches the one trainer process holding the run (`RunTrainer`);
 * every trainer activity is idempotent by (run, step), so a retried, replayed or handed-over step
 * never applies an update twice; a new holder reloads the last checkpoint and replays the recorded
 * steps after it.
 */
export async function trainSteps(rawInput: unknown): Promise<TrainStepsResult> {
  const input = parseWorkflowInput(trainStepsInputSchema, rawInput, 'trainSteps input');
  if (!patched('trainer-affinity')) return sharedQueueSteps(input, sharedQueueTrainer);
  const run = new RunTrainer({ run_id: input.runId, runs_dir: input.runsDir, model_path: input.modelPath }, input.trainerTimeouts);
  return runSteps(input, (fn) => run.call(fn), true);
}

type Parsed = ReturnType<typeof trainStepsInputSchema.parse>;
type Call = <T>(fn: (trainer: TrainerActivities) => Promise<T>) => Promise<T>;

/** Histories recorded before trainer affinity: every call on the shared queue, publish by number. */
function sharedQueueSteps(input: Parsed, trainer: TrainerActivities): Promise<TrainStepsResult> {
  return runSteps(input, (fn) => fn(trainer), false);
}

async function runSteps(input: Parsed, call: Call, namedPolicy: boolean): Promise<TrainStepsResult> {
  const results: Record<string, unknown>[] = [];
  if (input.kind === 'dapo' && input.config.old_logprobs === 'trainer') {
    // Under the weights that sampled (the last iteration's checkpoint), before any step moves them.
    for (const planned of input.steps) {
      await call((t) => t.recompute_logprobs({
        run_id: input.runId,
        at_step: input.steps[0].step - 1,
        batch_path: planned.batchPath,
        model_path: input.modelPath,
        runs_dir: input.runsDir,
        config: input.config,
      }));
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
    results.push({ ...(await call((t) => (input.kind === 'sft' ? t.sft_step(request) : t.dapo_step(request)))) });
  }
  const last = input.steps[input.steps.length - 1].step;
  const checkpoint = await call((t) => t.save_checkpoint({
    run_id: input.runId,
    step: last,
    runs_dir: input.runsDir,
    model_path: input.modelPath,
    milestone: input.milestone,
    ...(input.keepCheckpoints ? { keep_last: input.keepCheckpoints } : {}),
  }));
  let policyVersion: number | null = null;
  let publishError: string | undefined;
  if (input.policyServerUrl) {
    const url = input.policyServerUrl;
    const publish = { checkpoint_path: checkpoint.path, policy_server_url: url, policy_version: last, ...(namedPolicy ? { policy: policyName(input.runId, last) } : {}), ...input.publishRoute };
    try {
      policyVersion = (await call((t) => t.publish_checkpoint(publish))).policy_version;
    } catch (err) {
      // A refused publish must not lose the iteration: its steps and checkpoint stand, episodes ask
      // for the policy by name (and load it themselves), and the refusal is reported.
      if (!namedPolicy || activityFailureKind(err) !== 'PublishRejected') throw err;
      publishError = (err as ActivityFailure).cause!.message;
      log.warn(`publish of ${input.runId} step ${last} refused: ${publishError}`);
      policyVersion = last;
    }
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
    ...(publishError ? { publishError } : {}),
  };
}
