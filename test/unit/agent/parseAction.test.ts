import { parseAction, type ParsedAction } from '../../../core/agent/parseAction';

const FENCE = '```';

function commandOf(parsed: ParsedAction): string {
  if (parsed.kind !== 'command') throw new Error(`expected a command, got ${JSON.stringify(parsed)}`);
  return parsed.command;
}

function errorOf(parsed: ParsedAction): { error: string; message: string } {
  if (parsed.kind !== 'format_error') throw new Error(`expected a format error, got ${JSON.stringify(parsed)}`);
  return parsed;
}

describe('parseAction: well-formed replies', () => {
  it('returns the command of a bash block and the reasoning as thought', () => {
    const parsed = parseAction(`I will list the files.\n\n${FENCE}bash\nls -la\n${FENCE}\n`);
    expect(parsed).toEqual({ kind: 'command', command: 'ls -la', thought: 'I will list the files.' });
  });

  it.each(['', 'sh', 'shell', ' bash '])('accepts the language tag %j', (tag) => {
    expect(commandOf(parseAction(`Look.\n${FENCE}${tag}\npwd\n${FENCE}`))).toBe('pwd');
  });

  it('keeps text after the block in the thought', () => {
    const parsed = parseAction(`Before.\n${FENCE}\nls\n${FENCE}\nAfter.`);
    expect(parsed).toMatchObject({ kind: 'command', thought: 'Before.\nAfter.' });
  });

  it('keeps a multi-line command verbatim, whitespace included', () => {
    const body = ["edit 3:4 <<'EOF'", '    if x:  ', '\treturn  y', 'EOF'].join('\n');
    expect(commandOf(parseAction(`Fix it.\n${FENCE}bash\n${body}\n${FENCE}`))).toBe(body);
  });

  it('drops blank lines around the command but not inside it', () => {
    expect(commandOf(parseAction(`x\n${FENCE}\n\n\necho a\n\necho b\n  \n${FENCE}`))).toBe('echo a\n\necho b');
  });

  it('normalises CRLF line endings', () => {
    expect(commandOf(parseAction(`Go.\r\n${FENCE}bash\r\necho hi\r\n${FENCE}\r\n`))).toBe('echo hi');
  });

  it('removes the indentation of an indented fence from the body (up to three spaces)', () => {
    expect(commandOf(parseAction(`Step:\n   ${FENCE}bash\n   cd src\n     ls\n   ${FENCE}`))).toBe('cd src\n  ls');
  });

  it('does not treat four-space-indented backticks or inline backticks as fences', () => {
    const parsed = parseAction(`Use ${FENCE}ls${FENCE} to list.\n    ${FENCE}\n    ls\n    ${FENCE}`);
    expect(errorOf(parsed).error).toBe('no_command');
  });
});

describe('parseAction: backticks inside heredocs', () => {
  it('keeps fence lines inside a quoted heredoc as part of one command', () => {
    const body = ["cat > README.md <<'EOF'", '# Title', `${FENCE}python`, 'print(1)', FENCE, 'EOF', 'wc -l README.md'].join(
      '\n',
    );
    expect(commandOf(parseAction(`Write docs.\n${FENCE}bash\n${body}\n${FENCE}`))).toBe(body);
  });

  it('handles unquoted, double-quoted and <<- heredocs, and two heredocs on one line', () => {
    const body = [
      'cat <<EOF > a.md',
      FENCE,
      'EOF',
      'cat <<"DOC" > b.md',
      FENCE,
      'DOC',
      'cat <<-TABS > c.md',
      `\t${FENCE}`,
      '\tTABS',
      'paste - - <<ONE 3<<TWO',
      FENCE,
      'ONE',
      FENCE,
      'TWO',
    ].join('\n');
    expect(commandOf(parseAction(`x\n${FENCE}bash\n${body}\n${FENCE}`))).toBe(body);
  });

  it('still closes a block whose "<<" is a shift, not a heredoc', () => {
    expect(commandOf(parseAction(`x\n${FENCE}bash\necho $((x<<y))\n${FENCE}`))).toBe('echo $((x<<y))');
  });

  it('still closes a block whose heredoc is never terminated (bash will warn about it)', () => {
    expect(commandOf(parseAction(`x\n${FENCE}bash\ncat > f <<EOF\nbody\n${FENCE}`))).toBe('cat > f <<EOF\nbody');
  });

  it('ignores a here-string (<<<)', () => {
    expect(commandOf(parseAction(`x\n${FENCE}\ngrep a <<< "abc"\n${FENCE}`))).toBe('grep a <<< "abc"');
  });

  it('lets a longer fence hold shorter fence lines', () => {
    const parsed = parseAction(`x\n${FENCE}\`bash\necho '\n${FENCE}\n'\n${FENCE}\``);
    expect(commandOf(parsed)).toBe(`echo '\n${FENCE}\n'`);
  });
});

