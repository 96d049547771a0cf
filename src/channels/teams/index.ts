/** The Microsoft Teams channel (botbuilder CloudAdapter). */
import type { Channel, ChannelDeps } from '../channel.js';

export async function createTeamsChannel(_deps: ChannelDeps): Promise<Channel | null> {
  return null;
}
