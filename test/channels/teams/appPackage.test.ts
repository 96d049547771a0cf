/**
 * `pdta teams package`: the .zip an administrator uploads in Teams. Its manifest must validate
 * against the Teams manifest schema (1.24, the subset in schemas/), its English strings against the
 * localization schema, its icons must be the PNGs Teams asks for, and the archive must open with a
 * standard unzip.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crc32, inflateRawSync, inflateSync } from 'node:zlib';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { buildAppPackage, buildManifest, defaultSourceDir } from '../../../src/channels/teams/appPackage/build.js';
import { buildProgram, main } from '../../../src/cli.js';

const APP_ID = '6b1e2f55-3c1d-4b7e-9a41-0c2d5e8f9a10';
const work = mkdtempSync(join(tmpdir(), 'pdta-teams-package-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function schema(name: string): object {
  return JSON.parse(readFileSync(fileURLToPath(new URL(`./schemas/${name}`, import.meta.url)), 'utf8')) as object;
}
const ajv = new Ajv({ allErrors: true, strict: true });
addFormats.default(ajv);
const validateManifest = ajv.compile(schema('teams-manifest-1.24.subset.schema.json'));
const validateLocalization = ajv.compile(schema('teams-localization-1.24.subset.schema.json'));

/** Reads a ZIP's central directory and entries (stored or deflated), checking every CRC. */
function readZip(zip: Buffer): Map<string, Buffer> {
  const eocd = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  expect(eocd).toBeGreaterThan(0);
  const count = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i += 1) {
    expect(zip.readUInt32LE(at)).toBe(0x02014b50);
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const compressed = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30);
    const comment = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    expect(zip.readUInt32LE(local)).toBe(0x04034b50);
    const dataStart = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(dataStart, dataStart + compressed);
    const data = method === 0 ? Buffer.from(raw) : inflateRawSync(raw);
    expect(crc32(data), `CRC of ${name}`).toBe(crc);
    files.set(name, data);
    at += 46 + nameLength + extra + comment;
  }
  return files;
}

interface Png {
  width: number;
  height: number;
  colourType: number;
  pixels: Buffer;
}

/** Decodes the 8-bit RGBA, filter-0 PNGs the icons are (and checks every chunk's CRC). */
function readPng(data: Buffer): Png {
  expect(data.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  let at = 8;
  let width = 0;
  let height = 0;
  let colourType = -1;
  const idat: Buffer[] = [];
  for (;;) {
    const length = data.readUInt32BE(at);
    const type = data.toString('ascii', at + 4, at + 8);
    const body = data.subarray(at + 8, at + 8 + length);
    expect(crc32(data.subarray(at + 4, at + 8 + length)), `CRC of ${type}`).toBe(data.readUInt32BE(at + 8 + length));
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      expect(body[8]).toBe(8);
      colourType = body[9]!;
    }
    if (type === 'IDAT') idat.push(body);
    at += 12 + length;
    if (type === 'IEND') break;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const pixels = Buffer.alloc(width * height * 4);
  for (let y = 0; y < height; y += 1) {
    expect(raw[y * (1 + width * 4)]).toBe(0);
    raw.copy(pixels, y * width * 4, y * (1 + width * 4) + 1, (y + 1) * (1 + width * 4));
  }
  return { width, height, colourType, pixels };
}

function get(object: unknown, path: string): unknown {
  // "bots[0].commandLists[2].commands[5].title" -> walk it
  return path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .reduce<unknown>((value, key) => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined), object);
}

async function cli(args: string[]): Promise<{ out: string }> {
  let out = '';
  const program = buildProgram({ out: (s) => void (out += s), err: () => undefined });
  await program.parseAsync(args, { from: 'user' });
  return { out };
}

