import { workflowLink } from '../../../cli/webUi';

describe('Web UI links', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('name the configured namespace, default `default`', () => {
    delete process.env.TEMPORAL_NAMESPACE;
    delete process.env.SWE_RL_WEB_UI;
    process.env.TEMPORAL_UI_PORT = '8301';
    expect(workflowLink('local')).toBe('http://localhost:8301/namespaces/default/workflows/local');
    process.env.TEMPORAL_NAMESPACE = 'research';
    process.env.SWE_RL_WEB_UI = 'https://temporal.example';
    expect(workflowLink('local/it-0002')).toBe('https://temporal.example/namespaces/research/workflows/local%2Fit-0002');
  });
});
