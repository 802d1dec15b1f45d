import { ApplicationFailure } from '@temporalio/workflow';
import type { z } from 'zod';
import { InvalidInputError, parseOrThrow } from '../core/validation';

/**
 * Validates workflow input. A bad input fails the workflow at once with a non-retryable
 * ApplicationFailure (type `InvalidInput`) whose message names every bad field.
 */
export function parseWorkflowInput<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  try {
    return parseOrThrow(schema, value, what);
  } catch (err) {
    if (err instanceof InvalidInputError) {
      throw ApplicationFailure.create({ message: err.message, type: 'InvalidInput', nonRetryable: true, details: err.problems });
    }
    throw err;
  }
}
