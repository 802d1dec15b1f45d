import { parse as parseYaml } from 'yaml';

/** A command-line override that is malformed or cannot be applied; the message names it. */
export class ConfigOverrideError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigOverrideError';
  }
}

export interface DottedOverride {
  path: string[];
  value: unknown;
  text: string;
}

/**
 * Parses `dotted.path=value`. The value is read as YAML (a scalar or a flow collection): `16` is a
 * number, `true` a boolean, `[a, b]` a list, `'16'` the string "16".
 */
export function parseOverride(text: string): DottedOverride {
  const eq = text.indexOf('=');
  if (eq < 0) throw new ConfigOverrideError(`override "${text}": expected dotted.path=value`);
  const key = text.slice(0, eq).trim();
  if (key === '') throw new ConfigOverrideError(`override "${text}": the key before "=" is empty`);
  const path = key.split('.');
  if (path.some((segment) => segment === '')) throw new ConfigOverrideError(`override "${text}": "${key}" has an empty segment`);
  const valueText = text.slice(eq + 1);
  if (valueText.trim() === '') throw new ConfigOverrideError(`override "${text}": no value after "=" (write ${key}='' for an empty string)`);
  let value: unknown;
  try {
    value = parseYaml(valueText);
  } catch (err) {
    throw new ConfigOverrideError(`override "${text}": the value is not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
  return { path, value, text };
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return `a ${typeof v}`;
}

/** Sets one override in `root` (mutated). Missing objects on the way are created; lists are only indexed. */
function setAt(root: Record<string, unknown>, override: DottedOverride): void {
  const { path, value, text } = override;
  let node: unknown = root;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    const here = path.slice(0, i).join('.') || '(the config)';
    const last = i === path.length - 1;
    if (Array.isArray(node)) {
      if (!/^\d+$/.test(segment)) throw new ConfigOverrideError(`override "${text}": ${here} is a list; "${segment}" is not an index`);
      const index = Number(segment);
      if (index >= node.length) throw new ConfigOverrideError(`override "${text}": index ${index} is out of range (${here} has ${node.length} item${node.length === 1 ? '' : 's'})`);
      if (last) node[index] = value;
      else node = node[index];
    } else if (isPlainObject(node)) {
      if (last) node[segment] = value;
      else {
        if (node[segment] === undefined) node[segment] = {};
        node = node[segment];
      }
    } else {
      throw new ConfigOverrideError(`override "${text}": ${here} is ${describeValue(node)}, not an object or a list, so it has no "${segment}"`);
    }
  }
}

/**
 * Applies overrides to a raw (not yet validated) config and returns a new one; `raw` is not
 * changed. `dotted.path=value` strings apply in order, numeric segments index lists
 * (`stages.0.groupSize=16`); an object of top-level keys is merged shallowly (the older form).
 */
export function applyOverrides(raw: unknown, overrides: readonly string[] | Record<string, unknown>): unknown {
  if (!isPlainObject(raw)) {
    if (Array.isArray(overrides) ? overrides.length === 0 : Object.keys(overrides).length === 0) return raw;
    throw new ConfigOverrideError(`cannot apply overrides: the config is ${describeValue(raw)}, not an object`);
  }
  if (!Array.isArray(overrides)) return { ...raw, ...overrides };
  const result = structuredClone(raw);
  for (const text of overrides as readonly string[]) setAt(result, parseOverride(text));
  return result;
}
