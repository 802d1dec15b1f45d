/** Quotes text as one bash word: single quotes, with each embedded quote written as '\''. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
