import path from 'node:path';
import { parse as parseYaml } from 'yaml';

export const CONFIG_EXTENSIONS = ['.yaml', '.yml', '.json'] as const;

/** Parses a config file's text by its extension: YAML (`.yaml`, `.yml`) or JSON (`.json`). */
export function parseConfigText(text: string, file: string): unknown {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.json') return JSON.parse(text);
  if (ext === '.yaml' || ext === '.yml') return parseYaml(text, { prettyErrors: true });
  throw new Error(`a config file ends in ${CONFIG_EXTENSIONS.join(', ')}, not "${ext || '(none)'}"`);
}
