import {
  REPORT_MARKER,
  buildCommandScript,
  nextShellState,
  parseCommandOutput,
} from '../../../core/agent/shellCommand';

function report(exit: number | string, cwd: string, tools: string): string {
  return `\n${REPORT_MARKER} exit=${exit}\n${REPORT_MARKER} cwd=${cwd}\n${REPORT_MARKER} tools=${tools}\n`;
}

describe('buildCommandScript', () => {
  const command = "cd src && edit 2:3 <<'EOF'\n    x = 1\nEOF";
  const script = buildCommandScript(command, '/testbed/pkg');
  const [setup, ...rest] = script.split('\n');

  it('puts the whole set-up on the first line and the command verbatim after it', () => {
    expect(rest.join('\n')).toBe(`${command}\n`);
  });

  it('reports on exit, puts the tools first on PATH and goes to the remembered directory', () => {
    expect(setup).toContain("trap '{ __swe_rl_status=$?; set +ex; } 2>/dev/null; __swe_rl_report' EXIT");
    expect(setup).toContain(`export PATH='/opt/swe-rl/bin':"$PATH"`);
    expect(setup).toContain("SWE_RL_TOOLS_STATE='/tmp/.swe_rl_tools_state.json'");
    expect(setup).toContain("cd -- '/testbed/pkg' 2>/dev/null || {");
    expect(setup).toContain("cd -- '/testbed'; }");
    expect(setup.indexOf('trap')).toBeLessThan(setup.indexOf('cd --'));
  });

  it('quotes a directory holding quotes and shell syntax', () => {
    const odd = buildCommandScript('ls', "/testbed/it's $(here)");
    expect(odd).toContain(`cd -- '/testbed/it'\\''s $(here)'`);
  });

  it('honours other tool locations and repository directories', () => {
    const other = buildCommandScript('ls', '/w', { toolsHome: '/tools', toolsStateFile: '/s.json', repoDir: '/repo' });
    expect(other).toContain(`export PATH='/tools/bin':"$PATH" SWE_RL_TOOLS_STATE='/s.json'`);
    expect(other).toContain("read -r __swe_rl_tools < '/s.json'");
    expect(other).toContain("cd -- '/repo'; }");
    expect(other).not.toContain('SWE_RL_TOOLS_WINDOW');
    expect(buildCommandScript('ls', '/w', { windowLines: 40 })).toContain('export SWE_RL_TOOLS_WINDOW=40;');
  });
});

describe('parseCommandOutput', () => {
  it('separates the output from the report', () => {
    const raw = `hello\nworld\n${report(0, '/testbed/src', '{"file": "/testbed/src/a.py", "first_line": 1}')}`;
    expect(parseCommandOutput(raw)).toEqual({
      output: 'hello\nworld\n',
      report: { exitCode: 0, cwd: '/testbed/src', openFile: '/testbed/src/a.py' },
    });
  });

  it('keeps output that did not end with a newline intact', () => {
    expect(parseCommandOutput(`no newline${report(1, '/t', '')}`).output).toBe('no newline');
  });

  it('reads a missing or damaged tools state as no open file', () => {
    expect(parseCommandOutput(report(2, '/t', '')).report).toEqual({ exitCode: 2, cwd: '/t', openFile: null });
    expect(parseCommandOutput(report(0, '/t', '{"file": ')).report?.openFile).toBeNull();
    expect(parseCommandOutput(report(0, '/t', '{"file": 3}')).report?.openFile).toBeNull();
  });

  it('returns no report when the command was killed before reporting', () => {
    expect(parseCommandOutput('partial output')).toEqual({ output: 'partial output', report: null });
  });

  it('uses the last report, so printed look-alikes do not count', () => {
    const raw = `${report(9, '/fake', '')}real${report(0, '/real', '')}`;
    expect(parseCommandOutput(raw).report?.cwd).toBe('/real');
  });

  it('keeps output that a background process printed after the report', () => {
    const raw = `first\n${report(0, '/t', '')}late line\n`;
    expect(parseCommandOutput(raw).output).toBe('first\n\nlate line');
  });

  it('rejects a malformed report', () => {
    const raw = `x\n${REPORT_MARKER} exit=abc\n${REPORT_MARKER} cwd=/t\n${REPORT_MARKER} tools=\n`;
    expect(parseCommandOutput(raw).report).toBeNull();
  });
});

describe('nextShellState', () => {
  const previous = { cwd: '/testbed', openFile: '/testbed/a.py' };

  it('takes the reported directory and open file', () => {
    expect(nextShellState(previous, { exitCode: 0, cwd: '/tmp', openFile: null })).toEqual({ cwd: '/tmp', openFile: null });
  });

  it('keeps the previous state when there is no report', () => {
    expect(nextShellState(previous, null)).toBe(previous);
  });
});
