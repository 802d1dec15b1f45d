import { shellQuote } from '../shellQuote';
import { DEFAULT_TOOLS_HOME, DEFAULT_TOOLS_STATE_FILE, toolsBinDir } from './toolsInstall';

/** Starts each line of the report that the command script appends to the output. */
export const REPORT_MARKER = '###swe-rl-report###';

/** What carries over from one agent command to the next. */
export interface ShellState {
  cwd: string;
  openFile: string | null;
}

export interface CommandScriptOptions {
  /** Where to go when the remembered directory no longer exists. */
  repoDir?: string;
  toolsHome?: string;
  toolsStateFile?: string;
  /** Lines per window of `open`/`goto`/scroll; say the same number in the system prompt. */
  windowLines?: number;
  /**
   * A file the script creates before anything else: its absence after a failed attempt proves the
   * command never started, so running it again is safe.
   */
  startMarker?: string;
}

/**
 * The bash script that runs one agent command: go to the remembered directory, put the tools first
 * on PATH, run the command verbatim in this same shell (so `cd` and `exit` behave as typed), and on
 * exit, whatever the cause (end, `exit`, a syntax error), print a report of the exit status, the
 * new directory and the tools' state. Run it as `bash -c SCRIPT`.
 *
 * The set-up is one line, so bash's error messages about the command are off by exactly one line.
 */
export function buildCommandScript(command: string, cwd: string, options: CommandScriptOptions = {}): string {
  const repoDir = options.repoDir ?? '/testbed';
  const stateFile = options.toolsStateFile ?? DEFAULT_TOOLS_STATE_FILE;
  const binDir = toolsBinDir(options.toolsHome ?? DEFAULT_TOOLS_HOME);
  const marker = shellQuote(REPORT_MARKER);
  const report =
    '__swe_rl_report() { __swe_rl_tools=; ' +
    `{ IFS= read -r __swe_rl_tools < ${shellQuote(stateFile)}; } 2>/dev/null; ` +
    `printf '\\n%s exit=%s\\n%s cwd=%s\\n%s tools=%s\\n' ${marker} "$__swe_rl_status" ${marker} "$PWD" ${marker} "$__swe_rl_tools"; }`;
  // Status first; then `set +ex`, silenced, so the agent's own `set -e` or `set -x` cannot cut or
  // clutter the report.
  const onExit = `trap '{ __swe_rl_status=$?; set +ex; } 2>/dev/null; __swe_rl_report' EXIT`;
  const goToCwd =
    `cd -- ${shellQuote(cwd)} 2>/dev/null || { ` +
    `echo ${shellQuote(`(directory ${cwd} no longer exists; now in ${repoDir})`)}; cd -- ${shellQuote(repoDir)}; }`;
  const setup = [
    ...(options.startMarker ? [`: > ${shellQuote(options.startMarker)} 2>/dev/null`] : []),
    report,
    onExit,
    // No command may wait for input that never comes; heredocs still feed the tools.
    'exec </dev/null',
    `export PATH=${shellQuote(binDir)}:"$PATH" SWE_RL_TOOLS_STATE=${shellQuote(stateFile)}`,
    'export PAGER=cat GIT_PAGER=cat MANPAGER=cat SYSTEMD_PAGER=cat',
    ...(options.windowLines === undefined ? [] : [`export SWE_RL_TOOLS_WINDOW=${Math.max(1, Math.floor(options.windowLines))}`]),
    goToCwd,
  ].join('; ');
  return `${setup}\n${command}\n`;
}

export interface CommandReport {
  exitCode: number;
  cwd: string;
  openFile: string | null;
}

export interface ParsedCommandOutput {
  /** What the command printed, without the report. */
  output: string;
  /** Null when the report is missing: the command was killed (timeout) or closed its stdout. */
  report: CommandReport | null;
}

/** Splits the output of a `buildCommandScript` run into the command's own output and the report. */
export function parseCommandOutput(raw: string): ParsedCommandOutput {
  const start = raw.lastIndexOf(`\n${REPORT_MARKER} exit=`);
  if (start === -1) return { output: raw, report: null };
  const lines = raw.slice(start + 1).split('\n');
  const [exitLine, cwdLine, toolsLine] = lines;
  const exitCode = Number(valueAfter(exitLine, 'exit'));
  const cwd = valueAfter(cwdLine, 'cwd');
  const tools = valueAfter(toolsLine, 'tools');
  if (!Number.isInteger(exitCode) || cwd === null || tools === null) return { output: raw, report: null };
  // Anything after the report was printed by a background process; it is still output.
  const late = lines.slice(3).join('\n');
  const output = raw.slice(0, start) + (late.trim() === '' ? '' : `\n${late.replace(/\n+$/, '')}`);
  return { output, report: { exitCode, cwd, openFile: openFileFrom(tools) } };
}

/** The state after a command: the report's, or the previous state when there was no report. */
export function nextShellState(previous: ShellState, report: CommandReport | null): ShellState {
  return report ? { cwd: report.cwd || previous.cwd, openFile: report.openFile } : previous;
}

function valueAfter(line: string | undefined, key: string): string | null {
  const prefix = `${REPORT_MARKER} ${key}=`;
  return line !== undefined && line.startsWith(prefix) ? line.slice(prefix.length) : null;
}

function openFileFrom(toolsStateJson: string): string | null {
  if (toolsStateJson.trim() === '') return null;
  try {
    const state: unknown = JSON.parse(toolsStateJson);
    if (state && typeof state === 'object' && 'file' in state && typeof state.file === 'string' && state.file) {
      return state.file;
    }
  } catch {
    // A damaged state file only means no file is open.
  }
  return null;
}
