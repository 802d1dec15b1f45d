export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Probe<T> = () => Promise<T | null | undefined | false> | T | null | undefined | false;

/** Polls `probe` every `everyMs` until it gives a truthy value (returned), failing after `timeoutMs`. */
export async function until<T>(what: string, timeoutMs: number, probe: Probe<T>, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}`);
    await sleep(everyMs);
  }
}
