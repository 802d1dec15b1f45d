/** The lines of a test log without terminal colour codes or carriage returns. */
export function logLines(log: string): string[] {
  return log.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r(?=\n)/g, '').split('\n').map((line) => line.replace(/^.*\r/, ''));
}