describe('parseAction: thinking', () => {
  it('ignores code blocks inside <think> and keeps the thinking in the thought', () => {
    const reply = `<think>Maybe:\n${FENCE}bash\nrm -rf /\n${FENCE}\nno.</think>\nList instead.\n${FENCE}bash\nls\n${FENCE}`;
    const parsed = parseAction(reply);
    expect(commandOf(parsed)).toBe('ls');
    expect(parsed).toMatchObject({ thought: expect.stringContaining('<think>Maybe:') });
  });

  it('reports a reply that ends inside <think>', () => {
    const parsed = errorOf(parseAction(`<think>I should run\n${FENCE}bash\nls\n${FENCE}`));
    expect(parsed.error).toBe('unfinished_thinking');
    expect(parsed.message).toContain('cannot extract command');
  });
});

describe('parseAction: submit', () => {
  it('recognises a block holding only submit', () => {
    expect(parseAction(`Done.\n${FENCE}bash\nsubmit\n${FENCE}`)).toEqual({ kind: 'submit', thought: 'Done.' });
  });

  it('allows comments and blank lines around submit', () => {
    expect(parseAction(`Done.\n${FENCE}\n# all tests pass\n\n  submit  \n${FENCE}`).kind).toBe('submit');
  });

  it('runs submit mixed with other commands as an ordinary command', () => {
    expect(commandOf(parseAction(`x\n${FENCE}\ngit diff\nsubmit\n${FENCE}`))).toBe('git diff\nsubmit');
    expect(commandOf(parseAction(`x\n${FENCE}\nsubmit --now\n${FENCE}`))).toBe('submit --now');
  });
});

describe('parseAction: format errors', () => {
  it('reports a reply without a block, with the expected format', () => {
    const parsed = errorOf(parseAction('I think the bug is in utils.py. Let me run ls.'));
    expect(parsed.error).toBe('no_command');
    expect(parsed.message).toContain('cannot extract command');
    expect(parsed.message).toContain(`${FENCE}bash\nls\n${FENCE}`);
  });

  it('reports more than one block', () => {
    const parsed = errorOf(parseAction(`a\n${FENCE}\nls\n${FENCE}\nb\n${FENCE}\npwd\n${FENCE}\n`));
    expect(parsed.error).toBe('multiple_commands');
    expect(parsed.message).toContain('multiple commands extracted');
  });

  it('reports an unterminated block, naming its opening fence', () => {
    const parsed = errorOf(parseAction(`x\n${FENCE}bash\nls -la\n`));
    expect(parsed.error).toBe('unterminated_block');
    expect(parsed.message).toContain(`${FENCE}bash`);
  });

  it.each(['', '   \n\t\n'])('reports an empty reply %j', (reply) => {
    expect(errorOf(parseAction(reply)).error).toBe('empty_reply');
  });

  it('reports a whitespace-only block', () => {
    expect(errorOf(parseAction(`x\n${FENCE}bash\n  \n\t\n${FENCE}`)).error).toBe('empty_command');
  });
});

describe('parseAction: bounded work on huge replies', () => {
  it('parses a multi-megabyte reply quickly', () => {
    const filler = 'reasoning line with `ticks` and << arrows\n'.repeat(100_000);
    const reply = `${filler}${FENCE}bash\necho done\n${FENCE}\n${filler}`;
    const started = Date.now();
    expect(commandOf(parseAction(reply))).toBe('echo done');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('handles pathological lines of backticks and heredoc markers without blowing up', () => {
    // A backtick after the info string makes a line of backticks prose, not a fence (CommonMark).
    const line = '`'.repeat(500_000) + 'x`';
    const heredocs = '<<A '.repeat(100_000);
    const started = Date.now();
    expect(errorOf(parseAction(`${line}\n${heredocs}\n${'``` '.repeat(100_000)}`)).error).toBe('no_command');
    expect(errorOf(parseAction(`${FENCE}\n${heredocs}\n${FENCE}\n${FENCE}\nls\n${FENCE}`)).error).toBe(
      'multiple_commands',
    );
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('stops at the second block, so many blocks cost no more than two', () => {
    const reply = `${FENCE}\nls\n${FENCE}\n`.repeat(50_000);
    const started = Date.now();
    expect(errorOf(parseAction(reply)).error).toBe('multiple_commands');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
