import { parseArgs, stringFlag } from '../../cli/args';

describe('parseArgs', () => {
  it('parses flags, switches and positional arguments', () => {
    const args = parseArgs(['--image', 'img', 'echo', '--timeout=5', '--verbose', 'hi'], ['verbose']);
    expect(args.positional).toEqual(['echo', 'hi']);
    expect(stringFlag(args, 'image')).toBe('img');
    expect(stringFlag(args, 'timeout')).toBe('5');
    expect(args.flags.get('verbose')).toBe(true);
  });

  it('refuses an option without its value', () => {
    expect(() => parseArgs(['--image'])).toThrow(/--image needs a value/);
  });
});
