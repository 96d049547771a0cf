/** The Slack channel (Bolt). Returns null when Slack is not configured. */
import type { Channel, ChannelDeps } from '../channel.js';

export async function createSlackChannel(deps: ChannelDeps): Promise<Channel | null> {
  if (!deps.config.SLACK_SIGNING_SECRET && !deps.config.SLACK_APP_TOKEN) return null;
  return null;
}
