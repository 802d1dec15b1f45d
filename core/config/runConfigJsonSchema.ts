import { z } from 'zod';
import { runConfigSchema } from '../runConfig';

/** Where the committed schema lives, relative to the repository root (`npm run config-schema` writes it). */
export const RUN_CONFIG_JSON_SCHEMA_FILE = 'configs/run-config.schema.json';

/**
 * The run config as a JSON Schema, for editor completion and checking of the YAML configs
 * (`# yaml-language-server: $schema=./run-config.schema.json`). It describes what a config file
 * may hold (zod's input side: keys with defaults are optional); cross-field rules such as
 * maxTurns > lengthThreshold are only checked by the zod schema.
 */
export function runConfigJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(runConfigSchema, { io: 'input', target: 'draft-7' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'run-config.schema.json',
    title: 'swe-rl run config',
    description: 'Generated from core/runConfig.ts by `npm run config-schema`; every key is described in configs/README.md.',
  };
}

/** The file's exact text: two-space JSON and a final newline. */
export function runConfigJsonSchemaText(): string {
  return `${JSON.stringify(runConfigJsonSchema(), null, 2)}\n`;
}
