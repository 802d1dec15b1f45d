import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RUN_CONFIG_JSON_SCHEMA_FILE, runConfigJsonSchema, runConfigJsonSchemaText } from '../../../core/config/runConfigJsonSchema';
import { runConfigSchema } from '../../../core/runConfig';

const ROOT = path.resolve(__dirname, '..', '..', '..');
type JsonSchema = { type?: string; properties?: Record<string, JsonSchema>; items?: JsonSchema; additionalProperties?: unknown; required?: string[]; default?: unknown };

describe('configs/run-config.schema.json', () => {
  it('is what the zod schema generates now (regenerate with `npm run config-schema`)', () => {
    expect(readFileSync(path.join(ROOT, RUN_CONFIG_JSON_SCHEMA_FILE), 'utf8')).toBe(runConfigJsonSchemaText());
  });

  it('is strict all the way down: every object refuses unknown keys, as the zod schema does', () => {
    const objects: string[] = [];
    const walk = (node: JsonSchema, at: string) => {
      if (node.type === 'object') {
        objects.push(at);
        expect([at, node.additionalProperties]).toEqual([at, false]);
      }
      for (const [key, child] of Object.entries(node.properties ?? {})) walk(child, `${at}.${key}`);
      if (node.items) walk(node.items, `${at}[]`);
    };
    walk(runConfigJsonSchema() as JsonSchema, 'config');
    expect(objects).toEqual(expect.arrayContaining(['config', 'config.sampling', 'config.sandbox.limits', 'config.stages[]', 'config.trainer']));
  });

  it('lists every top-level key of the zod schema, requires the ones without a default, and shows defaults', () => {
    const schema = runConfigJsonSchema() as JsonSchema;
    expect(Object.keys(schema.properties!).sort()).toEqual(Object.keys(runConfigSchema.shape).sort());
    expect(schema.required).toEqual(expect.arrayContaining(['runId', 'model', 'policyServer', 'tasks', 'stages', 'evaluation', 'trainer']));
    expect(schema.required).not.toContain('sampling');
    expect(schema.properties!.sampling.properties!.topP.default).toBe(1);
    expect(schema.properties!.stages.items!.properties!.epsHigh.default).toBe(0.3);
  });

  it.each(['local', 'local-control', 'gpu'])('configs/%s.yaml points editors at it', (name) => {
    const first = readFileSync(path.join(ROOT, 'configs', `${name}.yaml`), 'utf8').split('\n')[0];
    expect(first).toBe('# yaml-language-server: $schema=./run-config.schema.json');
  });

  it('every config key is camelCase', () => {
    const offenders: string[] = [];
    const walk = (node: JsonSchema, at: string) => {
      for (const [key, child] of Object.entries(node.properties ?? {})) {
        if (!/^[a-z][a-zA-Z0-9]*$/.test(key)) offenders.push(`${at}.${key}`);
        walk(child, `${at}.${key}`);
      }
      if (node.items) walk(node.items, `${at}[]`);
    };
    walk(runConfigJsonSchema() as JsonSchema, 'config');
    expect(offenders).toEqual([]);
  });
});
