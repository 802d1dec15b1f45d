/**
 * hyparquet and hyparquet-compressors are published as ES modules only. Node >= 20.19 (and the
 * test runner, which transforms them) load them with require(); older Node needs a real dynamic
 * import(), which tsc would otherwise compile into require() for this CommonJS project.
 */
type Hyparquet = typeof import('hyparquet');
type Compressors = typeof import('hyparquet-compressors');

const nativeImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

async function load<T>(specifier: string): Promise<T> {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(specifier) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_REQUIRE_ESM') throw err;
    return (await nativeImport(specifier)) as T;
  }
}

export async function loadParquetReader(): Promise<{ hyparquet: Hyparquet; compressors: Compressors['compressors'] }> {
  const [hyparquet, compressors] = await Promise.all([load<Hyparquet>('hyparquet'), load<Compressors>('hyparquet-compressors')]);
  return { hyparquet, compressors: compressors.compressors };
}
