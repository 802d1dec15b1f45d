/** A long observation cut to its first and last lines, with how many lines were left out. */
export interface ShortenedText {
  head: string[];
  tail: string[];
  cutLines: number;
}

export function shortenLines(text: string, maxLines: number): ShortenedText {
  const lines = text.split('\n');
  if (lines.length <= maxLines) return { head: lines, tail: [], cutLines: 0 };
  const tailCount = Math.floor(maxLines / 3);
  const headCount = maxLines - tailCount;
  return { head: lines.slice(0, headCount), tail: lines.slice(lines.length - tailCount), cutLines: lines.length - headCount - tailCount };
}
