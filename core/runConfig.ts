import { publishRouteSchema } from './policy/publishRoute';
import { z } from 'zod';
import { promptStyleSchema } from './agent/promptStyle';
import { DEFAULT_RUN_SAMPLING, runSamplingSchema } from './config/runSampling';
import { DEFAULT_TRACKING, trackingConfigSchema } from './config/trackingConfig';
import { sandboxLimitsSchema } from './sandboxSpec';

const slug = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'must be lowercase letters, digits, ".", "_" or "-" (max 63)');

/** One RL stage with its own parameters (the paper runs two). */
export const stageSchema = z.strictObject({
  name: slug,
  iterations: z.number().int().min(1),
  problemsPerIteration: z.number().int().min(1),
  groupSize: z.number().int().min(2, 'G must be at least 2: advantages compare samples of one task'),
  epsLow: z.number().gt(0).lt(1).default(0.2),
  epsHigh: z.number().gt(0).lt(10).default(0.3),
  maxTurns: z.number().int().min(1),
  lengthThreshold: z.number().int().min(1).default(10),
  contextTokens: z.number().int().min(256),
  maxTokensPerTurn: z.number().int().min(1).default(1024),
  learningRate: z.number().positive().default(1e-6),
  curriculumFilter: z.boolean().default(false),
  /** Trajectories per optimizer step: an iteration makes ceil(kept / batchSize) steps (paper: 128, then 256). */
  batchSize: z.number().int().min(1).default(128),
  /** Dual clip for negative advantages (a token with A < 0 loses at most -c*A); off when absent. */
  dualClip: z.number().gt(1).optional(),
  /**
   * The ratio's old log-probs: the sampler's (default), or the trainer's own under the sampling
   * weights, recomputed before the iteration's first step, with each token weighted by the
   * truncated importance weight min(pi_trainer / pi_sampler, tisCap).
   */
  oldLogprobs: z.enum(['sampler', 'trainer']).default('sampler'),
  tisCap: z.number().min(1).default(2),
});

/** Temporal's default limit of pending child workflows per workflow (limit.numPendingChildExecutions.error). */
export const PENDING_CHILDREN_LIMIT = 2000;
const PENDING_CHILDREN_MESSAGE = `must be at most ${PENDING_CHILDREN_LIMIT}: a workflow may hold at most ${PENDING_CHILDREN_LIMIT} pending children (Temporal's limit), and this is how many one starts at once`;

