import { sandboxCommandInputSchema } from '../../core/sandboxCommandInput';
import { sandboxIdFor, sandboxIdSchema } from '../../core/sandboxSpec';

describe('sandboxCommandInputSchema', () => {
  it('fills defaults: base image, no network, a timeout', () => {
    const input = sandboxCommandInputSchema.parse({ command: 'ls' });
    expect(input.image).toBe('swe-rl-sandbox:bookworm');
    expect(input.timeoutSeconds).toBe(60);
    expect(input.limits).toEqual({});
  });

  it('refuses a missing command, a negative timeout and unknown fields', () => {
    expect(sandboxCommandInputSchema.safeParse({}).success).toBe(false);
    expect(sandboxCommandInputSchema.safeParse({ command: 'ls', timeoutSeconds: -1 }).success).toBe(false);
    expect(sandboxCommandInputSchema.safeParse({ command: 'ls', privileged: true }).success).toBe(false);
  });
});

describe('sandboxIdFor', () => {
  it('makes a Docker-safe id from any workflow id', () => {
    for (const wf of ['run/1/iter 2/task:astropy__astropy-123/sample 4', '---', 'x'.repeat(500), 'ünïcode']) {
      const id = sandboxIdFor(wf, 'a1b2c3d4-0000-1111-2222-333344445555');
      expect(sandboxIdSchema.safeParse(id).success).toBe(true);
    }
  });

  it('differs between runs of the same workflow id', () => {
    expect(sandboxIdFor('wf', 'aaaa1111')).not.toBe(sandboxIdFor('wf', 'bbbb2222'));
  });
});
