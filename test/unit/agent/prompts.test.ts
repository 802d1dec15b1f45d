import { formatErrorMessage } from '../../../core/agent/formatErrors';
import { parseAction } from '../../../core/agent/parseAction';
import {
  firstUserMessage,
  promptLine,
  renderFormatErrorObservation,
  renderObservation,
  systemPrompt,
} from '../../../core/agent/prompts';
import { TOOL_COMMANDS } from '../../../core/agent/toolsInstall';

const state = { cwd: '/testbed/src', openFile: '/testbed/src/a.py' };

describe('systemPrompt', () => {
  const prompt = systemPrompt();

  it.each(TOOL_COMMANDS)('documents the tool %s at the start of a line', (tool) => {
    expect(prompt).toMatch(new RegExp(`^${tool}\\b`, 'm'));
  });

  it('gives the syntax of every tool with arguments', () => {
    for (const syntax of [
      'open FILE [LINE]',
      'goto LINE',
      'create FILE',
      'search_file TERM [FILE]',
      'edit [--file PATH] START:END',
      'replace [--file PATH] [--replace-all] SEARCH REPLACE',
      '<<<<<<< SEARCH',
      '>>>>>>> REPLACE',
    ]) {
      expect(prompt).toContain(syntax);
    }
  });

  it('states the one-block rule, and its example reply parses as one command', () => {
    expect(prompt).toContain('Exactly one fenced code block per reply');
    const example = prompt.slice(prompt.indexOf('For example:') + 'For example:'.length, prompt.indexOf('Rules:'));
    expect(parseAction(example)).toMatchObject({ kind: 'command', command: 'grep -rn "def parse_date" .' });
  });

  it('follows its options', () => {
    const custom = systemPrompt({ windowLines: 60, commandTimeoutSeconds: 90 });
    expect(custom).toContain('a window of 60 numbered lines');
    expect(custom).toContain('longer than 90 seconds is killed');
    expect(systemPrompt()).toBe(prompt);
  });
});

describe('firstUserMessage', () => {
  const message = firstUserMessage({ problemStatement: '  Dates before 1900 crash parse_date.\n' });

  it('holds the issue, the advice and the checklist, and ends with the prompt line', () => {
    expect(message).toContain('<issue>\nDates before 1900 crash parse_date.\n</issue>');
    expect(message).toMatch(/Reproduce the problem/);
    expect(message).toMatch(/edge cases/);
    expect(message).toMatch(/Before you submit/);
    expect(message.endsWith('(Current directory: /testbed, current file: none) bash-$')).toBe(true);
  });

  it('names another repository directory', () => {
    expect(firstUserMessage({ problemStatement: 'x', repoDir: '/repo' })).toContain('repository at /repo');
  });
});

describe('observations', () => {
  it('renders the prompt line', () => {
    expect(promptLine(state)).toBe('(Current directory: /testbed/src, current file: /testbed/src/a.py) bash-$');
    expect(promptLine({ cwd: '/t', openFile: null })).toBe('(Current directory: /t, current file: none) bash-$');
  });

  it('shows the output, then the prompt line', () => {
    expect(renderObservation({ output: 'a\nb\n\n', exitCode: 0, state })).toBe(`a\nb\n${promptLine(state)}`);
  });

  it('says so when a command printed nothing', () => {
    expect(renderObservation({ output: '', exitCode: 0, state })).toContain('ran successfully and printed nothing');
  });

  it('shows a non-zero exit code', () => {
    const text = renderObservation({ output: 'boom', exitCode: 2, state });
    expect(text).toContain('boom\n(exit code 2)\n');
    expect(text).not.toContain('printed nothing');
  });

  it('notes truncation and timeouts', () => {
    const text = renderObservation({ output: 'x', exitCode: 137, truncated: true, timedOut: true, timeoutSeconds: 60, state });
    expect(text).toContain('shortened in the middle');
    expect(text).toContain('timed out after 60 seconds');
    expect(text).not.toContain('exit code 137');
  });

  it('renders a format error with the unchanged prompt line', () => {
    const message = formatErrorMessage('no_command');
    expect(renderFormatErrorObservation(message, state)).toBe(`${message}\n${promptLine(state)}`);
  });

  it("gives an example in format errors that itself parses as a command", () => {
    const example = formatErrorMessage('multiple_commands').split('like this:')[1];
    expect(parseAction(example)).toMatchObject({ kind: 'command', command: 'ls' });
  });
});
