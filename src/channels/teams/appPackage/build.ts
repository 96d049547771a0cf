/**
 * The Teams app package: the .zip an administrator uploads in Teams (Apps › Manage your apps ›
 * Upload) or in the Teams Developer Portal. It holds, at its root, manifest.json (from
 * teams/manifest.template.json with the bot's app id filled in), the English strings (en.json) and
 * the two icons (teams/color.png, teams/outline.png). The archive is written by fflate with a fixed
 * timestamp, so the same inputs give the same bytes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zipSync, type Zippable } from 'fflate';

/** Every entry's timestamp: fixed, so that a package is reproducible byte for byte. */
const PACKAGE_TIME = new Date('2024-01-01T00:00:00Z');

export const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;
/** A host name as validDomains takes it (no scheme, no path; a leading "*." wildcard allowed). */
const DOMAIN = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(:\d{1,5})?$/i;

export interface AppPackageOptions {
  /** The bot's Microsoft App ID (a GUID): the Teams app id and the bot id. */
  appId: string;
  /** Host of the messaging endpoint (https://<domain>/api/messages), listed in validDomains. */
  domain?: string;
  /** The app version Teams compares on upload (x.y.z); default: this package's version. An update must raise it. */
  version?: string;
  /** The publisher Teams shows (manifest developer.name, at most 32 characters); default: the template's. */
  developerName?: string;
  /** https addresses Teams links to from the app's details; default: the template's placeholders. */
  websiteUrl?: string;
  privacyUrl?: string;
  termsOfUseUrl?: string;
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
  }) as Record<string, unknown>;
  const developer = { ...(manifest['developer'] as Record<string, string>) };
  if (options.developerName !== undefined) {
    const name = options.developerName.trim();
    if (name === '' || name.length > 32) throw new RangeError(`the developer name must be 1 to 32 characters, got "${options.developerName}"`);
    developer['name'] = name;
  }
  for (const [key, value] of [['websiteUrl', options.websiteUrl], ['privacyUrl', options.privacyUrl], ['termsOfUseUrl', options.termsOfUseUrl]] as const) {
    if (value === undefined) continue;
    if (!/^https:\/\/[^\s/]+\.[^\s]+$/.test(value) || value.length > 2048) throw new RangeError(`the ${key} must be an https:// address, got "${value}"`);
    developer[key] = value;
  }
  return { ...manifest, developer };
}

/** The template's placeholder addresses: a package still carrying them is not ready for a tenant's catalogue. */
export function placeholderUrls(manifest: Record<string, unknown>): string[] {
  const developer = manifest['developer'] as Record<string, string>;
  return ['websiteUrl', 'privacyUrl', 'termsOfUseUrl'].filter((k) => /\.example\.org\b/.test(developer[k] ?? ''));
}

export function buildAppPackage(options: AppPackageOptions): AppPackage {
  const sourceDir = options.sourceDir ?? defaultSourceDir();
  const manifest = buildManifest({ ...options, sourceDir });
  const files: Record<string, Uint8Array> = {
    'manifest.json': Buffer.from(JSON.stringify(manifest, null, 2) + '\n', 'utf8'),
    'color.png': readFileSync(join(sourceDir, 'color.png')),
    'outline.png': readFileSync(join(sourceDir, 'outline.png')),
  };
  const localization = manifest['localizationInfo'] as { additionalLanguages?: Array<{ file: string }> } | undefined;
  for (const { file } of localization?.additionalLanguages ?? []) files[file] = readFileSync(join(sourceDir, file));
  const zippable: Zippable = Object.fromEntries(Object.entries(files).map(([name, data]) => [name, [data, { mtime: PACKAGE_TIME }]]));
  return { zip: Buffer.from(zipSync(zippable, { level: 9 })), manifest, files: Object.keys(files) };
}

export async function writeAppPackage(outFile: string, options: AppPackageOptions): Promise<AppPackage> {
  const built = buildAppPackage(options);
  await writeFile(outFile, built.zip);
  return built;
}