export const runConfigSchema = z
  .strictObject({
    runId: slug,
    profile: z.enum(['local', 'gpu', 'custom']).default('custom'),
    seed: z.number().int().min(0).default(0),
    runsDir: z.string().min(1).default('runs'),
    model: z.strictObject({
      basePath: z.string().min(1),
      servedName: z.string().min(1).default('policy'),
    }),
    policyServer: z.strictObject({
      url: z.url(),
      requestTimeoutSeconds: z.number().positive().default(600),
      /** Send each turn's prompt as token ids built from the last turn's (/v1/completions), so the trainer trains on the ids sent. */
      tokenIn: z.boolean().default(false),
      /** How checkpoints reach the server: load (the CPU server), restart (a restart supervisor, for vLLM), reload (vLLM's reload endpoints). */
      publishRoute: publishRouteSchema.default('load'),
      /** The restart supervisor's control URL (trainer/swe_rl_trainer/serving/restart_supervisor.py); required by `restart`. */
      publishUrl: z.url().optional(),
    }).refine((s) => s.publishRoute !== 'restart' || s.publishUrl !== undefined, {
      message: 'publishRoute restart needs publishUrl (the restart supervisor\'s control URL)',
      path: ['publishUrl'],
    }),
    /** Control runs: rewards are shuffled across the episodes of each rollout, so they carry no information. */
    shuffleRewards: z.boolean().default(false),
    agent: z.strictObject({ promptStyle: promptStyleSchema.default('full') }).default({ promptStyle: 'full' }),
    /** camelCase; the deprecated snake_case spellings (`top_p`, ...) are still read (core/config/runSampling.ts). */
    sampling: runSamplingSchema.default(DEFAULT_RUN_SAMPLING),
    tasks: z.strictObject({
      trainFile: z.string().min(1),
      evalFile: z.string().min(1),
      reposDir: z.string().min(1).optional(),
    }),
    sandbox: z.strictObject({
      image: z.string().min(1).optional(),
      limits: sandboxLimitsSchema.partial().default({}),
      commandTimeoutSeconds: z.number().positive().default(120),
      maxObservationChars: z.number().int().min(256).default(8000),
      testTimeoutSeconds: z.number().positive().default(600),
      /** A call to a sandbox's host not taken within this many seconds means the host is lost (the episode restarts elsewhere). */
      hostTimeoutSeconds: z.number().positive().default(60),
    }),
    /** When an iteration's infrastructure failures are too many to train on (core/failures/failurePolicy.ts). */
    failurePolicy: z.strictObject({
      maxFailedFraction: z.number().min(0).max(1).default(0.2),
      onExceed: z.enum(['fail', 'pause']).default('pause'),
      /** Fresh attempts of an episode whose sandbox or host was lost. */
      episodeAttempts: z.number().int().min(1).max(10).default(3),
    }).default({ maxFailedFraction: 0.2, onExceed: 'pause', episodeAttempts: 3 }),
    rft: z
      .strictObject({
        enabled: z.boolean().default(true),
        samplesPerTask: z.number().int().min(1),
        maxTurns: z.number().int().min(1),
        contextTokens: z.number().int().min(256),
        epochs: z.number().int().min(1).default(1),
        learningRate: z.number().positive().default(5e-6),
        /** Linear warm-up steps, then cosine to 0 over the whole RFT phase (paper: 10). */
        warmupSteps: z.number().int().min(0).default(0),
        /** Trajectories per optimizer step (paper: 64). */
        batchSize: z.number().int().min(1).default(64),
      })
      .optional(),
    stages: z.array(stageSchema).min(1, 'needs at least one RL stage'),
    evaluation: z.strictObject({
      everyIterations: z.number().int().min(0).default(0),
      runs: z.number().int().min(1).default(1),
      maxTurns: z.number().int().min(1),
      contextTokens: z.number().int().min(256),
      /** Evaluate the base policy, the policy after RFT and the final policy (labels base, rft, rl). */
      milestones: z.boolean().default(false),
    }),
    trainer: z.strictObject({
      microBatchSize: z.number().int().min(1).default(4),
      /** Token budget of a micro-batch, its sequences packed into one row without padding; absent: microBatchSize sequences. */
      microBatchTokens: z.number().int().min(64).optional(),
      maxSequenceTokens: z.number().int().min(64),
      gradClip: z.number().positive().default(1.0),
      weightDecay: z.number().min(0).default(0.1),
      /** Checkpoints kept besides the milestones (the end of RFT and of each stage); the newest is always kept. */
      keepCheckpoints: z.number().int().min(1).default(3),
      /** A trainer whose own queue is not polled this long counts as gone; the run moves to another. */
      hostTimeoutSeconds: z.number().int().min(1).default(120),
      /** A trainer activity that stops heartbeating this long is retried (the trainer beats every 10 s). */
      heartbeatTimeoutSeconds: z.number().int().min(1).default(120),
    }),
    /** Children in flight: task groups per rollout, episodes per group (each a window under Temporal's limit). */
    concurrency: z.strictObject({
      taskGroups: z.number().int().min(1).max(PENDING_CHILDREN_LIMIT, PENDING_CHILDREN_MESSAGE).default(4),
      episodesPerGroup: z.number().int().min(1).max(PENDING_CHILDREN_LIMIT, PENDING_CHILDREN_MESSAGE).default(10),
    }).default({ taskGroups: 4, episodesPerGroup: 10 }),
    tracking: trackingConfigSchema.default(DEFAULT_TRACKING),
  })
  .superRefine((config, ctx) => {
    config.stages.forEach((stage, i) => {
      if (stage.maxTurns <= stage.lengthThreshold) {
        ctx.addIssue({ code: 'custom', path: ['stages', i, 'maxTurns'], message: `must exceed lengthThreshold (${stage.lengthThreshold})` });
      }
      if (stage.epsLow > stage.epsHigh * 10) {
        ctx.addIssue({ code: 'custom', path: ['stages', i, 'epsLow'], message: 'is implausibly larger than epsHigh' });
      }
    });
    const names = config.stages.map((s) => s.name);
    const duplicate = names.find((n, i) => names.indexOf(n) !== i);
    if (duplicate) ctx.addIssue({ code: 'custom', path: ['stages'], message: `stage name "${duplicate}" is used twice` });
  });

export type RunConfig = z.output<typeof runConfigSchema>;
export type RunConfigInput = z.input<typeof runConfigSchema>;
export type StageConfig = z.output<typeof stageSchema>;
