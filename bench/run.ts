/**
 * `npm run bench`: every benchmark, each against a baseline measured in the same run. Figures are
 * printed and written to bench/results.json. Select some with arguments: `npm run bench -- ask`.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { benchAsk } from './ask.js';
import { benchPlayground } from './playground.js';

const all: Record<string, () => Promise<Record<string, number>>> = {
  ask: benchAsk,
  conversations: async () => (await import('./conversations.js')).benchConversations(),
  playground: benchPlayground,
  slack: async () => (await import('./slack.js')).benchSlack(),
  teams: async () => (await import('./teams.js')).benchTeams(),
  followup: async () => (await import('./followup.js')).benchFollowup(),
  flood: async () => (await import('./flood.js')).benchFlood(),
};

const selected = process.argv.slice(2).filter((a) => a in all);
const results: Record<string, number> = {};
for (const name of selected.length > 0 ? selected : Object.keys(all)) {
  Object.assign(results, await all[name]!());
}
const file = fileURLToPath(new URL('./results.json', import.meta.url));
writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), results }, null, 2) + '\n');
console.log(`\nwrote ${file}`);
