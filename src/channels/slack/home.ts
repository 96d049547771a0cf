/**
 * The App Home tab: what the assistant does, the menu in both languages (its buttons answer in the
 * user's direct messages with the app), and a place for the coordinator's upcoming reminders.
 */
import { escapeMrkdwn, renderReplyBlocks, SLACK_LIMITS, splitMrkdwn, type SlackBlock } from '../../reply/blockKit.js';
import type { Reply } from '../../reply/model.js';
import { HOME } from './messages.js';

/** One upcoming follow-up, as the reminders issue will provide it: pseudonymous code only. */
export interface UpcomingReminder {
  /** Due date as shown, e.g. "2027-03-01". */
  due: string;
  patientCode: string;
  what: string;
}

/**
 * REMINDERS: the follow-up dispatcher (a later issue) provides this; until then it is absent and
 * the Home tab says the feature is coming. null means "not available", [] means "none due".
 */
export type UpcomingRemindersSource = (userRef: string) => Promise<UpcomingReminder[] | null>;

function section(text: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text, verbatim: true } };
}

function reminderBlocks(reminders: UpcomingReminder[] | null): SlackBlock[] {
  const blocks: SlackBlock[] = [{ type: 'header', text: { type: 'plain_text', text: HOME.remindersTitle, emoji: true } }];
  if (reminders === null) return [...blocks, section(HOME.remindersPending)];
  if (reminders.length === 0) return [...blocks, section(HOME.remindersNone)];
  // REMINDERS: one line per follow-up; the reminders issue adds the "fatto" buttons here.
  const lines = reminders.map((r) => `• *${escapeMrkdwn(r.due)}* · \`${escapeMrkdwn(r.patientCode)}\` · ${escapeMrkdwn(r.what)}`);
  return [...blocks, ...splitMrkdwn(lines.join('\n'), SLACK_LIMITS.sectionText).map(section)];
}

export interface HomeView {
  type: 'home';
  blocks: SlackBlock[];
}

/** `menus`: the menu reply in each language, Italian first. */
export function homeView(menus: Reply[], reminders: UpcomingReminder[] | null): HomeView {
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: HOME.title, emoji: true } },
    section(HOME.howTo),
  ];
  for (const menu of menus) blocks.push({ type: 'divider' }, ...renderReplyBlocks(menu));
  blocks.push({ type: 'divider' }, ...reminderBlocks(reminders));
  // A view holds 100 blocks; the menus and reminders above use about 20.
  return { type: 'home', blocks: blocks.slice(0, SLACK_LIMITS.blocksPerView) };
}
