import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  TOOL_COMMANDS,
  installToolsScript,
  toolWrapperScript,
  toolsBinDir,
  toolsProgramPath,
} from '../../../core/agent/toolsInstall';

const TOOLS_DIR = join(__dirname, '../../../activities/sandbox/tools');

describe('tool wrappers', () => {
  it.each(TOOL_COMMANDS)('ships bin/%s, executable and identical to toolWrapperScript', (tool) => {
    const file = join(TOOLS_DIR, 'bin', tool);
    expect(readFileSync(file, 'utf8')).toBe(toolWrapperScript(tool));
    expect(statSync(file).mode & 0o111).not.toBe(0);
  });

  it('execs the program at its sandbox path with the tool name and all arguments', () => {
    expect(toolWrapperScript('edit')).toBe(
      '#!/bin/sh\nexec "${SWE_RL_PYTHON:-python3}" -E -S /opt/swe-rl/swe_rl_tools.py edit "$@"\n',
    );
    expect(toolsBinDir()).toBe('/opt/swe-rl/bin');
    expect(toolsProgramPath('/x')).toBe('/x/swe_rl_tools.py');
  });

  it('has a command in the tool program for every wrapper', () => {
    const program = readFileSync(join(TOOLS_DIR, 'swe_rl_tools.py'), 'utf8');
    for (const tool of TOOL_COMMANDS) expect(program).toContain(`"${tool}": `);
  });
});

describe('installToolsScript', () => {
  it('writes the program through a quoted heredoc and every wrapper', () => {
    const script = installToolsScript('print("$HOME `x`")');
    expect(script).toContain("cat > '/opt/swe-rl/swe_rl_tools.py' <<'SWE_RL_TOOLS_PROGRAM_END'\nprint(\"$HOME `x`\")\n");
    for (const tool of TOOL_COMMANDS) expect(script).toContain(`chmod 0755 '/opt/swe-rl/bin/${tool}'`);
  });

  it('refuses a program that would end its heredoc early', () => {
    expect(() => installToolsScript('a\nSWE_RL_TOOLS_PROGRAM_END\nb\n')).toThrow(/must not contain/);
  });

  it('fits the real program in one exec argument (Linux allows 128 KiB per argument)', () => {
    const program = readFileSync(join(TOOLS_DIR, 'swe_rl_tools.py'), 'utf8');
    expect(Buffer.byteLength(installToolsScript(program))).toBeLessThan(128 * 1024);
  });
});
