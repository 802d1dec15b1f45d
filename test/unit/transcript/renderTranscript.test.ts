import { readStageByIteration, readStoredEpisode } from '../../../activities/store/storedEpisodes';
import { htmlTranscript } from '../../../core/transcript/htmlTranscript';
import { textTranscript } from '../../../core/transcript/textTranscript';
import { buildTranscript, type Transcript } from '../../../core/transcript/transcriptModel';
import { buildFixtureRun, FAILED_KEY, RUN } from './fixtureRun';

describe('rendering a stored episode', () => {
  let t: Transcript;
  beforeAll(async () => {
    const runsDir = await buildFixtureRun();
    t = buildTranscript(readStoredEpisode({ runsDir, runId: RUN, episodeKey: FAILED_KEY }, readStageByIteration(runsDir, RUN)));
  });

  it('text: header, issue, turns in order, the malformed turn marked, the end with failing tests first', () => {
    const text = textTranscript(t);
    for (const fact of [`run ${RUN}`, 'iteration: 2', 'stage: stage-one', 'task: calc__add-1', 'sample: 0', 'policy version: 3']) expect(text).toContain(fact);
    const order = ['ISSUE', 'add() returns the wrong sum', 'TURN 1', 'Let me look at the file.', '$ cat -n calc.py', 'line 1\n',
      'TURN 2  [MALFORMED TURN]', 'format error: multiple_commands', 'TURN 3', '$ sed -i', 'TURN 4', '$ submit',
      'SUBMITTED PATCH', '+    return a + b', 'end reason: submitted', 'outcome: unresolved', 'test runner exit code: 1',
      'failing tests (2)', 'FAILED  tests/test_calc.py::test_overflow  [FAIL_TO_PASS]', 'ERROR   tests/test_calc.py::test_big  [PASS_TO_PASS]',
      'passing tests (2)', 'PASSED  tests/test_calc.py::test_negative'];
    let at = -1;
    for (const piece of order) {
      const next = text.indexOf(piece, at + 1);
      expect({ piece, found: next > at }).toEqual({ piece, found: true });
      at = next;
    }
  });

  it('text: a long observation keeps its head and tail and says how many lines were cut', () => {
    const text = textTranscript(t, { maxObservationLines: 30 });
    expect(text).toContain('    line 20\n');
    expect(text).toContain('[... 170 lines cut; --html or --json shows them all ...]');
    expect(text).toContain('    line 200\n');
    expect(text).not.toContain('line 100\n');
  });

  it('html: one self-contained page with every line of every observation, long ones folded', () => {
    const html = htmlTranscript(t);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<style>');
    expect(html).not.toMatch(/<(script|link|img|iframe)\b/i);
    expect(html).not.toMatch(/(src|href)\s*=/i);
    expect(html).toMatch(/<details><summary>observation \(exit 0\): 200 lines<\/summary><pre class="observation">line 1\n/);
    expect(html).toContain('line 100\n');
    expect(html).toContain('line 200</pre>');
    expect(html).toContain('<pre>cat -n calc.py</pre>');
    expect(html).toContain('malformed turn');
    expect(html).toContain('reward 0, tests_failed');
    expect(html.indexOf('test_overflow')).toBeLessThan(html.indexOf('test_negative'));
  });

  it('html: escapes what the model and the sandbox wrote', () => {
    const html = htmlTranscript(t);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; more');
    expect(html).not.toContain('<script>alert');
    const hostile = { ...t, episodeKey: '</title><script>x()</script>', issue: '<b onload="x()">' };
    const page = htmlTranscript(hostile);
    expect(page).not.toMatch(/<script|<b /);
    expect(page).toContain('&lt;b onload=&quot;x()&quot;&gt;');
  });
});
