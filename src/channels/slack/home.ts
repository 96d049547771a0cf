/**
 * The App Home tab: what the assistant does, the menu in both languages (its buttons answer in the
 * user's direct messages with the app), and a place for the coordinator's upcoming reminders.
 */
import type { UpcomingReminder } from '../../core/ports.js';
import { escapeMrkdwn, renderReplyBlocks, SLACK_LIMITS, splitMrkdwn, type SlackBlock } from '../../reply/blockKit.js';
import type { Reply } from '../../reply/model.js';
import { HOME } from './messages.js';

export type { UpcomingReminder };

/**
 * REMINDERS: what the Home tab shows under its reminders heading, from the follow-up registry
 * (the UpcomingRemindersSource port, src/core/ports.ts). [] means "none due"; 'coordinators-only'
 * that the user is not a coordinator (the registry is their working list); 'unavailable' that it
 * could not be read now; null (no follow-up wired) that the feature is coming.
 */
export type UpcomingReminders = UpcomingReminder[] | 'coordinators-only' | 'unavailable' | null;

/** Lines shown; a busy month is a list for `pdta followup upcoming`, not for a Home tab. */
export const HOME_MAX_REMINDERS = 40;

/** A section of mrkdwn that is already escaped (built from escaped pieces). */
function escapedSection(mrkdwn: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: mrkdwn, verbatim: true } };
}

/**
 * A section of our own words: escaped too, since Slack reads any "<…>" as a link or a mention
 * ("/pdta <domanda>" would vanish) and "&" as the start of an entity.
 */
function section(text: string): SlackBlock {
  return escapedSection(escapeMrkdwn(text));
}

function reminderBlocks(reminders: UpcomingReminders): SlackBlock[] {
  const blocks: SlackBlock[] = [{ type: 'header', text: { type: 'plain_text', text: HOME.remindersTitle, emoji: true } }];
  if (reminders === null) return [...blocks, section(HOME.remindersPending)];
  if (reminders === 'coordinators-only') return [...blocks, section(HOME.remindersCoordinatorsOnly)];
  if (reminders === 'unavailable') return [...blocks, section(HOME.remindersUnavailable)];
  if (reminders.length === 0) return [...blocks, section(HOME.remindersNone)];
  // REMINDERS: one line per follow-up, due date first; the buttons are on the reminders themselves.
  const lines = reminders
    .slice(0, HOME_MAX_REMINDERS)
    .map((r) => `• *${escapeMrkdwn(r.due)}* · \`${escapeMrkdwn(r.patientCode)}\` · ${escapeMrkdwn(r.what)}`);
  if (reminders.length > HOME_MAX_REMINDERS) lines.push(escapeMrkdwn(HOME.remindersMore(reminders.length - HOME_MAX_REMINDERS)));
  return [...blocks, ...splitMrkdwn(lines.join('\n'), SLACK_LIMITS.sectionText).map(escapedSection)];
}

export interface HomeView {
  type: 'home';
  blocks: SlackBlock[];
}

/** `menus`: the menu reply in each language, Italian first. */
export function homeView(menus: Reply[], reminders: UpcomingReminders): HomeView {
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: HOME.title, emoji: true } },
    section(HOME.howTo),
  ];
  for (const menu of menus) blocks.push({ type: 'divider' }, ...renderReplyBlocks(menu));
  blocks.push({ type: 'divider' }, ...reminderBlocks(reminders));
  // A view holds 100 blocks; the menus and reminders above use about 20.
  return { type: 'home', blocks: blocks.slice(0, SLACK_LIMITS.blocksPerView) };
}
