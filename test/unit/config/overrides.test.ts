import { applyOverrides, ConfigOverrideError, parseOverride } from '../../../core/config/overrides';

const raw = () => ({
  runId: 'r',
  stages: [{ name: 'a', groupSize: 8 }, { name: 'b', groupSize: 8 }],
  sampling: { temperature: 1 },
  tasks: { trainFile: 't.jsonl' },
});

describe('parseOverride: values are YAML scalars or flow collections', () => {
  it.each([
    ['stages.0.groupSize=16', 16],
    ['rft.learningRate=1e-6', 1e-6],
    ['rft.enabled=false', false],
    ['shuffleRewards=true', true],
    ['tasks.trainFile=/data/x.jsonl', '/data/x.jsonl'],
    ["runId='16'", '16'],
    ['runId="0.5"', '0.5'],
    ['sampling.stop=[a, "b c"]', ['a', 'b c']],
    ['sandbox.limits={memoryMb: 1024, network: false}', { memoryMb: 1024, network: false }],
    ['policyServer.url=http://h:8000/v1?a=b', 'http://h:8000/v1?a=b'],
    ["runId=''", ''],
  ])('%s', (text, value) => {
    expect(parseOverride(text).value).toEqual(value);
  });

  it('splits the key on dots and the text on the first "="', () => {
    expect(parseOverride(' stages.1.name =x=y')).toMatchObject({ path: ['stages', '1', 'name'], value: 'x=y' });
  });

  it.each([
    ['stages.0.groupSize', /expected dotted\.path=value/],
    ['=16', /the key before "=" is empty/],
    ['stages..groupSize=1', /empty segment/],
    ['stages.0.=1', /empty segment/],
    ['seed=', /no value after "="/],
    ['sampling.stop=[a, b', /not valid YAML/],
  ])('refuses the malformed %s', (text, message) => {
    expect(() => parseOverride(text)).toThrow(ConfigOverrideError);
    expect(() => parseOverride(text)).toThrow(message);
    expect(() => parseOverride(text)).toThrow(`override "${text}"`);
  });
});

describe('applyOverrides', () => {
  it('sets nested keys, indexes lists by number, and leaves the input unchanged', () => {
    const before = raw();
    const after = applyOverrides(before, ['stages.1.groupSize=16', 'sampling.temperature=0.7', 'seed=3']);
    expect(after).toEqual({ ...raw(), seed: 3, stages: [{ name: 'a', groupSize: 8 }, { name: 'b', groupSize: 16 }], sampling: { temperature: 0.7 } });
    expect(before).toEqual(raw());
  });

  it('applies in order, so a later override wins', () => {
    expect(applyOverrides(raw(), ['seed=1', 'seed=2'])).toMatchObject({ seed: 2 });
  });

  it('replaces a whole list or object, and creates a missing object on the way', () => {
    expect(applyOverrides(raw(), ['stages=[]'])).toMatchObject({ stages: [] });
    expect(applyOverrides(raw(), ['rft.enabled=false', 'rft.epochs=2'])).toMatchObject({ rft: { enabled: false, epochs: 2 } });
  });

  it('refuses an index out of range, naming the path and the length', () => {
    expect(() => applyOverrides(raw(), ['stages.2.groupSize=16'])).toThrow('override "stages.2.groupSize=16": index 2 is out of range (stages has 2 items)');
    expect(() => applyOverrides(raw(), ['stages.2=x'])).toThrow(/index 2 is out of range/);
  });

  it('refuses a word as a list index', () => {
    expect(() => applyOverrides(raw(), ['stages.first.groupSize=16'])).toThrow('override "stages.first.groupSize=16": stages is a list; "first" is not an index');
  });

  it('refuses a path through a value that is not an object, naming where', () => {
    expect(() => applyOverrides(raw(), ['runId.x=1'])).toThrow('override "runId.x=1": runId is a string, not an object or a list, so it has no "x"');
    expect(() => applyOverrides(raw(), ['stages.0.groupSize.max=1'])).toThrow(/stages\.0\.groupSize is a number/);
  });

  it('keeps the older form: an object of top-level keys merged shallowly', () => {
    expect(applyOverrides(raw(), { runId: 'other' })).toEqual({ ...raw(), runId: 'other' });
    expect(applyOverrides(raw(), {})).toEqual(raw());
  });

  it('refuses overrides on a config that is not an object, and passes it on untouched without any', () => {
    expect(() => applyOverrides([1], ['seed=1'])).toThrow(/the config is a list, not an object/);
    expect(applyOverrides(null, [])).toBeNull();
  });
});
