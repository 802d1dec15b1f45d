import { z } from 'zod';

/** A value that failed its schema; the message names every bad field. */
export class InvalidInputError extends Error {
  constructor(
    readonly what: string,
    readonly problems: string[],
  ) {
    super(`invalid ${what}: ${problems.join('; ')}`);
    this.name = 'InvalidInputError';
  }
}

/** Renders zod issues as `path.to.field: message`, the path rooted at `root`. */
export function describeIssues(error: z.ZodError, root: string): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.reduce<string>(
      (acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : `${acc}.${String(key)}`),
      root,
    );
    return `${path}: ${issue.message}`;
  });
}

/** Parses `value` with `schema` or throws an InvalidInputError naming the bad fields. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new InvalidInputError(what, describeIssues(result.error, what));
  return result.data;
}
