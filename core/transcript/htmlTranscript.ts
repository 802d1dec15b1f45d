import { escapeHtml as e } from './htmlEscape';
import { headerFacts, observationStatus } from './textTranscript';
import type { GradedTest, Transcript, TranscriptTurn } from './transcriptModel';

export interface HtmlOptions {
  /** Observations with more lines than this start folded (a <details> element). */
  foldObservationLines?: number;
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 70em; padding: 0 1em; color: #1d1d1f; background: #fafafa; }
h1 { font-size: 1.3em; word-break: break-all; }
h2 { font-size: 1.1em; margin-top: 1.6em; border-bottom: 1px solid #ccc; }
table.facts td { padding: 0.1em 1em 0.1em 0; vertical-align: top; }
table.facts td:first-child { color: #666; }
pre { white-space: pre-wrap; word-break: break-word; background: #fff; border: 1px solid #ddd; border-radius: 4px; padding: 0.6em; margin: 0.3em 0; }
section.turn { border-left: 4px solid #8ab; padding-left: 0.8em; margin: 1.2em 0; }
section.turn.malformed { border-left-color: #d33; }
section.turn.submit { border-left-color: #3a3; }
.label { color: #666; font-size: 0.9em; margin-top: 0.5em; }
.command pre { background: #f0f4ff; }
.error { color: #b00; font-weight: bold; }
.resolved { color: #070; font-weight: bold; }
.unresolved, .failed { color: #b00; font-weight: bold; }
li.failing { color: #b00; }
li.passing { color: #070; }
summary { cursor: pointer; color: #245; }
`;

/** The episode as one self-contained HTML page (inline CSS, no scripts, no external assets). */
export function htmlTranscript(t: Transcript, options: HtmlOptions = {}): string {
  const fold = options.foldObservationLines ?? 30;
  const title = `${t.runId} · ${t.episodeKey}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${e(title)}</title>`,
    `<style>${STYLE}</style>`,
    '</head><body>',
    `<h1>Episode ${e(t.episodeKey)} <small>of run ${e(t.runId)}</small></h1>`,
    '<table class="facts">',
    ...headerFacts(t).map(([k, v]) => `<tr><td>${e(k)}</td><td>${e(v)}</td></tr>`),
    `<tr><td>outcome</td><td>${outcomeHtml(t)}</td></tr>`,
    '</table>',
    '<h2>Issue</h2>',
    `<pre class="issue">${e(t.issue ?? '(no prompt stored)')}</pre>`,
    ...(t.system === null ? [] : [foldedPre('system prompt', t.system, 'system')]),
    '<h2>Turns</h2>',
    ...t.turns.map((turn) => turnHtml(turn, fold)),
    ...(t.patch === null ? [] : ['<h2>Submitted patch</h2>', foldedPre(`patch (${t.patch.split('\n').length} lines)`, t.patch || '(empty)', 'patch', true)]),
    '<h2>End</h2>',
    endHtml(t),
    '</body></html>',
    '',
  ].join('\n');
}

function turnHtml(turn: TranscriptTurn, fold: number): string {
  const cls = turn.kind === 'format_error' ? 'turn malformed' : turn.kind === 'submit' ? 'turn submit' : 'turn';
  const parts = [`<section class="${cls}" id="turn-${turn.turn}">`, `<h3>Turn ${turn.turn}${turn.kind === 'format_error' ? ' <span class="error">malformed turn</span>' : ''} <small>(${turn.completionTokens} tokens, ${e(turn.finishReason)})</small></h3>`];
  if (turn.formatError) {
    parts.push(`<div class="error">format error: ${e(turn.formatError.kind)} (nothing was run; the agent was shown the observation below)</div>`);
    parts.push('<div class="label">reply</div>', `<pre class="reply">${e(turn.reply ?? '')}</pre>`);
  } else {
    if (turn.thought) parts.push('<div class="label">thought</div>', `<pre class="thought">${e(turn.thought)}</pre>`);
    parts.push('<div class="label">command</div>', `<div class="command"><pre>${e(turn.command ?? '')}</pre></div>`);
  }
  if (turn.observation !== null) {
    const lines = turn.observation.split('\n').length;
    const label = `observation${observationStatus(turn)}`;
    parts.push(lines > fold ? foldedPre(`${label}: ${lines} lines`, turn.observation, 'observation') : `<div class="label">${e(label)}</div><pre class="observation">${e(turn.observation)}</pre>`);
  }
  parts.push('</section>');
  return parts.join('\n');
}

function foldedPre(summary: string, text: string, cls: string, open = false): string {
  return `<details${open ? ' open' : ''}><summary>${e(summary)}</summary><pre class="${cls}">${e(text)}</pre></details>`;
}

function outcomeHtml(t: Transcript): string {
  const outcome = t.end.outcome ?? t.end.status;
  return `<span class="${e(outcome)}">${e(outcome)}</span>`;
}

function endHtml(t: Transcript): string {
  const { end, grade } = t;
  const facts: [string, string][] = [
    ['status', end.status],
    ['end reason', end.endReason ?? '-'],
    ['reward', end.reward === null ? '-' : String(end.reward)],
    ['turns', String(end.steps)],
    ['format errors', String(end.formatErrors)],
    ...(end.completionTokens === null ? [] : [['completion tokens', String(end.completionTokens)] as [string, string]]),
    ...(end.error ? [['error', end.error] as [string, string]] : []),
    ...(end.earlierAttempts.length > 0 ? [['earlier attempts', end.earlierAttempts.join('; ')] as [string, string]] : []),
  ];
  const out = ['<table class="facts">', ...facts.map(([k, v]) => `<tr><td>${e(k)}</td><td>${e(v)}</td></tr>`), `<tr><td>outcome</td><td>${outcomeHtml(t)}</td></tr>`];
  if (!grade) return [...out, '<tr><td>grade</td><td>not graded</td></tr>', '</table>'].join('\n');
  out.push(
    `<tr><td>grade</td><td class="grade">reward ${grade.reward}, ${e(grade.reason)}</td></tr>`,
    `<tr><td>test runner exit code</td><td>${grade.testExitCode === null ? '-' : grade.testExitCode}</td></tr>`,
    ...(grade.modifiedTests.length > 0 ? [`<tr><td>test files the patch changed</td><td>${e(grade.modifiedTests.join(', '))}</td></tr>`] : []),
    '</table>',
    `<h3>Failing tests (${grade.failing.length})</h3>`,
    testList(grade.failing, 'failing'),
    `<h3>Passing tests (${grade.passing.length})</h3>`,
    testList(grade.passing, 'passing'),
  );
  return out.join('\n');
}

function testList(tests: GradedTest[], cls: string): string {
  if (tests.length === 0) return '<p>none</p>';
  return `<ul>${tests.map((t) => `<li class="${cls}"><b>${e(t.outcome)}</b> <code>${e(t.id)}</code> <small>${t.group}</small></li>`).join('')}</ul>`;
}
