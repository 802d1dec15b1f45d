import { z } from 'zod';
import { promptStyleSchema } from './agent/promptStyle';
import { samplingSchema } from './policy/sampling';
import { sandboxLimitsSchema } from './sandboxSpec';
import { stagedTaskSchema, type StagedTask } from './tasks/stagedTask';
import { taskSchema, type Task } from './tasks/taskSchema';
import { InvalidInputError } from './validation';

export const episodeLimitsSchema = z.strictObject({
  maxTurns: z.number().int().min(1),
  contextTokens: z.number().int().min(64),
  maxTokensPerTurn: z.number().int().min(1),
  commandTimeoutSeconds: z.number().positive(),
  maxObservationChars: z.number().int().min(256),
  testTimeoutSeconds: z.number().positive(),
});

export const policyEndpointSchema = z.strictObject({
  serverUrl: z.url(),
  /** The served policy's name, `<run>@step-000004`. */
  model: z.string().min(1),
  /** The policy's weights, loaded under `model` by a server that lacks it; absent in older histories. */
  checkpointPath: z.string().min(1).optional(),
  sampling: samplingSchema.omit({ max_tokens: true }),
  requestTimeoutSeconds: z.number().positive(),
  expectedPolicyVersion: z.number().int().min(0).optional(),
  /** Token-in: prompts sent as token ids (activities/policy/tokenIn.ts); absent in older histories. */
  tokenIn: z.boolean().optional(),
});

export const episodeInputSchema = z.strictObject({
  runsDir: z.string().min(1),
  runId: z.string().min(1),
  episodeKey: z.string().min(1),
  sample: z.number().int().min(0),
  attempt: z.number().int().min(0),
  /** The task by reference (staged in the run folder), or by value as histories from before staged tasks carry it: one of the two. */
  taskRef: stagedTaskSchema.optional(),
  task: taskSchema.optional(),
  reposDir: z.string().optional(),
  image: z.string().optional(),
  sandboxLimits: sandboxLimitsSchema.partial().default({}),
  /** How long a call to the sandbox's host may wait to be taken before the host counts as lost. */
  hostTimeoutSeconds: z.number().positive().default(60),
  policy: policyEndpointSchema,
  limits: episodeLimitsSchema,
  promptStyle: promptStyleSchema.default('full'),
});
export type EpisodeInput = z.input<typeof episodeInputSchema>;

/** The episode workflow's input: one of task and taskRef is required. */
export const episodeWorkflowInputSchema = episodeInputSchema.refine((input) => input.task !== undefined || input.taskRef !== undefined, {
  message: 'task or taskRef is required',
  path: ['taskRef'],
});
export type EpisodeLimits = z.output<typeof episodeLimitsSchema>;
export type PolicyEndpoint = z.output<typeof policyEndpointSchema>;

/** Readable episode key and workflow id parts: `<phase>/<instance>/s<sample>/a<attempt>`. */
export function episodeKeyFor(phase: string, instanceId: string, sample: number, attempt: number): string {
  return `${phase}/${instanceId}/s${sample}/a${attempt}`;
}

/**
 * The episode's task as its activities take it (by reference, or by value in older histories) and
 * its instance id; an input with neither fails with a clear error.
 */
export function episodeTask(input: { task?: Task; taskRef?: StagedTask }): { instanceId: string; arg: { taskRef: StagedTask } | { task: Task } } {
  if (input.taskRef) return { instanceId: input.taskRef.instanceId, arg: { taskRef: input.taskRef } };
  if (input.task) return { instanceId: input.task.instance_id, arg: { task: input.task } };
  throw new InvalidInputError('episode input', ['taskRef: task or taskRef is required']);
}
