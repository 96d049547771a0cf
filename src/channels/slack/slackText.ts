/**
 * Slack's message markup (https://docs.slack.dev/messaging/formatting-message-text) turned into the
 * plain text the engine reads. Mentions are dropped, not kept as names: the engine never needs to
 * know who was mentioned, and a "<@U…|name>" label could carry a person's name into a conversation.
 */
const USER_MENTION = /<@[UW][A-Z0-9]+(?:\|[^>]*)?>/g;
const CHANNEL_LINK = /<#C[A-Z0-9]+(?:\|([^>]*))?>/g;
/** <!here>, <!channel>, <!subteam^S…|@team>, <!date^…|fallback>: keep only a date's fallback text. */
const SPECIAL = /<!(date\^[^|>]*)?[^|>]*(?:\|([^>]*))?>/g;
const LINK = /<((?:https?|mailto|tel):[^|>]*)(?:\|([^>]*))?>/g;

export function toPlainText(text: string | undefined): string {
  if (!text) return '';
  return text
    .replace(USER_MENTION, ' ')
    .replace(CHANNEL_LINK, (_m, name: string | undefined) => (name ? `#${name}` : ' '))
    .replace(SPECIAL, (_m, date: string | undefined, label: string | undefined) => (date && label ? label : ' '))
    .replace(LINK, (_m, url: string, label: string | undefined) => label ?? url.replace(/^(mailto|tel):/, ''))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .trim();
}
