import { shortenLines } from './observationLines';
import type { GradedTest, Transcript, TranscriptTurn } from './transcriptModel';

export interface TextOptions {
  /** Observations longer than this many lines show their head and tail only. */
  maxObservationLines?: number;
}

const RULE = '─'.repeat(72);

/** The episode as a plain-text transcript: header, issue, each turn, then how it ended and its grade. */
export function textTranscript(t: Transcript, options: TextOptions = {}): string {
  const maxLines = options.maxObservationLines ?? 60;
  const out: string[] = [];
  out.push(`episode ${t.episodeKey} of run ${t.runId}`);
  out.push(...headerFacts(t).map(([k, v]) => `  ${k}: ${v}`));
  out.push('', RULE, 'ISSUE', RULE, t.issue ?? '(no prompt stored)');
  for (const turn of t.turns) out.push('', ...turnText(turn, maxLines));
  if (t.patch !== null) out.push('', RULE, 'SUBMITTED PATCH', RULE, ...shortened(t.patch.trimEnd() || '(empty)', maxLines));
  out.push('', RULE, 'END', RULE, ...endText(t));
  return `${out.join('\n')}\n`;
}

/** Label and value pairs shared by the text and HTML headers. */
export function headerFacts(t: Transcript): [string, string][] {
  return [
    ['workflow id', t.workflowId],
    ['phase', t.phase],
    ['iteration', show(t.iteration)],
    ['stage', show(t.stage)],
    ['task', t.task],
    ['sample', `${show(t.sample)}${t.attempt ? ` (attempt ${t.attempt})` : ''}`],
    ['policy version', `${show(t.policyVersion)}${t.policy ? ` (${t.policy})` : ''}`],
  ];
}

function turnText(turn: TranscriptTurn, maxLines: number): string[] {
  const out = [`${RULE}`, `TURN ${turn.turn}${turn.kind === 'format_error' ? '  [MALFORMED TURN]' : ''}  (${turn.completionTokens} tokens, ${turn.finishReason})`];
  if (turn.formatError) {
    out.push(`! format error: ${turn.formatError.kind} (nothing was run; the agent was shown the observation below)`, 'reply:', indent(turn.reply ?? ''));
  } else {
    if (turn.thought) out.push('thought:', indent(turn.thought));
    out.push(turn.kind === 'submit' ? '$ submit' : `$ ${(turn.command ?? '').split('\n').join('\n  ')}`);
  }
  if (turn.observation !== null) {
    out.push(`observation${observationStatus(turn)}:`);
    out.push(...shortened(turn.observation === '' ? '(no output)' : turn.observation, maxLines).map(indent));
  } else if (turn.kind !== 'submit') {
    out.push('observation: (none stored: the turn was still running)');
  }
  return out;
}

function shortened(text: string, maxLines: number): string[] {
  const short = shortenLines(text, maxLines);
  if (short.cutLines === 0) return short.head;
  return [...short.head, `[... ${short.cutLines} lines cut; --html or --json shows them all ...]`, ...short.tail];
}

/** `(exit 1, timed out)` after the observation's label. */
export function observationStatus(turn: TranscriptTurn): string {
  const parts = [
    ...(turn.exitCode !== null ? [`exit ${turn.exitCode}`] : []),
    ...(turn.timedOut ? ['timed out'] : []),
    ...(turn.stopped ? [`stopped: ${turn.stopped}`] : []),
  ];
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

function endText(t: Transcript): string[] {
  const { end, grade } = t;
  const out = [
    `status: ${end.status}`,
    `end reason: ${show(end.endReason)}`,
    `reward: ${show(end.reward)}   outcome: ${show(end.outcome)}`,
    `turns: ${end.steps}   format errors: ${end.formatErrors}${end.completionTokens === null ? '' : `   completion tokens: ${end.completionTokens}`}`,
  ];
  if (end.error) out.push(`error: ${end.error}`);
  if (end.earlierAttempts.length > 0) out.push(`earlier attempts: ${end.earlierAttempts.join('; ')}`);
  if (!grade) {
    out.push('grade: (not graded)');
    return out;
  }
  out.push(`grade: reward ${grade.reward}, ${grade.reason}   test runner exit code: ${show(grade.testExitCode)}`);
  if (grade.modifiedTests.length > 0) out.push(`test files the patch changed (reset before testing): ${grade.modifiedTests.join(', ')}`);
  out.push(`failing tests (${grade.failing.length}):`, ...grade.failing.map(testLine));
  out.push(`passing tests (${grade.passing.length}):`, ...grade.passing.map(testLine));
  return out;
}

function testLine(test: GradedTest): string {
  return `  ${test.outcome.toUpperCase().padEnd(7)} ${test.id}  [${test.group}]`;
}

function indent(text: string): string {
  return text.split('\n').map((line) => `    ${line}`).join('\n');
}

function show(value: string | number | null): string {
  return value === null ? '-' : String(value);
}
