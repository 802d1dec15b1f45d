import { placeOf, searchAttributes } from '../../../workflows/searchAttributes';

describe('search attributes', () => {
  const names = (pairs: ReturnType<typeof searchAttributes>) => Object.fromEntries(pairs.map((p) => [p.key.name, p.value]));

  it('names the run, stage, iteration and kind with the names the CLI counts by, and the task when given', () => {
    expect(names(searchAttributes('local', 'stage1', 12, 'taskGroup', 'calc-1'))).toEqual({ SweRlRun: 'local', SweRlStage: 'stage1', SweRlIteration: 12, SweRlKind: 'taskGroup', SweRlTask: 'calc-1' });
    expect(names(searchAttributes('local', 'rft', 0, 'rftRun'))).toEqual({ SweRlRun: 'local', SweRlStage: 'rft', SweRlIteration: 0, SweRlKind: 'rftRun' });
  });

  it('reads the stage and iteration back from a parent\'s attributes', () => {
    expect(placeOf(searchAttributes('local', 'eval-base', 3, 'taskGroup'))).toEqual({ stage: 'eval-base', iteration: 3 });
    expect(placeOf(undefined)).toEqual({});
  });
});
