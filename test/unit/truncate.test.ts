import { truncateMiddle } from '../../core/truncate';

describe('truncateMiddle', () => {
  it('leaves short text alone', () => {
    expect(truncateMiddle('hello', 10)).toEqual({ text: 'hello', truncated: false });
  });

  it('keeps head and tail with a visible marker, within the limit', () => {
    const text = 'A'.repeat(500) + 'B'.repeat(500);
    const out = truncateMiddle(text, 200);
    expect(out.truncated).toBe(true);
    expect(out.text.length).toBeLessThanOrEqual(200);
    expect(out.text.startsWith('AAAA')).toBe(true);
    expect(out.text.endsWith('BBBB')).toBe(true);
    expect(out.text).toMatch(/output truncated: 800 characters omitted/);
  });
});
