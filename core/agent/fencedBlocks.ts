import { closesHeredoc, heredocsOpenedBy, type HeredocStart } from './heredocs';

/** A fenced code block of a reply; line indexes are 0-based into the scanned lines. */
export interface FencedBlock {
  openLine: number;
  closeLine: number;
  /** The text after the opening backticks, such as `bash`. */
  info: string;
  /** The lines between the fences, with the opening fence's indentation removed (as CommonMark does). */
  body: string[];
}

export type FenceScan =
  | { kind: 'blocks'; blocks: FencedBlock[] }
  | { kind: 'unterminated'; openLine: number; fenceText: string };

interface Fence {
  indent: number;
  length: number;
  info: string;
}

// Linear-time patterns on single lines: no nested quantifiers, so no catastrophic backtracking.
const OPENING_FENCE = /^( {0,3})(`{3,})([^`]*)$/;
const CLOSING_FENCE = /^ {0,3}(`{3,})[ \t]*$/;

/**
 * Finds fenced code blocks line by line. It stops after the second block, because the caller only
 * needs "none", "one" or "more than one"; that also bounds the work on huge replies.
 *
 * Inside a block, lines of a heredoc body are not fences, so a command that writes a Markdown file
 * with its own ``` lines stays one block. If that reading never finds the closing fence (a `<<`
 * that was not a heredoc, or a heredoc left open), the block is read again ignoring heredocs.
 */
export function scanFencedBlocks(lines: string[]): FenceScan {
  const blocks: FencedBlock[] = [];
  for (let index = 0; index < lines.length && blocks.length < 2; index++) {
    const fence = openingFence(lines[index]);
    if (!fence) continue;
    let close = closingLine(lines, index + 1, fence, true);
    if (close === -1) close = closingLine(lines, index + 1, fence, false);
    if (close === -1) return { kind: 'unterminated', openLine: index, fenceText: lines[index].trim() };
    blocks.push({
      openLine: index,
      closeLine: close,
      info: fence.info,
      body: lines.slice(index + 1, close).map((line) => removeIndent(line, fence.indent)),
    });
    index = close;
  }
  return { kind: 'blocks', blocks };
}

function openingFence(line: string): Fence | null {
  const match = OPENING_FENCE.exec(line);
  return match ? { indent: match[1].length, length: match[2].length, info: match[3].trim() } : null;
}

function closingLine(lines: string[], from: number, fence: Fence, heredocAware: boolean): number {
  const pending: HeredocStart[] = [];
  for (let index = from; index < lines.length; index++) {
    const line = removeIndent(lines[index], fence.indent);
    if (pending.length > 0) {
      if (closesHeredoc(line, pending[0])) pending.shift();
      continue;
    }
    const match = CLOSING_FENCE.exec(lines[index]);
    if (match && match[1].length >= fence.length) return index;
    if (heredocAware) pending.push(...heredocsOpenedBy(line));
  }
  return -1;
}

function removeIndent(line: string, indent: number): string {
  let removed = 0;
  while (removed < indent && line[removed] === ' ') removed++;
  return line.slice(removed);
}
