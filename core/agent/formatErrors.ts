export type FormatErrorKind =
  | 'empty_reply'
  | 'no_command'
  | 'multiple_commands'
  | 'unterminated_block'
  | 'empty_command'
  | 'unfinished_thinking';

const FORMAT_REMINDER = [
  'Every reply must be your reasoning followed by exactly one command in a fenced code block, like this:',
  '',
  'I will list the files at the top of the repository to get an overview.',
  '',
  '```bash',
  'ls',
  '```',
].join('\n');

/** The observation that tells the agent why its reply was not run, and the format to use. */
export function formatErrorMessage(kind: FormatErrorKind, detail: { fenceText?: string } = {}): string {
  return `${headline(kind, detail)}\n\n${FORMAT_REMINDER}`;
}

function headline(kind: FormatErrorKind, detail: { fenceText?: string }): string {
  switch (kind) {
    case 'empty_reply':
      return 'Format error: cannot extract command: your reply was empty. Nothing was run.';
    case 'no_command':
      return 'Format error: cannot extract command: your reply has no fenced code block (``` ... ```). Nothing was run.';
    case 'multiple_commands':
      return (
        'Format error: multiple commands extracted: your reply has more than one fenced code block. Nothing was run. ' +
        'Put exactly one block in each reply; one block may hold several lines (for example `cd src && ls`), ' +
        'and you will see the output before your next reply.'
      );
    case 'unterminated_block':
      return (
        `Format error: cannot extract command: the code block opened by \`${clip(detail.fenceText ?? '```')}\` ` +
        'is never closed; end it with a line of ``` . Nothing was run.'
      );
    case 'empty_command':
      return 'Format error: cannot extract command: your code block is empty. Nothing was run.';
    case 'unfinished_thinking':
      return (
        'Format error: cannot extract command: your reply ended inside <think> without </think>, so it has ' +
        'no command. Keep the reasoning shorter and end it before the code block. Nothing was run.'
      );
  }
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}
