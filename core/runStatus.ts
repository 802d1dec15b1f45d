import type { StepSummary } from './trainSteps';

/** One RL (or RFT) iteration's figures; one line of runs/<run>/metrics.jsonl and one CSV row. */
export interface IterationMetrics {
  runId: string;
  /** `rft` for the rejection fine-tuning phase, else the RL stage name. */
  stage: string;
  iteration: number;
  policyVersion: number;
  episodes: number;
  failedEpisodes: number;
  failureReasons: Record<string, number>;
  /** Episode attempts that failed (sandbox or host lost) and were tried again afresh, by reason. */
  retriedReasons?: Record<string, number>;
  passRate: number;
  meanReward: number;
  filteredGroupFraction: number;
  meanSteps: number;
  submitRate: number;
  formatErrorRate: number;
  completionTokens: number;
  trainedTrajectories: number;
  trainLoss: number | null;
  clipFracLow: number | null;
  clipFracHigh: number | null;
  /** Optimizer steps of the iteration: ceil(trained / batchSize). */
  optimizerSteps?: number;
  /** Mean over the steps of the gradient norm (before clipping). */
  gradNorm?: number | null;
  /** |trainer - sampler| log-prob over action tokens at the first step (before any update): the sampler/trainer mismatch. */
  logprobMismatchMean?: number | null;
  logprobMismatchMax?: number | null;
  /** Every optimizer step's figures (core/trainSteps.ts StepSummary). */
  trainSteps?: StepSummary[];
  /** The policy server refused the iteration's publish; the steps and checkpoint stand. */
  publishError?: string;
  /** Seconds spent in each phase of the iteration. */
  phaseSeconds: { rollout: number; advantage: number; train: number; eval: number };
  evaluation: EvaluationSummary | null;
  finishedAt: string;
}

export interface EvaluationSummary {
  tasks: number;
  runs: number;
  pass1: number;
  pass1Sem: number;
  passK: number;
  meanSteps: number;
  formatErrorRate: number;
  /** Episodes that ended in an infrastructure failure (counted as unsolved), by reason. */
  failedEpisodes?: number;
  failureReasons?: Record<string, number>;
}

/** What the trainingRun workflow's `status` query answers. */
export interface TrainingStatus {
  runId: string;
  phase: 'starting' | 'eval' | 'rft' | 'rl' | 'done';
  stage: string | null;
  stageIndex: number;
  iteration: number;
  totalIterations: number;
  policyVersion: number;
  checkpointPath: string | null;
  paused: boolean;
  draining: boolean;
  /** Episodes finished / started in the iteration running now (for progress bars). */
  episodesDone: number;
  episodesTotal: number;
  lastMetrics: IterationMetrics | null;
  /** Failed episodes by reason over the run's finished rollouts (core/failures/failurePolicy.ts). */
  failuresByReason: Record<string, number>;
  /** Why the run paused itself (failure budget exceeded); null when it did not. */
  pausedReason: string | null;
  /** The current phase's attempt: its child workflow ids end in `-r<retry>` when above 0. */
  retry?: number;
}
