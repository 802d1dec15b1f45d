import { z } from 'zod';
import type { EvaluationSummary, IterationMetrics } from '../runStatus';

const rate = z.number().min(0).max(1);
const count = z.number().int().min(0);

export const evaluationSummarySchema = z.object({
  tasks: count,
  runs: count,
  pass1: rate,
  pass1Sem: z.number().min(0),
  passK: rate,
  meanSteps: z.number().min(0),
  formatErrorRate: rate,
});

const metric = z.number().nullable();
export const stepSummarySchema = z.object({
  step: z.number().int().min(1),
  applied: z.boolean(),
  trajectories: count,
  actionTokens: count,
  loss: metric,
  gradNorm: metric,
  lr: metric,
  clipFracLow: metric,
  clipFracHigh: metric,
  ratioMean: metric,
  logprobDiffMean: metric,
  logprobDiffMax: metric,
  seconds: metric,
});

/** The shape of one metrics.jsonl line (core/runStatus.ts `IterationMetrics`). */
export const iterationMetricsSchema = z.object({
  runId: z.string().min(1),
  stage: z.string().min(1),
  iteration: count,
  policyVersion: count,
  episodes: count,
  failedEpisodes: count,
  failureReasons: z.record(z.string(), count),
  /** Attempts tried again afresh (sandbox or host lost), by reason. */
  retriedReasons: z.record(z.string(), count).optional(),
  passRate: rate,
  meanReward: z.number(),
  filteredGroupFraction: rate,
  meanSteps: z.number().min(0),
  submitRate: rate,
  formatErrorRate: rate,
  completionTokens: count,
  trainedTrajectories: count,
  trainLoss: z.number().nullable(),
  clipFracLow: z.number().nullable(),
  clipFracHigh: z.number().nullable(),
  optimizerSteps: count.optional(),
  gradNorm: z.number().nullable().optional(),
  logprobMismatchMean: z.number().nullable().optional(),
  logprobMismatchMax: z.number().nullable().optional(),
  trainSteps: z.array(stepSummarySchema).optional(),
  /** The policy server refused the iteration's publish; the steps and checkpoint stand. */
  publishError: z.string().optional(),
  phaseSeconds: z.object({ rollout: z.number().min(0), advantage: z.number().min(0), train: z.number().min(0), eval: z.number().min(0) }),
  evaluation: evaluationSummarySchema.nullable(),
  finishedAt: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO date-time'),
});

// The schema and the interface must describe the same thing, both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const schemaMatchesInterface: Same<z.output<typeof iterationMetricsSchema>, IterationMetrics> = true;
const evalSchemaMatchesInterface: Same<z.output<typeof evaluationSummarySchema>, EvaluationSummary> = true;
void schemaMatchesInterface;
void evalSchemaMatchesInterface;
