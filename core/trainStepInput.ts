import { z } from 'zod';

export const trainStepInputSchema = z.strictObject({
  runId: z.string().min(1),
  step: z.number().int().min(1),
  kind: z.enum(['sft', 'dapo']),
  batchPath: z.string().min(1),
  modelPath: z.string().min(1),
  runsDir: z.string().min(1),
  config: z.record(z.string(), z.unknown()).default({}),
  /** Publish the new checkpoint to this policy server as version `step`. */
  policyServerUrl: z.url().optional(),
});
export type TrainStepInput = z.input<typeof trainStepInputSchema>;

export interface TrainStepResult {
  step: number;
  applied: boolean;
  checkpointPath: string;
  policyVersion: number | null;
  metrics: Record<string, unknown>;
}
