import { decodeOutput } from '../../core/textDecoding';

describe('decodeOutput', () => {
  it('keeps UTF-8, newlines and tabs', () => {
    expect(decodeOutput(Buffer.from('héllo\n\tworld ✓'))).toBe('héllo\n\tworld ✓');
  });

  it('replaces invalid UTF-8 and drops control characters', () => {
    const bytes = Buffer.concat([Buffer.from('a'), Buffer.from([0xff, 0xfe, 0x00, 0x1b]), Buffer.from('[31mb\r\n')]);
    expect(decodeOutput(bytes)).toBe('a\uFFFD\uFFFD[31mb\n');
  });
});
