/**
 * Keeps the head and tail of an over-long observation with a visible marker between them,
 * so the agent sees both how a command started and how it ended.
 */
export function truncateMiddle(text: string, maxChars: number): { text: string; truncated: boolean } {
  if (text.length <= maxChars) return { text, truncated: false };
  const omitted = text.length - maxChars;
  const marker = `\n<<< output truncated: ${omitted} characters omitted >>>\n`;
  const keep = Math.max(0, maxChars - marker.length);
  const head = Math.ceil(keep / 2);
  return { text: text.slice(0, head) + marker + text.slice(text.length - (keep - head)), truncated: true };
}
