import { z } from 'zod';
import { toPlainValue } from './plainValue';

const text = z.string();
const textOrList = z.union([z.string(), z.array(z.string())], { error: 'must be a string or a list of strings' });

/**
 * SWE-rebench's `install_config`: how to build an instance's environment. An object, or a JSON
 * string of one (always an object once parsed). The known fields are checked loosely (their shapes
 * vary between releases); unknown ones are kept.
 */
export const installConfigSchema = z.preprocess(
  (value) => {
    if (typeof value !== 'string') return value;
    try {
      return toPlainValue(JSON.parse(value)); // nulls inside the string mean absent, as in a struct
    } catch {
      return value; // left as a string: the object check below reports it
    }
  },
  z.looseObject(
    {
      python: z.union([text, z.number().transform(String)], { error: 'must be a version string' }).optional(),
      install: textOrList.optional(),
      test_cmd: textOrList.optional(),
      pip_packages: textOrList.optional(),
      pre_install: textOrList.optional(),
      reqs_path: textOrList.optional(),
      env_yml_path: textOrList.optional(),
      packages: textOrList.optional(),
      no_use_env: z.boolean().optional(),
    },
    { error: 'must be an object or a JSON string of one' },
  ),
);

export type InstallConfig = z.output<typeof installConfigSchema>;
