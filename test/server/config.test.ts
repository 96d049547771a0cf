/**
 * Configuration as an operator meets it: defaults that start a safe local server, errors that name
 * the variable and say what it must be, and the playground kept off the network in production.
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, isLoopbackHost, loadConfig } from '../../src/config.js';
import { playgroundEnabled } from '../../src/app/compose.js';

describe('loadConfig', () => {
  it('with nothing set: port 3978 on loopback, PGlite under ./data, playground auto', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 3978, HOST: '127.0.0.1', DATA_DIR: './data', LOG_LEVEL: 'info', PLAYGROUND: 'auto', SHUTDOWN_TIMEOUT_SECONDS: 25 });
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.HEALTH_PORT).toBeUndefined();
  });

  it('HEALTH_PORT: a second port for the probes, 0 for any free one', () => {
    expect(loadConfig({ HEALTH_PORT: '8081' }).HEALTH_PORT).toBe(8081);
    expect(loadConfig({ PORT: '0', HEALTH_PORT: '0' }).HEALTH_PORT).toBe(0);
    expect(loadConfig({ HEALTH_PORT: ' ' }).HEALTH_PORT).toBeUndefined();
  });

  it('an empty value means "not set", as in an env file with NAME=', () => {
    expect(loadConfig({ PORT: '', LOG_LEVEL: '', DATABASE_URL: '' })).toMatchObject({ PORT: 3978, LOG_LEVEL: 'info', DATABASE_URL: undefined });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT: must be a whole number from 0 to 65535 (got "abc")'],
    [{ PORT: '65536' }, 'PORT: must be a whole number from 0 to 65535 (got "65536")'],
    [{ PORT: '80.5' }, 'PORT: must be a whole number'],
    [{ LOG_LEVEL: 'verbose' }, 'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent (got "verbose")'],
    [{ PLAYGROUND: 'yes' }, 'PLAYGROUND: must be one of auto, on, off (got "yes")'],
    [{ SHUTDOWN_TIMEOUT_SECONDS: '1h' }, 'SHUTDOWN_TIMEOUT_SECONDS: must be a whole number from 0 to 600'],
    [{ PUBLIC_URL: 'pdta.example.org' }, 'PUBLIC_URL: must be a URL'],
    [{ HOST: ' ' }, 'HOST: must not be empty'],
    [{ HEALTH_PORT: 'abc' }, 'HEALTH_PORT: must be a whole number from 0 to 65535 (got "abc")'],
    [{ HEALTH_PORT: '70000' }, 'HEALTH_PORT: must be a whole number from 0 to 65535 (got "70000")'],
    [{ HEALTH_PORT: '3978' }, 'HEALTH_PORT: must differ from PORT (both are 3978)'],
    [{ PORT: '8080', HEALTH_PORT: '8080' }, 'HEALTH_PORT: must differ from PORT (both are 8080)'],
  ])('%o → %s', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('never repeats a secret in its message', () => {
    expect(() => loadConfig({ DATABASE_URL: 'mysql://pdta:s3cret@db/pdta' })).toThrow(/^invalid configuration: DATABASE_URL: must be a postgres:\/\/ URL \(set/);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://pdta:s3cret@db/pdta' })).not.toThrow(/s3cret/);
  });
});

describe('the playground', () => {
  const config = (env: Record<string, string>) => loadConfig(env);

  it('is on for a developer listening on loopback, whatever is configured', () => {
    expect(playgroundEnabled(config({}))).toBe(true);
    expect(playgroundEnabled(config({ SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb' }))).toBe(true);
    // It has no login: on a network address it takes PLAYGROUND=on, even with no platform configured.
    expect(playgroundEnabled(config({ HOST: '0.0.0.0' }))).toBe(false);
    expect(playgroundEnabled(config({ HOST: '0.0.0.0', SLACK_BOT_TOKEN: 'xoxb', REMINDER_SLACK_CHANNEL: 'C0REM' }))).toBe(false);
  });

  it('is off for a bot listening on the network, unless asked for', () => {
    const production = { HOST: '0.0.0.0', SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb' };
    expect(playgroundEnabled(config(production))).toBe(false);
    expect(playgroundEnabled(config({ ...production, PLAYGROUND: 'on' }))).toBe(true);
    expect(playgroundEnabled(config({ HOST: '10.0.0.5', MicrosoftAppId: '00000000-0000-0000-0000-000000000000' }))).toBe(false);
    expect(playgroundEnabled(config({ PLAYGROUND: 'off' }))).toBe(false);
  });

  it('knows loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '10.0.0.5', 'pdta.example.org']) expect(isLoopbackHost(host)).toBe(false);
  });
});
