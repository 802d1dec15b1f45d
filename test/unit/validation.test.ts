import { z } from 'zod';
import { describeIssues, InvalidInputError, parseOrThrow } from '../../core/validation';

const schema = z.strictObject({
  command: z.string().min(1),
  limits: z.strictObject({ pids: z.number().int() }).optional(),
  items: z.array(z.string()).optional(),
});

describe('parseOrThrow', () => {
  it('returns the parsed value when valid', () => {
    expect(parseOrThrow(schema, { command: 'ls' }, 'input')).toEqual({ command: 'ls' });
  });

  it('names the bad field with its full path', () => {
    expect(() => parseOrThrow(schema, { command: 'ls', limits: { pids: 'many' } }, 'input')).toThrow(
      /input\.limits\.pids: /,
    );
  });

  it('reports every bad field, array indices included', () => {
    try {
      parseOrThrow(schema, { command: 5, items: ['a', 7] }, 'cfg');
      throw new Error('expected a failure');
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidInputError);
      const problems = (err as InvalidInputError).problems;
      expect(problems.some((p) => p.startsWith('cfg.command:'))).toBe(true);
      expect(problems.some((p) => p.startsWith('cfg.items[1]:'))).toBe(true);
    }
  });

  it('names unknown keys of strict objects', () => {
    const result = schema.safeParse({ command: 'ls', comand: 'typo' });
    expect(result.success).toBe(false);
    if (!result.success) expect(describeIssues(result.error, 'input').join()).toMatch(/comand/);
  });
});
