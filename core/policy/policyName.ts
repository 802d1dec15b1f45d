/**
 * A served policy is named by its run and trainer step, never by a bare integer shared by every
 * run: one policy server (a long-lived vLLM fleet, the local CPU server) serves many runs and
 * evaluations one after another or side by side. Step 0 is the run's base model.
 * (No node:path here: workflows import this file.)
 */
export function policyName(runId: string, step: number): string {
  return `${runId}@step-${stepFolder(step).slice('step-'.length)}`;
}

function stepFolder(step: number): string {
  return `step-${String(step).padStart(6, '0')}`;
}

/** Where a run's checkpoint of `step` lives; step 0 is the base model the run starts from. */
export function policyCheckpointPath(runsDir: string, runId: string, step: number, basePath: string): string {
  return step === 0 ? basePath : `${runsDir.replace(/\/+$/, '')}/${runId}/checkpoints/${stepFolder(step)}`;
}

/** The name of an arbitrary checkpoint folder: `<run>@step-N` for a run's checkpoint, else one from its path. */
export function checkpointPolicyName(checkpointPath: string): string {
  const parts = checkpointPath.replace(/\/+$/, '').split('/');
  const step = /^step-(\d+)$/.exec(parts.at(-1) ?? '');
  if (step && parts.at(-2) === 'checkpoints' && parts.length >= 3) return policyName(parts.at(-3)!, Number(step[1]));
  return `checkpoint@${checkpointPath.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+/, '').slice(-160)}`;
}
