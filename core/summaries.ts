import type { EpisodeOutcome } from './episodeOutcome';

// One-line summaries (Temporal user metadata) that say in the Web UI what a workflow or an
// activity is about. They are shown to anyone who opens the UI and stored in every history, so
// they hold no payloads: single lines, bounded, with secret-looking assignments masked.

export const MAX_SUMMARY_CHARS = 120;

const SECRET_ASSIGNMENT = /\b([A-Za-z0-9_]*(?:TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|ACCESS_?KEY)[A-Za-z0-9_]*)(\s*[=:]\s*)("[^"]*"|'[^']*'|\S+)/gi;
const BEARER = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/g;

/** One line of at most maxChars: whitespace runs collapsed, secrets masked, an ellipsis where cut. */
export function oneLine(text: string, maxChars = MAX_SUMMARY_CHARS): string {
  const flat = text.replace(SECRET_ASSIGNMENT, '$1$2***').replace(BEARER, '$1 ***').replace(/\s+/g, ' ').trim();
  if (flat.length <= maxChars) return flat;
  return `${flat.slice(0, Math.max(0, maxChars - 1)).trimEnd()}…`;
}

/** Where a workflow sits in its run, from its search attributes (absent when started by hand). */
export interface RunPlace {
  stage?: string;
  iteration?: number;
}

function place(at: RunPlace): string {
  if (at.stage === 'rft') return 'RFT';
  if (at.stage?.startsWith('eval-')) return `evaluation ${at.stage.slice('eval-'.length)}`;
  return [at.iteration !== undefined && at.iteration > 0 ? `iteration ${at.iteration}` : '', at.stage ? `stage ${at.stage}` : ''].filter(Boolean).join(', ');
}

function join(...parts: string[]): string {
  return oneLine(parts.filter(Boolean).join(', '));
}

/** "task T, sample 3 of 8, iteration 12, stage s1" (samples count from 1; a retry adds its attempt). */
export function episodeSummary(task: string, sample: number, samples: number | undefined, attempt: number, at: RunPlace): string {
  return join(`task ${task}`, samples ? `sample ${sample + 1} of ${samples}` : `sample ${sample + 1}`, attempt > 0 ? `attempt ${attempt + 1}` : '', place(at));
}

/** "task T, 8 samples, iteration 12, stage s1" */
export function taskGroupSummary(task: string, samples: number, at: RunPlace): string {
  return join(`task ${task}`, `${samples} sample${samples === 1 ? '' : 's'}`, place(at));
}

/** "dapo steps 5-7 (3), iteration 12, stage s1" */
export function trainStepsSummary(kind: 'sft' | 'dapo', firstStep: number, lastStep: number, at: RunPlace): string {
  const count = lastStep - firstStep + 1;
  return join(`${kind} ${count === 1 ? `step ${firstStep}` : `steps ${firstStep}-${lastStep} (${count})`}`, place(at));
}

/** "evaluation it-0012 of policy v5, 2 runs per task" */
export function evalRunSummary(label: string, policyVersion: number, runs: number | undefined): string {
  return join(`evaluation ${label} of policy v${policyVersion}`, runs ? `${runs} run${runs === 1 ? '' : 's'} per task` : '');
}

/** "turn 7: policy" */
export function policyTurnSummary(turn: number): string {
  return `turn ${turn}: policy`;
}

/** "turn 7: python -m pytest tests/test_x.py" (the command, one line, truncated). */
export function commandTurnSummary(turn: number, command: string): string {
  return oneLine(`turn ${turn}: ${command}`);
}

/** "turn 7: python -m pytest tests/test_x.py -> exit 1", once the command has run. */
export function commandResultSummary(turn: number, command: string, exitCode: number | null): string {
  const result = exitCode === null ? ' -> no exit code' : ` -> exit ${exitCode}`;
  return `${oneLine(`turn ${turn}: ${command}`, MAX_SUMMARY_CHARS - result.length)}${result}`;
}

/** The episode's outcome in one line: "unresolved: submitted, graded tests_failed after 3 turns". */
export function episodeOutcomeSummary(outcome: EpisodeOutcome, summary: { endReason: string; gradeReason: string; steps: number; error?: string }): string {
  const turns = `after ${summary.steps} turn${summary.steps === 1 ? '' : 's'}`;
  if (outcome === 'failed') return oneLine(`failed: ${summary.endReason} ${turns}${summary.error ? ` (${summary.error})` : ''}`);
  const graded = summary.endReason === 'submitted' ? `submitted, graded ${summary.gradeReason}` : summary.endReason;
  return oneLine(`${outcome}: ${graded} ${turns}`);
}

/** The episode's static details (a short Markdown list): run, episode key, policy, turn limit. */
export function episodeDetails(runId: string, episodeKey: string, policy: string, maxTurns: number): string {
  return [`run: ${oneLine(runId)}`, `episode: ${oneLine(episodeKey)}`, `policy: ${oneLine(policy)}`, `turn limit: ${maxTurns}`].map((line) => `- ${line}`).join('\n');
}

/** "iteration 12, stage s1: 4 tasks x 8 samples" */
export function rlIterationSummary(iteration: number, stage: string, tasks: number, samples: number): string {
  return oneLine(`iteration ${iteration}, stage ${stage}: ${tasks} task${tasks === 1 ? '' : 's'} x ${samples} sample${samples === 1 ? '' : 's'}`);
}

/** "RFT: 4 samples per train task" */
export function rftRunSummary(samplesPerTask: number): string {
  return `RFT: ${samplesPerTask} sample${samplesPerTask === 1 ? '' : 's'} per train task`;
}