describe('pdta teams package', () => {
  const out = join(work, 'pdta-teams-app.zip');

  it('writes a zip with manifest.json, the icons and the English strings at its root', async () => {
    const { out: printed } = await cli(['teams', 'package', '--app-id', APP_ID, '--out', out, '--domain', 'pdta.asl-toscana.example.org']);
    expect(printed).toContain(out);
    const files = readZip(readFileSync(out));
    expect([...files.keys()].sort()).toEqual(['color.png', 'en.json', 'manifest.json', 'outline.png']);
  });

  it('opens with a standard unzip', () => {
    const r = spawnSync('unzip', ['-t', out], { encoding: 'utf8' });
    if (r.error) return; // no unzip on this machine: readZip above checked the structure
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('No errors detected');
  });

  it('has a manifest valid against the Teams 1.24 schema, for the given app id', () => {
    const manifest = JSON.parse(readZip(readFileSync(out)).get('manifest.json')!.toString('utf8')) as Record<string, unknown>;
    expect(validateManifest(manifest), ajv.errorsText(validateManifest.errors)).toBe(true);
    expect(manifest['id']).toBe(APP_ID);
    expect(get(manifest, 'bots[0].botId')).toBe(APP_ID);
    expect(get(manifest, 'bots[0].scopes')).toEqual(['personal', 'team', 'groupChat']);
    expect(manifest['validDomains']).toEqual(['pdta.asl-toscana.example.org']);
    expect(manifest['version']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(JSON.stringify(manifest)).not.toContain('{{');
  });

  it('speaks Italian by default, with commands for every scope, and English in en.json', () => {
    const files = readZip(readFileSync(out));
    const manifest = JSON.parse(files.get('manifest.json')!.toString('utf8')) as Record<string, unknown>;
    const en = JSON.parse(files.get('en.json')!.toString('utf8')) as Record<string, string>;
    expect(get(manifest, 'localizationInfo.defaultLanguageTag')).toBe('it-it');
    expect(get(manifest, 'name.short')).toBe('PDTA Calcinosi Tumorale');
    const lists = get(manifest, 'bots[0].commandLists') as Array<{ scopes: string[]; commands: Array<{ title: string; description: string }> }>;
    expect(lists.flatMap((l) => l.scopes).sort()).toEqual(['groupChat', 'personal', 'team']);
    for (const l of lists) {
      expect(l.commands.map((c) => c.title)).toContain('aiuto');
      // The localization schema allows 32 characters for a command title: the Italian ones keep to it too.
      for (const c of l.commands) expect(c.title.length).toBeLessThanOrEqual(32);
    }

    expect(validateLocalization(en), ajv.errorsText(validateLocalization.errors)).toBe(true);
    expect(en['bots[0].commandLists[0].commands[0].title']).toBe('help');
    for (const key of Object.keys(en)) {
      if (key === '$schema') continue;
      expect(get(manifest, key), `en.json translates ${key}, which the manifest must have`).toBeTypeOf('string');
    }
    // Every command of the manifest has its English title and description.
    lists.forEach((l, i) =>
      l.commands.forEach((_c, j) => {
        expect(en[`bots[0].commandLists[${i}].commands[${j}].title`]).toBeTypeOf('string');
        expect(en[`bots[0].commandLists[${i}].commands[${j}].description`]).toBeTypeOf('string');
      }),
    );
  });

  it('has a 192×192 colour icon and a 32×32 white-on-transparent outline icon', () => {
    const files = readZip(readFileSync(out));
    const color = readPng(files.get('color.png')!);
    expect([color.width, color.height, color.colourType]).toEqual([192, 192, 6]);
    for (let i = 3; i < color.pixels.length; i += 4) expect(color.pixels[i]).toBe(255);

    const outline = readPng(files.get('outline.png')!);
    expect([outline.width, outline.height]).toEqual([32, 32]);
    let transparent = 0;
    let opaque = 0;
    for (let i = 0; i < outline.pixels.length; i += 4) {
      const [r, g, b, a] = [outline.pixels[i], outline.pixels[i + 1], outline.pixels[i + 2], outline.pixels[i + 3]];
      if (a === 0) transparent += 1;
      else expect([r, g, b]).toEqual([255, 255, 255]);
      if (a === 255) opaque += 1;
    }
    expect(transparent).toBeGreaterThan(32 * 32 * 0.5);
    expect(opaque).toBeGreaterThan(50);
  });

  it('ships the committed icons as they are', () => {
    const files = readZip(readFileSync(out));
    for (const name of ['color.png', 'outline.png'] as const) {
      const committed = join(defaultSourceDir(), name);
      expect(existsSync(committed)).toBe(true);
      expect(files.get(name)!.equals(readFileSync(committed))).toBe(true);
    }
  });

  it('takes the version, the publisher and its addresses from flags, so nobody edits the package', async () => {
    const file = join(work, 'publisher.zip');
    const { out: printed } = await cli([
      'teams', 'package', '--app-id', APP_ID, '--out', file, '--app-version', '1.4.2',
      '--developer-name', 'ASL Toscana Centro', '--website-url', 'https://www.uslcentro.toscana.it/',
      '--privacy-url', 'https://www.uslcentro.toscana.it/privacy', '--terms-url', 'https://www.uslcentro.toscana.it/termini',
    ]);
    expect(printed).toContain('version 1.4.2');
    const manifest = JSON.parse(readZip(readFileSync(file)).get('manifest.json')!.toString('utf8')) as Record<string, unknown>;
    expect(manifest['version']).toBe('1.4.2');
    expect(manifest['developer']).toEqual({
      name: 'ASL Toscana Centro',
      websiteUrl: 'https://www.uslcentro.toscana.it/',
      privacyUrl: 'https://www.uslcentro.toscana.it/privacy',
      termsOfUseUrl: 'https://www.uslcentro.toscana.it/termini',
    });
    expect(validateManifest(manifest), JSON.stringify(validateManifest.errors)).toBe(true);
  });

  it('is reproducible: the same inputs give the same bytes', () => {
    expect(buildAppPackage({ appId: APP_ID }).zip.equals(buildAppPackage({ appId: APP_ID }).zip)).toBe(true);
  });

  it('leaves validDomains empty without --domain, and lower-cases the app id', () => {
    const manifest = buildManifest({ appId: APP_ID.toUpperCase() });
    expect(manifest['validDomains']).toEqual([]);
    expect(manifest['id']).toBe(APP_ID);
    expect(validateManifest(manifest)).toBe(true);
  });
});

describe('pdta teams package, wrong usage (exit 2, one line on stderr)', () => {
  const saved = process.env['MicrosoftAppId'];
  afterEach(() => {
    if (saved === undefined) delete process.env['MicrosoftAppId'];
    else process.env['MicrosoftAppId'] = saved;
    vi.restoreAllMocks();
  });

  async function run(args: string[]): Promise<{ code: number; stderr: string }> {
    let stderr = '';
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      stderr += String(chunk);
      return true;
    });
    const code = await main(args);
    return { code, stderr };
  }

  it('without an app id', async () => {
    delete process.env['MicrosoftAppId'];
    const r = await run(['teams', 'package', '--out', join(work, 'x.zip')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^pdta: no app id/);
  });

  it('with an app id that is not a GUID', async () => {
    const r = await run(['teams', 'package', '--app-id', 'my-bot', '--out', join(work, 'x.zip')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('must be a GUID');
  });

  it('with a URL where a host name belongs', async () => {
    const r = await run(['teams', 'package', '--app-id', APP_ID, '--domain', 'https://bot.example.org/api/messages', '--out', join(work, 'x.zip')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('host name');
  });

  it('with a version that is not x.y.z, a publisher name too long, or an address that is not https', async () => {
    for (const [flag, value, words] of [
      ['--app-version', '2', 'x.y.z'],
      ['--developer-name', 'x'.repeat(33), '32 characters'],
      ['--privacy-url', 'http://example.org/privacy', 'https://'],
    ] as const) {
      const r = await run(['teams', 'package', '--app-id', APP_ID, flag, value, '--out', join(work, 'x.zip')]);
      expect(r.code, flag).toBe(2);
      expect(r.stderr, flag).toContain(words);
    }
  });

  it('says when the package still carries the template’s example.org addresses', async () => {
    const r = await run(['teams', 'package', '--app-id', APP_ID, '--out', join(work, 'placeholder.zip')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^pdta: note: websiteUrl, privacyUrl, termsOfUseUrl still point at example\.org/);
  });

  it('takes MicrosoftAppId from the environment by default', async () => {
    process.env['MicrosoftAppId'] = APP_ID;
    const file = join(work, 'from-env.zip');
    const r = await run(['teams', 'package', '--out', file]);
    expect(r.code).toBe(0);
    const manifest = JSON.parse(readZip(readFileSync(file)).get('manifest.json')!.toString('utf8')) as Record<string, unknown>;
    expect(manifest['id']).toBe(APP_ID);
  });
});
