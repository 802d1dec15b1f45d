import type { EpisodePrompt, ObservationRecord, PolicyTurnRecord } from '../agent/conversation';
import type { TestOutcome } from '../grading/junitReport';
import { episodeOutcome, type EpisodeOutcome } from '../episodeOutcome';
import { episodePlace, type EpisodePlace } from './episodePlace';

/** The fields of an episode's summary.json a transcript shows (activities/store EpisodeSummary). */
export interface StoredSummary {
  instanceId: string;
  sample: number;
  attempt: number;
  status: 'completed' | 'failed';
  endReason: string;
  testReward: 0 | 1;
  gradeReason: string;
  steps: number;
  formatErrors: number;
  completionTokens: number;
  policyVersion: number | null;
  durationMs: number;
  error?: string;
  earlierAttempts?: string[];
}

/** The fields of grade.json a transcript shows (activities/sandbox/grading.ts GradeResult less its log). */
export interface StoredGrade {
  reward: 0 | 1;
  reason: string;
  tests: { FAIL_TO_PASS: Record<string, TestOutcome>; PASS_TO_PASS: Record<string, TestOutcome> };
  modified_tests?: string[];
  duration_ms?: number;
}

/** Everything the store holds for one episode, as read from its folder. */
export interface StoredEpisode {
  runId: string;
  episodeKey: string;
  prompt: EpisodePrompt | null;
  turns: { policy: PolicyTurnRecord; observation: ObservationRecord | null }[];
  summary: StoredSummary | null;
  grade: StoredGrade | null;
  gradingLog: string | null;
  patch: string | null;
  /** RL stage names by iteration, from the run's metrics.jsonl. */
  stageByIteration: ReadonlyMap<number, string>;
}

export interface TranscriptTurn {
  turn: number;
  kind: 'command' | 'submit' | 'format_error';
  thought: string;
  command: string | null;
  /** The malformed turn's error kind and the message the agent was shown. */
  formatError: { kind: string; message: string } | null;
  /** The raw reply, for turns whose reply could not be read as an action. */
  reply: string | null;
  observation: string | null;
  exitCode: number | null;
  timedOut: boolean;
  stopped: string | null;
  completionTokens: number;
  finishReason: string;
}

export interface GradedTest {
  id: string;
  group: 'FAIL_TO_PASS' | 'PASS_TO_PASS';
  outcome: TestOutcome;
}

export interface TranscriptGrade {
  reward: 0 | 1;
  reason: string;
  /** Every test that did not pass, FAIL_TO_PASS first. */
  failing: GradedTest[];
  passing: GradedTest[];
  modifiedTests: string[];
  /** The test runner's exit status, read from grading.log (null when the tests never ran). */
  testExitCode: number | null;
  durationMs: number | null;
}

export interface TranscriptEnd {
  status: 'completed' | 'failed' | 'in_progress';
  endReason: string | null;
  reward: 0 | 1 | null;
  outcome: EpisodeOutcome | null;
  steps: number;
  formatErrors: number;
  completionTokens: number | null;
  durationMs: number | null;
  error: string | null;
  earlierAttempts: string[];
}

export interface Transcript extends EpisodePlace {
  runId: string;
  episodeKey: string;
  /** The episode workflow's id: `<run>/<key>`. */
  workflowId: string;
  policyVersion: number | null;
  policy: string | null;
  system: string | null;
  /** The first user message: the issue as the agent was given it. */
  issue: string | null;
  turns: TranscriptTurn[];
  end: TranscriptEnd;
  grade: TranscriptGrade | null;
  patch: string | null;
}

export function buildTranscript(stored: StoredEpisode): Transcript {
  const place = episodePlace(stored.episodeKey);
  const { summary } = stored;
  const firstPolicy = stored.turns.find((t) => t.policy.policyVersion !== null)?.policy;
  return {
    ...place,
    task: summary?.instanceId ?? place.task,
    sample: summary?.sample ?? place.sample,
    attempt: summary?.attempt ?? place.attempt,
    stage: place.stage ?? (place.iteration === null ? null : (stored.stageByIteration.get(place.iteration) ?? null)),
    runId: stored.runId,
    episodeKey: stored.episodeKey,
    workflowId: `${stored.runId}/${stored.episodeKey}`,
    policyVersion: summary?.policyVersion ?? firstPolicy?.policyVersion ?? null,
    policy: stored.turns.find((t) => t.policy.policy)?.policy.policy ?? null,
    system: stored.prompt?.system ?? null,
    issue: stored.prompt?.user ?? null,
    turns: stored.turns.map(({ policy, observation }) => transcriptTurn(policy, observation)),
    end: transcriptEnd(summary, stored.turns.length),
    grade: stored.grade ? transcriptGrade(stored.grade, stored.gradingLog) : null,
    patch: stored.patch,
  };
}

function transcriptTurn(policy: PolicyTurnRecord, observation: ObservationRecord | null): TranscriptTurn {
  const { action } = policy;
  return {
    turn: policy.turn,
    kind: action.kind,
    thought: action.kind === 'format_error' ? '' : action.thought,
    command: action.kind === 'command' ? action.command : action.kind === 'submit' ? 'submit' : null,
    formatError: action.kind === 'format_error' ? { kind: action.error, message: action.message } : null,
    reply: action.kind === 'format_error' ? policy.content : null,
    observation: policy.observation ?? observation?.observation ?? null,
    exitCode: observation?.exitCode ?? null,
    timedOut: observation?.timedOut ?? false,
    stopped: observation?.stopped ?? null,
    completionTokens: policy.tokenIds.length,
    finishReason: policy.finishReason,
  };
}

function transcriptEnd(summary: StoredSummary | null, turns: number): TranscriptEnd {
  if (!summary) {
    return { status: 'in_progress', endReason: null, reward: null, outcome: null, steps: turns, formatErrors: 0, completionTokens: null, durationMs: null, error: null, earlierAttempts: [] };
  }
  return {
    status: summary.status,
    endReason: summary.endReason,
    reward: summary.testReward,
    outcome: episodeOutcome(summary),
    steps: summary.steps,
    formatErrors: summary.formatErrors,
    completionTokens: summary.completionTokens,
    durationMs: summary.durationMs,
    error: summary.error ?? null,
    earlierAttempts: summary.earlierAttempts ?? [],
  };
}

export function transcriptGrade(grade: StoredGrade, gradingLog: string | null): TranscriptGrade {
  const tests: GradedTest[] = [
    ...Object.entries(grade.tests.FAIL_TO_PASS).map(([id, outcome]) => ({ id, group: 'FAIL_TO_PASS' as const, outcome })),
    ...Object.entries(grade.tests.PASS_TO_PASS).map(([id, outcome]) => ({ id, group: 'PASS_TO_PASS' as const, outcome })),
  ];
  return {
    reward: grade.reward,
    reason: grade.reason,
    failing: tests.filter((t) => t.outcome !== 'passed'),
    passing: tests.filter((t) => t.outcome === 'passed'),
    modifiedTests: grade.modified_tests ?? [],
    testExitCode: gradingLog === null ? null : testExitCode(gradingLog),
    durationMs: grade.duration_ms ?? null,
  };
}

/**
 * The exit status of the `run tests` step in grading.log: `$ run tests (pytest) (exit 1, 812 ms)`,
 * or `$ run tests (exit 1, 812 ms)` in logs written before gradings named their test runner.
 */
export function testExitCode(gradingLog: string): number | null {
  const match = /^\$ run tests (?:\([a-z]+\) )?\(exit (-?\d+|null)/m.exec(gradingLog);
  return match && match[1] !== 'null' ? Number(match[1]) : null;
}
