import { publishRouteFields } from '../../../core/policy/publishRoute';
import { readRunConfig } from '../../../cli/runConfigFile';

describe('the publish route', () => {
  it('adds nothing to a publish request for the server\'s own load', () => {
    expect(publishRouteFields({ publishRoute: 'load' })).toEqual({});
    expect(publishRouteFields({})).toEqual({});
  });

  it('names the route and the supervisor for a restart', () => {
    expect(publishRouteFields({ publishRoute: 'restart', publishUrl: 'http://sup:8100' })).toEqual({ route: 'restart', publish_url: 'http://sup:8100' });
    expect(publishRouteFields({ publishRoute: 'reload' })).toEqual({ route: 'reload' });
  });

  it('reaches the config from the command line, and a restart without a supervisor URL is refused by name', () => {
    const config = readRunConfig('configs/local.yaml', ['policyServer.publishRoute=restart', 'policyServer.publishUrl=http://127.0.0.1:8100']);
    expect(publishRouteFields(config.policyServer)).toEqual({ route: 'restart', publish_url: 'http://127.0.0.1:8100' });
    expect(() => readRunConfig('configs/local.yaml', ['policyServer.publishRoute=restart'])).toThrow(/policyServer\.publishUrl.*restart needs publishUrl/);
    expect(() => readRunConfig('configs/local.yaml', ['policyServer.publishRoute=swap'])).toThrow(/publishRoute/);
  });
});
