/**
 * Teams activities as the Bot Connector posts them to a bot (shapes taken from Teams traffic:
 * ids with their Teams prefixes, mentions as entities, tenant on the conversation and in channelData).
 */
export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const OTHER_TENANT = '0d6b7a4e-1111-4222-8333-944455556666';
export const BOT = { id: '28:6b1e2f55-3c1d-4b7e-9a41-0c2d5e8f9a10', name: 'PDTA' };
export const DOCTOR = { id: '29:1GcS4EyB_oSI8A88XmWBN7NJFyMqe3QGnJdgLfFGkJnVelzRGos0bPbpsfJjcbAD22bmKc4GMbrY2g4JDrrA8Ew', name: 'Dott.ssa Giulia Bianchi', aadObjectId: 'c0ffee00-1234-4abc-8def-0123456789ab' };

let sequence = 1_712_345_678_901;
export function nextId(): string {
  sequence += 1;
  return String(sequence);
}

interface Common {
  serviceUrl: string;
  tenantId?: string;
  locale?: string;
}

function base(type: string, conversation: Record<string, unknown>, o: Common): Record<string, unknown> {
  const tenantId = o.tenantId ?? TENANT;
  return {
    type,
    id: nextId(),
    timestamp: new Date().toISOString(),
    localTimestamp: new Date().toISOString(),
    serviceUrl: o.serviceUrl,
    channelId: 'msteams',
    from: DOCTOR,
    conversation: { ...conversation, tenantId },
    recipient: BOT,
    locale: o.locale ?? 'it-IT',
    channelData: { tenant: { id: tenantId } },
  };
}

export function personalMessage(text: string, o: Common & { conversationId?: string }): Record<string, unknown> {
  return {
    ...base('message', { conversationType: 'personal', id: o.conversationId ?? 'a:1H7mq0jnUNJ3sDJEKLzZ0NZ8PQ0tR1uX2aS9c8Zq1' }, o),
    textFormat: 'plain',
    text,
    entities: [{ type: 'clientInfo', locale: o.locale ?? 'it-IT', country: 'IT', platform: 'Android', timezone: 'Europe/Rome' }],
  };
}

function mention(): Record<string, unknown> {
  return { type: 'mention', text: `<at>${BOT.name}</at>`, mentioned: { id: BOT.id, name: BOT.name } };
}

export function groupMessage(text: string, o: Common & { conversationId?: string }): Record<string, unknown> {
  return {
    ...base('message', { conversationType: 'groupChat', isGroup: true, id: o.conversationId ?? '19:meeting_a1b2c3d4e5f6@thread.v2' }, o),
    textFormat: 'plain',
    text: `<at>${BOT.name}</at> ${text}`,
    entities: [mention()],
  };
}

export const CHANNEL_ID = '19:8c8e2bb1a4e24d0c9f1f3b2d4f6a8c0e@thread.tacv2';
export const TEAM_ID = '19:2f1c9e7b5a3d4c6e8f0a1b2c3d4e5f60@thread.tacv2';

/** A channel post (rootId omitted: a new post, whose own id roots the chain) or a reply in a chain. */
export function channelMessage(text: string, o: Common & { rootId?: string; mentionFirst?: boolean }): Record<string, unknown> {
  const id = nextId();
  const root = o.rootId ?? id;
  const activity = base('message', { conversationType: 'channel', isGroup: true, id: `${CHANNEL_ID};messageid=${root}` }, o);
  return {
    ...activity,
    id,
    ...(o.rootId ? { replyToId: o.rootId } : {}),
    textFormat: 'plain',
    text: o.mentionFirst === false ? `${text} <at>${BOT.name}</at>` : `<at>${BOT.name}</at>&nbsp;${text}`,
    entities: [mention()],
    channelData: {
      teamsChannelId: CHANNEL_ID,
      teamsTeamId: TEAM_ID,
      channel: { id: CHANNEL_ID },
      team: { id: TEAM_ID },
      tenant: { id: o.tenantId ?? TENANT },
    },
  };
}

/** A button click: Teams posts the messageBack text and the Action.Submit data as `value`. */
export function submit(value: Record<string, unknown>, label: string, conversation: Record<string, unknown>, o: Common): Record<string, unknown> {
  return { ...base('message', conversation, o), text: label, value, textFormat: 'plain' };
}

export function botAdded(conversation: Record<string, unknown>, o: Common): Record<string, unknown> {
  return {
    ...base('conversationUpdate', conversation, o),
    membersAdded: [{ id: BOT.id }],
    channelData: { eventType: 'teamMemberAdded', team: { id: TEAM_ID }, tenant: { id: o.tenantId ?? TENANT } },
  };
}

export function personalConversation(id = 'a:1NewChatWithTheBotXyZ'): Record<string, unknown> {
  return { conversationType: 'personal', id };
}
