/**
 * The `pdta` command, a contract other tools rely on (README, "The `pdta` command"): ask, chat,
 * serve, content, teams package and followup.
 * Exit codes: 0 success, 2 bad usage or bad input (one line on stderr), 1 internal error.
 */
import { Command, CommanderError, Option } from 'commander';
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { addFollowupCommands } from './followup/cli.js';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const LANGS = ['it', 'en'] as const;

export function buildProgram(io: { out: (s: string) => void; err: (s: string) => void }): Command {
  const program = new Command('pdta')
    .description('Assistant for the Tuscan PDTA for tumoral calcinosis (RCO230)')
    .exitOverride()
    // Every error line starts "pdta:", commander's own ("error: unknown option") included.
    .configureOutput({ writeOut: io.out, writeErr: io.err, outputError: (text, write) => write(text.replace(/^error: /, 'pdta: ')) });

  program
    .command('ask')
    .description('answer one message in a fresh conversation')
    .addOption(new Option('--lang <lang>', 'answer language (default: the language of the message)').choices(LANGS))
    .option('--json', 'print the reply model as one JSON object')
    .argument('<message...>', 'the message, as a clinician would type it')
    .action(async (words: string[], opts: { lang?: 'it' | 'en'; json?: boolean }) => {
      const message = words.join(' ');
      if (message.trim() === '') throw new UsageError('the message is empty: pdta ask "<message>"');
      const { openAssistant } = await import('./engine/openAssistant.js');
      const { answerMessage } = await import('./engine/oneMessage.js');
      const { renderPlainText } = await import('./reply/plainText.js');
      // As a conversation's first turn would answer it: two questions both, a premise corrected first.
      const reply = answerMessage(await openAssistant(), message, opts.lang ? { lang: opts.lang } : {});
      const { terminalWidth, wrapForTerminal } = await import('./channels/console/wrap.js');
      io.out(opts.json ? JSON.stringify(reply) + '\n' : wrapForTerminal(renderPlainText(reply), terminalWidth(process.stdout)) + '\n');
    });

  program
    .command('chat')
    .description('one conversation: from a pipe each line is a message; at a terminal, a prompt')
    .addOption(new Option('--lang <lang>', 'answer language (default: the language of each message)').choices(LANGS))
    .option('--json', 'print each reply as one JSON object per line')
    .option('--conversation <id>', 'store the conversation under this id (DATA_DIR or DATABASE_URL) and resume it in a later run')
    .action(async (opts: { lang?: 'it' | 'en'; json?: boolean; conversation?: string }) => {
      const { openAssistant } = await import('./engine/openAssistant.js');
      const { runChat } = await import('./channels/console/chat.js');
      const { memoryConversations, routerFor, storedConversations } = await import('./app/conversations.js');
      const { terminalWidth } = await import('./channels/console/wrap.js');
      const assistant = await openAssistant();
      const width = terminalWidth(process.stdout);
      const chat = {
        conversationId: opts.conversation ?? 'terminal',
        input: process.stdin,
        write: io.out,
        interactive: process.stdin.isTTY === true,
        json: opts.json === true,
        ...(opts.lang ? { lang: opts.lang } : {}),
        ...(width !== undefined ? { width } : {}),
      };
      if (opts.conversation === undefined) {
        await runChat({ ...chat, service: routerFor(memoryConversations(assistant)) });
        return;
      }
      if (!/^[\w.:-]{1,128}$/.test(opts.conversation)) throw new UsageError('--conversation takes letters, digits and . _ : - (at most 128)');
      const { loadConfig } = await import('./config.js');
      const { openStore } = await import('./store/database.js');
      const config = loadConfig();
      const store = await openStore(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : { dataDir: config.DATA_DIR });
      try {
        await runChat({ ...chat, service: routerFor(storedConversations(assistant, store, config.CONVERSATION_TTL_MINUTES * 60_000)) });
      } finally {
        await store.close();
      }
    });

  program
    .command('serve')
    .description('run the server: Slack, Teams, web playground, health and metrics (configured from the environment)')
    .action(async () => {
      const { serve, stopOnSignals } = await import('./server/serve.js');
      const served = await serve();
      io.out(`PDTA assistant listening on ${served.url} (open it in a browser for the playground)\n`);
      stopOnSignals(served);
      await new Promise(() => undefined);
    });

  const content = program.command('content').description('the PDTA content in content/');
  content
    .command('check')
    .description('validate content/ and print what it holds')
    .option('--dir <dir>', 'content directory (default: the package’s content/)')
    .action(async (opts: { dir?: string }) => {
      const { describeContent } = await import('./content/describe.js');
      const { loadContent } = await import('./content/load.js');
      io.out(describeContent(loadContent(opts.dir)) + '\n');
    });

  content
    .command('compile')
    .description('write dist/knowledge.json (validated content with prebuilt indexes) for fast start-up')
    .action(async () => {
      const { compileKnowledge } = await import('./nlu/compileKnowledge.js');
      io.out(`wrote ${compileKnowledge()}\n`);
    });

  content
    .command('review')
    .description('write content/REVIEW.md (the source problems, from cautions.yaml)')
    .action(async () => {
      const { loadContent, defaultContentDir } = await import('./content/load.js');
      const { renderReview } = await import('./content/review.js');
      const { writeFileSync } = await import('node:fs');
      const { join } = await import('node:path');
      const dir = defaultContentDir();
      writeFileSync(join(dir, 'REVIEW.md'), renderReview(loadContent(dir)));
      io.out(`wrote ${join(dir, 'REVIEW.md')}\n`);
    });

  content
    .command('schema')
    .description('write the JSON Schemas of content/*.yaml to content/schema/')
    .action(async () => {
      const { defaultContentDir } = await import('./content/load.js');
      const { contentJsonSchemas } = await import('./content/jsonSchema.js');
      const { mkdirSync, writeFileSync } = await import('node:fs');
      const { join } = await import('node:path');
      const dir = join(defaultContentDir(), 'schema');
      mkdirSync(dir, { recursive: true });
      for (const [name, text] of Object.entries(contentJsonSchemas())) writeFileSync(join(dir, name), text);
      io.out(`wrote ${dir}\n`);
    });

  const teams = program.command('teams').description('the Microsoft Teams app');
  teams
    .command('package')
    .description('write the Teams app package (.zip: manifest.json, icons) to upload in Teams or the Teams Developer Portal')
    .option('--app-id <id>', 'the bot’s Microsoft App ID (default: MicrosoftAppId)')
    .option('--out <file>', 'where to write the package', 'pdta-teams-app.zip')
    .option('--domain <host>', 'host of the messaging endpoint https://<host>/api/messages, listed in validDomains')
    .option('--app-version <x.y.z>', 'the app version; each update uploaded to Teams must raise it (default: this package’s version)')
    .option('--developer-name <name>', 'the publisher Teams shows, at most 32 characters')
    .option('--website-url <https-url>', 'the publisher’s website, linked from the app’s details')
    .option('--privacy-url <https-url>', 'the privacy statement, linked from the app’s details')
    .option('--terms-url <https-url>', 'the terms of use, linked from the app’s details')
    .action(async (opts: { appId?: string; out: string; domain?: string; appVersion?: string; developerName?: string; websiteUrl?: string; privacyUrl?: string; termsUrl?: string }) => {
      const { GUID, placeholderUrls, writeAppPackage } = await import('./channels/teams/appPackage/build.js');
      // Read directly rather than through loadConfig(): packaging needs only this one value, and
      // must not fail over an unrelated setting of the server.
      const appId = (opts.appId ?? process.env['MicrosoftAppId'] ?? '').trim();
      if (appId === '') throw new UsageError('no app id: pass --app-id <Microsoft App ID> or set MicrosoftAppId');
      if (!GUID.test(appId)) throw new UsageError(`the Microsoft App ID must be a GUID, got "${appId}"`);
      try {
        const built = await writeAppPackage(opts.out, {
          appId,
          ...(opts.domain ? { domain: opts.domain } : {}),
          ...(opts.appVersion ? { version: opts.appVersion } : {}),
          ...(opts.developerName !== undefined ? { developerName: opts.developerName } : {}),
          ...(opts.websiteUrl ? { websiteUrl: opts.websiteUrl } : {}),
          ...(opts.privacyUrl ? { privacyUrl: opts.privacyUrl } : {}),
          ...(opts.termsUrl ? { termsOfUseUrl: opts.termsUrl } : {}),
        });
        io.out(`wrote ${opts.out} (${built.files.join(', ')}), version ${String(built.manifest['version'])}\n`);
        const placeholders = placeholderUrls(built.manifest);
        if (placeholders.length > 0) {
          io.err(`pdta: note: ${placeholders.join(', ')} still point at example.org; pass --website-url, --privacy-url and --terms-url before publishing to your tenant\n`);
        }
      } catch (error) {
        if (error instanceof RangeError) throw new UsageError(error.message);
        throw error;
      }
    });

  addFollowupCommands(program, io, (message) => new UsageError(message));

  return program;
}

