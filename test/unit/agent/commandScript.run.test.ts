import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPatchScript } from '../../../core/agent/patchScript';
import { systemPrompt } from '../../../core/agent/prompts';
import { buildCommandScript, nextShellState, parseCommandOutput, type ShellState } from '../../../core/agent/shellCommand';
import { TOOL_COMMANDS, installToolsScript, toolsBinDir } from '../../../core/agent/toolsInstall';

// Runs the command scripts for real in bash on this machine, with the real tool program installed
// by installToolsScript into a temporary folder: the path an agent command takes in a sandbox.
const PROGRAM = readFileSync(join(__dirname, '../../../activities/sandbox/tools/swe_rl_tools.py'), 'utf8');
const hasPython = spawnSync('python3', ['--version']).status === 0;
const COMMAND_TIMEOUT_MS = 20_000;

(hasPython ? describe : describe.skip)('agent commands run through bash with the installed tools', () => {
  let root: string;
  let repo: string;
  let options: { toolsHome: string; toolsStateFile: string; repoDir: string };
  let state: ShellState;

  function bash(script: string) {
    const result = spawnSync('bash', ['-c', script], { encoding: 'utf8', timeout: COMMAND_TIMEOUT_MS });
    return { status: result.status, text: result.stdout + result.stderr };
  }

  function act(command: string) {
    const { status, text } = bash(buildCommandScript(command, state.cwd, options));
    const parsed = parseCommandOutput(text);
    state = nextShellState(state, parsed.report);
    return { status, ...parsed };
  }

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'swe-rl-agent-'));
    repo = join(root, 'repo');
    options = { toolsHome: join(root, 'tools'), toolsStateFile: join(root, 'state.json'), repoDir: repo };
    expect(bash(installToolsScript(PROGRAM, options.toolsHome)).status).toBe(0);
    mkdirSync(repo);
    writeFileSync(join(repo, 'README'), 'readme\n');
    const git = (args: string) => bash(`cd '${repo}' && git -c user.email=t@t -c user.name=t ${args}`);
    expect(git('init -q').status).toBe(0);
    expect(git('add -A').status).toBe(0);
    expect(git('commit -qm initial').status).toBe(0);
    state = { cwd: repo, openFile: null };
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('installs the program and an executable wrapper for every tool', () => {
    for (const tool of TOOL_COMMANDS) {
      expect(statSync(join(toolsBinDir(options.toolsHome), tool)).mode & 0o777).toBe(0o755);
    }
    expect(readFileSync(join(options.toolsHome, 'swe_rl_tools.py'), 'utf8')).toBe(PROGRAM);
  });

  it('remembers the directory a command moved to', () => {
    const result = act("mkdir -p pkg && cd pkg && printf 'def f():\\n    return 1\\n' > mod.py && echo made");
    expect(result.output.trim()).toBe('made');
    expect(result.report).toEqual({ exitCode: 0, cwd: join(repo, 'pkg'), openFile: null });
    expect(act('pwd').output.trim()).toBe(join(repo, 'pkg'));
  });

  it('reports the open file after `open`, and edits through a heredoc with literal whitespace', () => {
    const opened = act('open mod.py');
    expect(opened.output).toContain(`[File: ${join(repo, 'pkg', 'mod.py')} (2 lines total)]`);
    expect(state.openFile).toBe(join(repo, 'pkg', 'mod.py'));
    const edited = act("edit 2:2 <<'EOF'\n    if True:\n\treturn  2\nEOF");
    expect(edited.report?.exitCode).toBe(0);
    expect(readFileSync(join(repo, 'pkg', 'mod.py'), 'utf8')).toBe('def f():\n    if True:\n\treturn  2\n');
    expect(edited.output).toContain('no longer compiles');
  });

  it('reports the exit status of `exit`, of failures and of syntax errors', () => {
    expect(act('echo bye; exit 3')).toMatchObject({ status: 3, report: { exitCode: 3 } });
    expect(act('ls /definitely/not/here').report?.exitCode).toBe(2);
    const syntax = act('if then fi');
    expect(syntax.report?.exitCode).toBe(2);
    expect(syntax.output).toContain('syntax error');
  });

  it("still reports after the agent's own set -e and set -x, without tracing the report", () => {
    const result = act('set -ex; false; echo unreachable');
    expect(result.report?.exitCode).toBe(1);
    expect(result.output).not.toContain('unreachable');
    expect(result.output).not.toContain('__swe_rl');
  });

  it('never waits for input', () => {
    const started = Date.now();
    expect(act('cat; read line; echo "read:$line"').output).toContain('read:');
    expect(Date.now() - started).toBeLessThan(COMMAND_TIMEOUT_MS);
  });

  it('falls back to the repository when the remembered directory is gone', () => {
    state = { ...state, cwd: join(root, 'gone') };
    const result = act('pwd');
    expect(result.output).toContain(`directory ${join(root, 'gone')} no longer exists`);
    expect(result.report?.cwd).toBe(repo);
  });

  it('explains that submit must stand alone when it is mixed with other commands', () => {
    const result = act('true\nsubmit');
    expect(result.report?.exitCode).toBe(1);
    expect(result.output).toContain('`submit` was not run');
  });

  it("runs the system prompt's edit and replace examples as documented", () => {
    const example = (first: string) => {
      const lines = systemPrompt().split('\n');
      const start = lines.findIndex((line) => line.trimStart().startsWith(first));
      const end = lines.findIndex((line, index) => index > start && line.trim() === 'EOF');
      return lines.slice(start, end + 1).map((line) => line.slice(8)).join('\n');
    };
    const numbered = Array.from({ length: 15 }, (_, i) => `line ${i + 1}`).join('\n');
    act(`printf '%s\\n' '${numbered.split('\n').join("' '")}' > example.py && open example.py`);
    act(example('edit 12:14'));
    const edited = readFileSync(join(state.cwd, 'example.py'), 'utf8').split('\n');
    expect(edited.slice(10, 15)).toEqual([
      'line 11',
      '    if value is None:',
      '        return default',
      '    return convert(value)',
      'line 15',
    ]);
    act("printf '    total = price*count\\n' > total.py && open total.py");
    expect(act(example('replace <<')).report?.exitCode).toBe(0);
    expect(readFileSync(join(state.cwd, 'total.py'), 'utf8')).toBe('    total = price * count\n');
    act('rm example.py total.py');
  });

  it('builds the patch from every change, new files included, leaving byproducts out', () => {
    act('mkdir -p pkg/__pycache__ && echo x > pkg/__pycache__/mod.cpython-311.pyc && echo new > notes.txt');
    const patch = bash(buildPatchScript({ repoDir: repo }));
    expect(patch.status).toBe(0);
    expect(patch.text).toContain('+++ b/pkg/mod.py');
    expect(patch.text).toContain('+++ b/notes.txt');
    expect(patch.text).toContain('+\treturn  2');
    expect(patch.text).not.toContain('__pycache__');
  });
});
