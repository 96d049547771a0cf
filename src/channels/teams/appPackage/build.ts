/**
 * The Teams app package: the .zip an administrator uploads in Teams (Apps › Manage your apps ›
 * Upload) or in the Teams Developer Portal. It holds, at its root, manifest.json (from
 * teams/manifest.template.json with the bot's app id filled in), the English strings (en.json) and
 * the two icons (teams/color.png, teams/outline.png; drawn by icons.ts when missing).
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { iconFiles } from './icons.js';
import { createZip, type ZipEntry } from './zip.js';

export const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;
/** A host name as validDomains takes it (no scheme, no path; a leading "*." wildcard allowed). */
const DOMAIN = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(:\d{1,5})?$/i;

export interface AppPackageOptions {
  /** The bot's Microsoft App ID (a GUID): the Teams app id and the bot id. */
  appId: string;
  /** Host of the messaging endpoint (https://<domain>/api/messages), listed in validDomains. */
  domain?: string;
  /** The app version Teams compares on upload (x.y.z); default: this package's version. */
  version?: string;
  /** Where the template, strings and icons are; default: the package's teams/ folder. */
  sourceDir?: string;
}

export interface AppPackage {
  zip: Buffer;
  manifest: Record<string, unknown>;
  files: string[];
}

/** The package's root (where package.json is), from this module in src/ or in dist/src/. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'teams', 'manifest.template.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find teams/manifest.template.json above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

export function defaultSourceDir(): string {
  return join(packageRoot(), 'teams');
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : '1.0.0';
}

/** Replaces {{NAME}} placeholders in every string; drops array items whose placeholder has no value. */
export function fillTemplate(value: unknown, values: Readonly<Record<string, string | undefined>>): unknown {
  if (typeof value === 'string') {
    return value.replace(/\{\{([A-Z_]+)\}\}/g, (whole, name: string) => {
      const v = values[name];
      if (v === undefined) throw new Error(`no value for ${whole} in the Teams manifest template`);
      return v;
    });
  }
  if (Array.isArray(value)) {
    return value
      .filter((item) => !(typeof item === 'string' && /^\{\{([A-Z_]+)\}\}$/.test(item) && values[item.slice(2, -2)] === undefined))
      .map((item) => fillTemplate(item, values));
  }
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillTemplate(v, values)]));
  }
  return value;
}

export function buildManifest(options: AppPackageOptions): Record<string, unknown> {
  if (!GUID.test(options.appId)) throw new RangeError(`the Microsoft App ID must be a GUID, got "${options.appId}"`);
  if (options.domain !== undefined && !DOMAIN.test(options.domain)) {
    throw new RangeError(`the domain must be a host name like bot.example.org (no https://, no path), got "${options.domain}"`);
  }
  const version = options.version ?? packageVersion();
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new RangeError(`the app version must be x.y.z, got "${version}"`);
  const sourceDir = options.sourceDir ?? defaultSourceDir();
  const template: unknown = JSON.parse(readFileSync(join(sourceDir, 'manifest.template.json'), 'utf8'));
  const manifest = fillTemplate(template, {
    MICROSOFT_APP_ID: options.appId.toLowerCase(),
    VERSION: version,
    BOT_DOMAIN: options.domain?.toLowerCase(),
  });
  return manifest as Record<string, unknown>;
}

export function buildAppPackage(options: AppPackageOptions): AppPackage {
  const sourceDir = options.sourceDir ?? defaultSourceDir();
  const manifest = buildManifest({ ...options, sourceDir });
  const drawn = iconFiles();
  const icon = (name: 'color.png' | 'outline.png'): Buffer => {
    const file = join(sourceDir, name);
    return existsSync(file) ? readFileSync(file) : drawn[name];
  };
  const entries: ZipEntry[] = [
    { name: 'manifest.json', data: Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8') },
    { name: 'color.png', data: icon('color.png') },
    { name: 'outline.png', data: icon('outline.png') },
  ];
  const localization = manifest['localizationInfo'] as { additionalLanguages?: Array<{ file: string }> } | undefined;
  for (const { file } of localization?.additionalLanguages ?? []) {
    entries.push({ name: file, data: readFileSync(join(sourceDir, file)) });
  }
  return { zip: createZip(entries), manifest, files: entries.map((e) => e.name) };
}

export async function writeAppPackage(outFile: string, options: AppPackageOptions): Promise<AppPackage> {
  const built = buildAppPackage(options);
  await writeFile(outFile, built.zip);
  return built;
}
