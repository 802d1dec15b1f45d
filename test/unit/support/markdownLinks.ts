/** The relative links of a Markdown file and the anchors its headings define, as GitHub renders them. */

export interface MarkdownLink {
  line: number;
  target: string;
}

const FENCE = /^\s{0,3}(```|~~~)/;
const INLINE_LINK = /!?\[(?:[^\]\\]|\\.)*\]\(\s*(<[^>]*>|[^\s)]*(?:\([^\s)]*\)[^\s)]*)*)(?:\s+(?:"[^"]*"|'[^']*'|\([^)]*\)))?\s*\)/g;
const REFERENCE_DEFINITION = /^\s{0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/;
const HTML_ATTRIBUTE = /<(?:a|img)\b[^>]*?\b(?:href|src)\s*=\s*["']([^"']+)["']/gi;

/** Every link, image and reference target outside code, with its line number. */
export function markdownLinks(text: string): MarkdownLink[] {
  const links: MarkdownLink[] = [];
  let inFence: string | null = null;
  text.split('\n').forEach((raw, i) => {
    const fence = FENCE.exec(raw)?.[1];
    if (fence && (inFence === null || inFence === fence)) {
      inFence = inFence === null ? fence : null;
      return;
    }
    if (inFence !== null) return;
    const line = raw.replace(/(`+)[^`]*?\1/g, '');
    const add = (target: string) => links.push({ line: i + 1, target: target.replace(/^<|>$/g, '') });
    for (const match of line.matchAll(INLINE_LINK)) add(match[1]);
    for (const match of line.matchAll(HTML_ATTRIBUTE)) add(match[1]);
    const definition = REFERENCE_DEFINITION.exec(line);
    if (definition) add(definition[1]);
  });
  return links;
}

/** A link to another site or protocol, which this check does not follow. */
export function isExternal(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//');
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function headingAnchors(text: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let inFence: string | null = null;
  for (const line of text.split('\n')) {
    const fence = FENCE.exec(line)?.[1];
    if (fence && (inFence === null || inFence === fence)) {
      inFence = inFence === null ? fence : null;
      continue;
    }
    const heading = inFence === null ? /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line) : null;
    if (!heading) continue;
    const slug = heading[1]
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}
