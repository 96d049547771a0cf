/**
 * The playground page as served: one self-contained document whose only script (the bundled
 * browser client) is allowed by its hash, that loads nothing from outside this server, and whose
 * script is valid JavaScript.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readClientScript } from '../../src/channels/web/clientScript.js';
import { CLIENT_SCRIPT, PLAYGROUND_CSP, preferredLang, renderPlaygroundPage } from '../../src/channels/web/page.js';

describe('the playground page', () => {
  const html = renderPlaygroundPage({ lang: 'it', contentVersion: 'RCO230 · test', adaptiveCards: true });

  it('carries its script inline, allowed by the Content-Security-Policy by hash', () => {
    const inline = html.match(/<script>([\s\S]*?)<\/script>/)?.[1];
    expect(inline).toBe(CLIENT_SCRIPT);
    const hash = createHash('sha256').update(inline ?? '').digest('base64');
    expect(PLAYGROUND_CSP).toContain(`'sha256-${hash}'`);
    expect(PLAYGROUND_CSP).toContain("connect-src 'self'");
  });

  it('loads nothing from another host', () => {
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] ?? '');
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) expect(url).toMatch(/^(\/|data:)/);
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('has a script that parses as JavaScript', () => {
    expect(() => new Function(CLIENT_SCRIPT)).not.toThrow();
  });

  it('serves the browser script the build bundled from src/channels/web/browser/, whole and standalone', () => {
    expect(CLIENT_SCRIPT).toBe(readClientScript());
    expect(CLIENT_SCRIPT).toContain('// src/channels/web/browser/client.ts');
    // Inline in the page: it must not end the script element, nor point devtools at a map the server does not serve.
    expect(CLIENT_SCRIPT).not.toMatch(/<\/script/i);
    expect(CLIENT_SCRIPT).not.toContain('sourceMappingURL');
  });

  it('is sized for phones', () => {
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
  });

  it('leaves out the Teams bundle when adaptivecards is not installed', () => {
    const without = renderPlaygroundPage({ lang: 'en', contentVersion: 'v', adaptiveCards: false });
    expect(without).not.toContain('/vendor/adaptivecards.min.js');
    expect(without).toContain('<html lang="en"');
  });

  it('starts in the language the browser prefers, Italian by default', () => {
    expect(preferredLang('en-GB,en;q=0.9,it;q=0.5')).toBe('en');
    expect(preferredLang('it-IT,it;q=0.9,en;q=0.8')).toBe('it');
    expect(preferredLang('de-DE,de;q=0.9')).toBe('it');
    expect(preferredLang(undefined)).toBe('it');
  });
});
