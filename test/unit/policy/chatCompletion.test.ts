import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApplicationFailure } from '@temporalio/common';
import { chatCompletion } from '../../../activities/policy/chatCompletion';
import { loadPolicy } from '../../../activities/policy/loadPolicy';

/** A policy server over real HTTP: it serves the policies in `served` and loads as `onLoad` says. */
class FakePolicyServer {
  served = new Map<string, string>();
  onLoad: 'load' | 'refuse' | 'fail' | 'forget' = 'load';
  requests: { path: string; body: Record<string, unknown> }[] = [];
  private server: Server = createServer((req, res) => void this.handle(req, res));

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw = '';
    for await (const chunk of req) raw += chunk;
    const body = JSON.parse(raw) as Record<string, unknown>;
    this.requests.push({ path: req.url ?? '', body });
    const send = (status: number, answer: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(answer));
    };
    const name = String(body.model ?? body.policy);
    if (req.url === '/admin/load_checkpoint') {
      if (this.onLoad === 'refuse') return send(409, { error: { message: `policy '${name}' is already served from /elsewhere`, code: 409 } });
      if (this.onLoad === 'fail') return send(500, { error: { message: 'out of memory', code: 500 } });
      if (this.onLoad === 'load') this.served.set(name, String(body.path));
      return send(200, { status: 'ok', policy: name, path: body.path, policy_version: body.policy_version, loaded: true });
    }
    if (!this.served.has(name)) return send(404, { error: { message: `The model \`${name}\` does not exist.`, type: 'NotFoundError', param: 'model', code: 404 } });
    send(200, {
      model: name,
      choices: [{ index: 0, message: { role: 'assistant', content: 'ls' }, finish_reason: 'stop', token_ids: [5], logprobs: { content: [{ token: 'ls', logprob: -0.5 }] } }],
      usage: { prompt_tokens: 3, completion_tokens: 1 },
      policy_version: 4,
    }, { 'x-policy-name': name, 'x-policy-version': '4' });
  }
}

const NAME = 'run-a@step-000004';
const CHECKPOINT = 'runs/run-a/checkpoints/step-000004';

async function failure(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ApplicationFailure);
  return err as ApplicationFailure;
}

describe('chatCompletion against a server that lacks the policy', () => {
  let fake: FakePolicyServer;
  let serverUrl: string;
  const request = (extra: Record<string, unknown> = {}) => chatCompletion({
    serverUrl, model: NAME, messages: [{ role: 'user', content: 'hi' }], expectedPolicyVersion: 4, requestTimeoutSeconds: 10, ...extra,
  });

  beforeEach(async () => {
    fake = new FakePolicyServer();
    serverUrl = await fake.start();
  });
  afterEach(() => fake.stop());

  it('loads the checkpoint under the name, then answers from it', async () => {
    const turn = await request({ checkpointPath: CHECKPOINT });
    expect(turn).toMatchObject({ status: 'ok', text: 'ls', tokenIds: [5], policyVersion: 4, policyName: NAME });
    expect(fake.requests.map((r) => r.path)).toEqual(['/v1/chat/completions', '/admin/load_checkpoint', '/v1/chat/completions']);
    expect(fake.requests[1].body).toEqual({ path: CHECKPOINT, policy: NAME, policy_version: 4 });
    await request({ checkpointPath: CHECKPOINT });
    expect(fake.requests).toHaveLength(4); // served now: no second load
  });

  it('without a checkpoint a missing model is a non-retryable refusal', async () => {
    const err = await failure(request());
    expect(err).toMatchObject({ type: 'BadPolicyRequest', nonRetryable: true });
    expect(err.message).toContain('does not exist');
    expect(fake.requests).toHaveLength(1);
  });

  it('a refused load is non-retryable PolicyLoadRefused naming server, name and path', async () => {
    fake.onLoad = 'refuse';
    const err = await failure(request({ checkpointPath: CHECKPOINT }));
    expect(err).toMatchObject({ type: 'PolicyLoadRefused', nonRetryable: true });
    for (const part of [serverUrl, NAME, CHECKPOINT, 'HTTP 409']) expect(err.message).toContain(part);
  });

  it('a failed load, or a policy lost right after loading, stays retryable', async () => {
    fake.onLoad = 'fail';
    expect(await failure(request({ checkpointPath: CHECKPOINT }))).toMatchObject({ type: 'PolicyServerUnavailable', nonRetryable: false });
    fake.onLoad = 'forget';
    const err = await failure(request({ checkpointPath: CHECKPOINT }));
    expect(err).toMatchObject({ type: 'PolicyServerUnavailable', nonRetryable: false });
    expect(err.message).toContain(NAME);
  });

  it('an unreachable server stays retryable, for a load too', async () => {
    await fake.stop();
    expect(await failure(request({ checkpointPath: CHECKPOINT }))).toMatchObject({ type: 'PolicyServerUnavailable', nonRetryable: false });
    expect(await failure(loadPolicy({ serverUrl, policy: NAME, checkpointPath: CHECKPOINT }))).toMatchObject({ type: 'PolicyServerUnavailable', nonRetryable: false });
    fake = new FakePolicyServer(); // afterEach stops this one
    await fake.start();
  });
});

describe('loadPolicy', () => {
  it("returns the server's answer and sends version 0 when none is given", async () => {
    const fake = new FakePolicyServer();
    const serverUrl = await fake.start();
    try {
      expect(await loadPolicy({ serverUrl: `${serverUrl}/`, policy: NAME, checkpointPath: CHECKPOINT })).toEqual({
        policy: NAME, path: CHECKPOINT, policyVersion: 0, loaded: true,
      });
      expect(fake.requests[0].body).toEqual({ path: CHECKPOINT, policy: NAME, policy_version: 0 });
    } finally {
      await fake.stop();
    }
  });
});