export async function main(argv: string[]): Promise<number> {
  // A reader that stops early (`pdta chat | head`) is not an error of ours.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
  });
  const io = { out: (s: string) => void process.stdout.write(s), err: (s: string) => void process.stderr.write(s) };
  const program = buildProgram(io);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are successes; everything else commander rejects is bad usage.
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof UsageError) {
      io.err(`pdta: ${error.message}\n`);
      return 2;
    }
    if (isDataDirInUse(error)) {
      // Two processes on one PGlite directory would lose each other's writes (src/store/dataDirLock.ts).
      const hint =
        argv[0] === 'followup'
          ? '. With pdta serve running on PGlite, enrol and update in chat instead (Slack or Teams, docs/followup.md), or run both on one PostgreSQL (DATABASE_URL)'
          : '';
      io.err(`pdta: ${error.message}${hint}\n`);
      return 2;
    }
    if (error instanceof Error && (error.name === 'ContentError' || error.name === 'ConfigError')) {
      io.err(`pdta: ${error.message}\n`);
      return 2;
    }
    io.err(`pdta: internal error: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

/** The store's DATA_DIR_IN_USE, recognised without importing the store (the CLI loads it lazily). */
function isDataDirInUse(error: unknown): error is Error {
  return error instanceof Error && error.name === 'StoreError' && (error as { code?: unknown }).code === 'DATA_DIR_IN_USE';
}

function isEntryPoint(): boolean {
  const argv1 = process.argv[1];
  if (!argv1) return false;
  try {
    const self = fileURLToPath(import.meta.url);
    const entry = realpathSync(argv1);
    return entry === self || entry.endsWith('/bin/pdta.js') || entry.endsWith('/bin/pdta');
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    () => {
      process.exitCode = 1;
    },
  );
}
