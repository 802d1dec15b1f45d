import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { RUN_CONFIG_JSON_SCHEMA_FILE, runConfigJsonSchemaText } from '../core/config/runConfigJsonSchema';

/** `npm run config-schema`: regenerates configs/run-config.schema.json from the zod schema. */
const file = path.resolve(process.argv[2] ?? RUN_CONFIG_JSON_SCHEMA_FILE);
writeFileSync(file, runConfigJsonSchemaText());
console.log(`wrote ${path.relative(process.cwd(), file) || file}`);
