/**
 * Turns raw command output into text an LLM can read: invalid UTF-8 becomes U+FFFD, and control
 * characters other than newline and tab (NUL, escape sequences, bells) are dropped.
 */
export function decodeOutput(bytes: Uint8Array): string {
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  // eslint-disable-next-line no-control-regex
  return text.replace(/\r\n/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
}
