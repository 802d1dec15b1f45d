import { scanFencedBlocks } from './fencedBlocks';
import { formatErrorMessage, type FormatErrorKind } from './formatErrors';

export type ParsedAction =
  | { kind: 'command'; command: string; thought: string }
  | { kind: 'submit'; thought: string }
  | { kind: 'format_error'; error: FormatErrorKind; message: string };

const THINK_OPEN = '<think>';
const THINK_CLOSE = '</think>';

/**
 * Reads one assistant reply: reasoning, then exactly one fenced command block. A block that is
 * only `submit` ends the episode. Fences inside a leading <think> ... </think> are reasoning, not
 * commands. Linear in the reply's length.
 */
export function parseAction(reply: string): ParsedAction {
  const text = reply.replace(/\r\n?/g, '\n');
  if (text.trim() === '') return formatError('empty_reply');

  const thinkEnd = text.lastIndexOf(THINK_CLOSE);
  if (thinkEnd === -1 && text.trimStart().startsWith(THINK_OPEN)) return formatError('unfinished_thinking');
  const actionStart = thinkEnd === -1 ? 0 : thinkEnd + THINK_CLOSE.length;
  const thinking = text.slice(0, actionStart);
  const lines = text.slice(actionStart).split('\n');

  const scan = scanFencedBlocks(lines);
  if (scan.kind === 'unterminated') return formatError('unterminated_block', scan.fenceText);
  if (scan.blocks.length === 0) return formatError('no_command');
  if (scan.blocks.length > 1) return formatError('multiple_commands');

  const [block] = scan.blocks;
  const command = trimBlankLines(block.body).join('\n');
  if (command.trim() === '') return formatError('empty_command');
  const outside = [...lines.slice(0, block.openLine), ...lines.slice(block.closeLine + 1)].join('\n');
  const thought = (thinking + outside).trim();
  return isSubmit(command) ? { kind: 'submit', thought } : { kind: 'command', command, thought };
}

/** `submit` alone; comments and blank lines around it do not count. */
function isSubmit(command: string): boolean {
  const meaningful = command
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  return meaningful.length === 1 && meaningful[0] === 'submit';
}

function trimBlankLines(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start].trim() === '') start++;
  while (end > start && lines[end - 1].trim() === '') end--;
  return lines.slice(start, end);
}

function formatError(error: FormatErrorKind, fenceText?: string): ParsedAction {
  return { kind: 'format_error', error, message: formatErrorMessage(error, { fenceText }) };
}
