/**
 * slack/manifest.yml agrees with the code (the command it listens to, the one endpoint, the
 * events it handles) and with Slack's manifest limits, so that pasting it into "Create New App"
 * gives an app that works, with no scope it does not need.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SLACK_EVENTS_PATH } from '../../../src/channels/slack/index.js';
import { PDTA_COMMAND } from '../../../src/channels/slack/listeners.js';

const httpsUrl = z.url().refine((u) => u.startsWith('https://'), 'Slack requires https');

// Limits from Slack's manifest reference (mirrored in @slack/web-api's manifest types).
const Manifest = z.object({
  _metadata: z.object({ major_version: z.literal(2), minor_version: z.number().int() }),
  display_information: z.object({
    name: z.string().min(1).max(35),
    description: z.string().max(140),
    long_description: z.string().min(175).max(4000),
    background_color: z.string().regex(/^#([0-9a-f]{3}|[0-9a-f]{6})$/i),
  }),
  features: z.object({
    app_home: z.object({ home_tab_enabled: z.literal(true), messages_tab_enabled: z.literal(true), messages_tab_read_only_enabled: z.literal(false) }),
    bot_user: z.object({ display_name: z.string().regex(/^[a-zA-Z0-9._-]{1,80}$/), always_online: z.boolean() }),
    slash_commands: z.array(
      z.object({ command: z.string().max(32), url: httpsUrl, description: z.string().max(2000), usage_hint: z.string().max(1000), should_escape: z.boolean() }),
    ),
  }),
  oauth_config: z.object({ scopes: z.object({ bot: z.array(z.string()) }) }),
  settings: z.object({
    event_subscriptions: z.object({ request_url: httpsUrl, bot_events: z.array(z.string()) }),
    interactivity: z.object({ is_enabled: z.literal(true), request_url: httpsUrl }),
    org_deploy_enabled: z.boolean(),
    socket_mode_enabled: z.boolean(),
    token_rotation_enabled: z.boolean(),
  }),
});

const text = readFileSync(fileURLToPath(new URL('../../../slack/manifest.yml', import.meta.url)), 'utf8');
const manifest = Manifest.parse(parse(text));

describe('slack/manifest.yml', () => {
  it('declares /pdta, the events and the interactivity the app handles, all at /slack/events', () => {
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual([PDTA_COMMAND]);
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual(['app_home_opened', 'app_mention', 'message.im']);
    for (const url of [manifest.features.slash_commands[0]!.url, manifest.settings.event_subscriptions.request_url, manifest.settings.interactivity.request_url]) {
      expect(new URL(url).pathname).toBe(SLACK_EVENTS_PATH);
    }
  });

  it('asks for the scopes the app uses and no others', () => {
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([
      'app_mentions:read',
      // Follow-up reminders: the "already delivered?" check and the coordinators' channel members.
      'channels:history',
      'channels:read',
      'chat:write',
      'commands',
      'im:history',
      'im:write',
    ]);
  });

  it('starts in HTTP mode, saying how to switch to Socket Mode', () => {
    expect(manifest.settings.socket_mode_enabled).toBe(false);
    expect(text).toMatch(/Socket Mode:[\s\S]*SLACK_APP_TOKEN/);
  });

  it('has its scopes listed in docs/slack.md exactly as it requests them, each with why', () => {
    const docs = readFileSync(fileURLToPath(new URL('../../../docs/slack.md', import.meta.url)), 'utf8');
    const documented = [...docs.matchAll(/^\| `([a-z_]+(?::[a-z_.]+)?)` \| \S/gm)].map((m) => m[1]);
    expect([...documented].sort()).toEqual([...manifest.oauth_config.scopes.bot].sort());
  });

  it('describes the app in Italian and English', () => {
    expect(manifest.display_information.long_description).toMatch(/calcinosi tumorale/);
    expect(manifest.display_information.long_description).toMatch(/tumoral calcinosis/);
  });
});

describe('slack/manifest.socket.yml', () => {
  const socketText = readFileSync(fileURLToPath(new URL('../../../slack/manifest.socket.yml', import.meta.url)), 'utf8');
  const socket = parse(socketText) as Record<string, unknown>;

  /** The HTTP manifest as Socket Mode needs it: without request URLs, with socket_mode_enabled. */
  function withoutUrls(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(withoutUrls);
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(
      Object.entries(value)
        .filter(([key]) => key !== 'url' && key !== 'request_url')
        .map(([key, v]) => [key, key === 'socket_mode_enabled' ? true : withoutUrls(v)]),
    );
  }

  it('is the HTTP manifest with the request URLs removed and Socket Mode on', () => {
    expect(socket).toEqual(withoutUrls(parse(text)));
    expect(socketText).not.toContain('https://pdta.example.org');
  });

  it('says how to get the app-level token it needs', () => {
    expect(socketText).toMatch(/connections:write[\s\S]*SLACK_APP_TOKEN/);
  });
});
