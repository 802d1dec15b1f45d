import { BoundedOutput } from '../../activities/sandbox/execStream';

describe('BoundedOutput', () => {
  it('keeps everything under the limit', () => {
    const out = new BoundedOutput(100);
    out.push(Buffer.from('hello '));
    out.push(Buffer.from('world'));
    expect(out.bytes()).toEqual({ buffer: Buffer.from('hello world'), skipped: 0 });
  });

  it('keeps the first and last maxBytes of a flood and counts what it skipped', () => {
    const out = new BoundedOutput(10);
    for (let i = 0; i < 1000; i++) out.push(Buffer.from(`line ${i}\n`));
    const { buffer, skipped } = out.bytes();
    expect(buffer.length).toBe(20);
    expect(buffer.subarray(0, 10).toString()).toBe('line 0\nlin');
    expect(buffer.subarray(10).toString()).toBe('\nline 999\n');
    expect(skipped).toBe(out.total - 20);
  });
});
