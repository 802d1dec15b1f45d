/** A heredoc opened on a command line: the body runs until a line equal to `delimiter`. */
export interface HeredocStart {
  delimiter: string;
  /** `<<-`: leading tabs are stripped from body lines and the closing line. */
  stripTabs: boolean;
}

// `<<` not part of `<<<` (a here-string); the delimiter word may be quoted or backslash-escaped.
const HEREDOC_START = /(?<!<)<<(?!<)(-?)[ \t]*(?:'([^'\n]*)'|"([^"\n]*)"|\\?([A-Za-z_][A-Za-z0-9_.\-]*))/g;

/** Heredocs that a shell line opens, in order (`cmd <<A <<B` opens two). */
export function heredocsOpenedBy(line: string): HeredocStart[] {
  const found: HeredocStart[] = [];
  for (const match of line.matchAll(HEREDOC_START)) {
    const delimiter = match[2] ?? match[3] ?? match[4];
    if (delimiter !== undefined && delimiter !== '') found.push({ delimiter, stripTabs: match[1] === '-' });
  }
  return found;
}

export function closesHeredoc(line: string, heredoc: HeredocStart): boolean {
  return (heredoc.stripTabs ? line.replace(/^\t+/, '') : line) === heredoc.delimiter;
}
