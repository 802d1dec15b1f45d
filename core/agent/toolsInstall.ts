import { shellQuote } from '../shellQuote';

/** Where the tool program and its wrapper executables live inside every sandbox. */
export const DEFAULT_TOOLS_HOME = '/opt/swe-rl';
export const TOOLS_PROGRAM_NAME = 'swe_rl_tools.py';
/** Where the tools keep the open file and window position between separate `docker exec`s. */
export const DEFAULT_TOOLS_STATE_FILE = '/tmp/.swe_rl_tools_state.json';

/** Commands put on PATH; `submit` is a stub that explains it must stand alone (the parser ends the episode). */
export const TOOL_COMMANDS = [
  'open',
  'goto',
  'scroll_down',
  'scroll_up',
  'create',
  'edit',
  'replace',
  'search_file',
  'submit',
] as const;
export type ToolCommand = (typeof TOOL_COMMANDS)[number];

/** Start markers of agent commands (see buildCommandScript's startMarker); writable by the agent. */
export function turnMarkerPath(turn: number, toolsHome: string = DEFAULT_TOOLS_HOME): string {
  return `${toolsHome}/turns/${String(turn).padStart(4, '0')}`;
}

export function toolsBinDir(toolsHome: string = DEFAULT_TOOLS_HOME): string {
  return `${toolsHome}/bin`;
}

export function toolsProgramPath(toolsHome: string = DEFAULT_TOOLS_HOME): string {
  return `${toolsHome}/${TOOLS_PROGRAM_NAME}`;
}

/**
 * The wrapper executable for one tool. `-E -S` keep the repository's PYTHONPATH and site
 * packages out of the stdlib-only tool; SWE_RL_PYTHON picks another interpreter if python3 is unfit.
 */
export function toolWrapperScript(tool: ToolCommand, toolsHome: string = DEFAULT_TOOLS_HOME): string {
  return `#!/bin/sh\nexec "\${SWE_RL_PYTHON:-python3}" -E -S ${toolsProgramPath(toolsHome)} ${tool} "$@"\n`;
}

const PROGRAM_DELIMITER = 'SWE_RL_TOOLS_PROGRAM_END';

/**
 * A bash script that installs the tool program (its source given) and the wrappers. Run it in the
 * container as root (uid 0 can write the root-owned /opt even with every capability dropped).
 * The files end up root-owned: the program 0644, the wrappers 0755, so the agent cannot alter them.
 */
export function installToolsScript(programSource: string, toolsHome: string = DEFAULT_TOOLS_HOME): string {
  const source = programSource.endsWith('\n') ? programSource : `${programSource}\n`;
  if (source.split('\n').includes(PROGRAM_DELIMITER)) {
    throw new Error(`the tool program must not contain a line ${PROGRAM_DELIMITER}`);
  }
  const bin = toolsBinDir(toolsHome);
  const program = toolsProgramPath(toolsHome);
  const lines = [
    'set -eu',
    `mkdir -p ${shellQuote(bin)} ${shellQuote(`${toolsHome}/turns`)}`,
    `chmod 1777 ${shellQuote(`${toolsHome}/turns`)}`,
    `cat > ${shellQuote(program)} <<'${PROGRAM_DELIMITER}'`,
    source + PROGRAM_DELIMITER,
    `chmod 0644 ${shellQuote(program)}`,
  ];
  for (const tool of TOOL_COMMANDS) {
    const target = shellQuote(`${bin}/${tool}`);
    lines.push(`printf '%s' ${shellQuote(toolWrapperScript(tool, toolsHome))} > ${target}`, `chmod 0755 ${target}`);
  }
  return lines.join('\n') + '\n';
}
