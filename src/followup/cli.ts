/**
 * `pdta followup …`: the registry from the command line (import a CSV, list, export, what is due).
 * The CLI acts as "cli" in the audit trail and counts as a coordinator: whoever runs it holds the
 * server's data directory or database credentials already.
 * Heavy modules are imported inside the actions, so that registering the commands costs
 * `pdta ask` nothing at start-up.
 */
import { Option, type Command } from 'commander';
import type { Lang } from '../reply/model.js';
import type { FollowupAction } from '../store/followupRegistry.js';
import type { FollowupService, ImportLine, ImportReport } from './service.js';

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

const CLI_ACTOR = 'cli';

const AUDIT_ACTIONS: Record<FollowupAction, Record<Lang, string>> = {
  enrol: { it: 'iscrizione', en: 'enrol' },
  update: { it: 'modifica', en: 'update' },
  booked: { it: 'prenotato', en: 'booked' },
  done: { it: 'fatto', en: 'done' },
  snooze: { it: 'rimandato', en: 'snooze' },
  not_applicable: { it: 'non applicabile', en: 'not applicable' },
  scheduled: { it: 'programmato', en: 'scheduled' },
  superseded: { it: 'sostituito', en: 'superseded' },
};

async function withService<T>(work: (service: FollowupService, lang: Lang) => Promise<T>, lang?: Lang): Promise<T> {
  const { loadConfig } = await import('../config.js');
  const { openStore } = await import('../store/database.js');
  const { readCompiledKnowledge } = await import('../content/compiled.js');
  const { FollowupService } = await import('./service.js');
  const { pseudonymFormatFromConfig, scheduleSettingsFromConfig } = await import('./settings.js');
  const config = loadConfig();
  const content = readCompiledKnowledge()?.content ?? (await import('../content/load.js')).loadContent();
  const store = await openStore(config.DATABASE_URL ? { databaseUrl: config.DATABASE_URL } : { dataDir: config.DATA_DIR });
  try {
    const settings = scheduleSettingsFromConfig(config);
    const service = new FollowupService({ db: store.db, content, isCoordinator: () => true, settings, codeFormat: pseudonymFormatFromConfig(config) });
    return await work(service, lang ?? settings.lang);
  } finally {
    await store.close();
  }
}

function describeLine(line: ImportLine, lang: Lang): string {
  const where = `${lang === 'it' ? 'riga' : 'line'} ${line.line}`;
  const outcome: Record<ImportLine['outcome'], Record<Lang, string>> = {
    added: { it: 'da aggiungere', en: 'added' },
    changed: { it: 'da modificare', en: 'changed' },
    unchanged: { it: 'invariato', en: 'unchanged' },
    refused: { it: 'rifiutato', en: 'refused' },
  };
  const parts = [where, line.code ?? '-', outcome[line.outcome][lang]];
  if (line.changes) {
    parts.push(Object.entries(line.changes).map(([field, c]) => `${field} ${c.from ?? '∅'} → ${c.to ?? '∅'}`).join(', '));
  }
  if (line.assumed) parts.push(line.assumed.map((a) => a[lang]).join('; '));
  if (line.problems) parts.push(line.problems.map((p) => p.message[lang]).join('; '));
  return parts.join('\t');
}

function describeReport(report: ImportReport, lang: Lang): string {
  const lines = report.lines.map((l) => describeLine(l, lang));
  const c = report.counts;
  const summary =
    lang === 'it'
      ? `${c.added} da aggiungere, ${c.changed} da modificare, ${c.unchanged} invariati, ${c.refused} rifiutati`
      : `${c.added} to add, ${c.changed} to change, ${c.unchanged} unchanged, ${c.refused} refused`;
  const mode = report.dryRun
    ? lang === 'it'
      ? 'prova (--dry-run): nulla è stato scritto'
      : 'dry run: nothing written'
    : report.written
      ? lang === 'it'
        ? 'scritto'
        : 'written'
      : lang === 'it'
        ? 'nulla da scrivere'
        : 'nothing to write';
  const ignored =
    report.ignoredColumns.length > 0 ? [`${lang === 'it' ? 'colonne ignorate' : 'columns ignored'}: ${report.ignoredColumns.join(', ')}`] : [];
  const assumedCount = report.lines.filter((l) => l.assumed !== undefined && l.outcome !== 'refused').length;
  const assumed =
    assumedCount > 0
      ? [
          lang === 'it'
            ? `${assumedCount} righe con therapy_since letto come ultima somministrazione: la prossima si conta da lì, e se è già passata risulta scaduta`
            : `${assumedCount} line(s) with therapy_since read as the last administration: the next counts from it, and is overdue if already past`,
        ]
      : [];
  return [...lines, ...ignored, ...assumed, `${summary} (${mode})`].join('\n') + '\n';
}

/** Adds `followup import|list|export|upcoming|audit` to the program. */
export function addFollowupCommands(program: Command, io: Io, usageError: (message: string) => Error): void {
  const langOption = () => new Option('--lang <lang>', 'language of the report (default: REMINDER_LANG)').choices(['it', 'en']);
  const followup = program.command('followup').description('follow-up registry: pseudonymous patients, their due exams and therapies');

  /** Input problems leave with exit code 2 and the reason, as the CLI contract says. */
  async function run<T>(work: () => Promise<T>): Promise<T> {
    const { FollowupError } = await import('./errors.js');
    try {
      return await work();
    } catch (error) {
      if (error instanceof FollowupError) throw usageError(error.messages.en);
      throw error;
    }
  }

  followup
    .command('import')
    .description('enrol or update patients from a CSV (code,last_exams,therapy,therapy_last_given,therapy_since); reports every line')
    .argument('<file>', 'the CSV file (comma or semicolon separated, dates as 2026-03-01 or 01/03/2026)')
    .option('--dry-run', 'report what would be added, changed or refused, without writing')
    .option(
      '--since-is-last-given',
      'a file without therapy_last_given: read therapy_since as the last administration (each such line says so); without this flag those lines are refused',
    )
    .option('--json', 'print the report as JSON')
    .addOption(langOption())
    .action(async (file: string, opts: { dryRun?: boolean; sinceIsLastGiven?: boolean; json?: boolean; lang?: Lang }) => {
      const { readFile } = await import('node:fs/promises');
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        throw usageError(`cannot read ${file}: ${(error as Error).message}`);
      }
      const report = await run(() =>
        withService((service, lang) => service.importCsv(CLI_ACTOR, text, { dryRun: opts.dryRun === true, sinceIsLastGiven: opts.sinceIsLastGiven === true }).then((r) => ({ r, lang })), opts.lang),
      );
      io.out(opts.json ? JSON.stringify(report.r) + '\n' : describeReport(report.r, report.lang));
      const refused = report.r.counts.refused;
      if (refused > 0) {
        throw usageError(report.lang === 'it' ? `${refused} righe rifiutate: correggile e importa di nuovo` : `${refused} line(s) refused; fix them and import again`);
      }
    });

  followup
    .command('list')
    .description('every enrolled patient with their open and booked follow-ups')
    .option('--code <code>', 'one patient')
    .option('--json', 'print JSON')
    .addOption(langOption())
    .action(async (opts: { code?: string; json?: boolean; lang?: Lang }) => {
      const { patients, lang } = await run(() =>
        withService(async (service, lang) => ({ patients: await service.list(opts.code ? { code: opts.code } : {}), lang }), opts.lang),
      );
      if (opts.json) {
        io.out(JSON.stringify(patients) + '\n');
        return;
      }
      for (const p of patients) {
        const therapy = p.therapy
          ? [
              p.therapy.name[lang],
              ...(p.therapy.lastGivenOn ? [`${lang === 'it' ? 'ultima' : 'last given'} ${p.therapy.lastGivenOn}`] : []),
              ...(p.therapy.since ? [`${lang === 'it' ? 'dal' : 'since'} ${p.therapy.since}`] : []),
            ].join(' ')
          : '-';
        io.out(`${p.code}\t${lang === 'it' ? 'esami' : 'exams'} ${p.lastExamsOn}\t${therapy}\n`);
        for (const note of p.notes) io.out(`  ! ${note[lang]}\n`);
        for (const i of p.items) io.out(`  #${i.id}\t${i.dueOn}\t${i.status}\t${i.name[lang]}\n`);
      }
      if (patients.length === 0) io.out(lang === 'it' ? 'nessun paziente iscritto\n' : 'no patients enrolled\n');
    });

  followup
    .command('export')
    .description('the registry as CSV (importable again) or JSON')
    .addOption(new Option('--format <format>', 'output format').choices(['csv', 'json']).default('csv'))
    .action(async (opts: { format: 'csv' | 'json' }) => {
      const text = await run(() =>
        withService(async (service) => (opts.format === 'json' ? JSON.stringify(await service.list(), null, 2) + '\n' : service.exportCsv())),
      );
      io.out(text);
    });

  followup
    .command('upcoming')
    .description('open and booked follow-ups due within the next days, overdue ones first')
    .option('--days <n>', 'how many days ahead', '30')
    .option('--json', 'print JSON')
    .addOption(langOption())
    .action(async (opts: { days: string; json?: boolean; lang?: Lang }) => {
      const days = Number(opts.days);
      if (!Number.isInteger(days) || days < 0) throw usageError('--days takes a whole number of days');
      const { items, lang } = await run(() => withService(async (service, lang) => ({ items: await service.upcoming(days), lang }), opts.lang));
      if (opts.json) {
        io.out(JSON.stringify(items) + '\n');
        return;
      }
      for (const i of items) io.out(`${i.dueOn}\t${i.patientCode}\t#${i.id}\t${i.status}\t${i.name[lang]}\n`);
      if (items.length === 0) io.out(lang === 'it' ? `nulla in scadenza nei prossimi ${days} giorni, nulla di scaduto\n` : `nothing due in the next ${days} days, nothing overdue\n`);
    });

  followup
    .command('audit')
    .description('the audit trail of registry changes, most recent first')
    .option('--code <code>', 'one patient')
    .option('--limit <n>', 'how many entries', '100')
    .option('--json', 'print JSON')
    .addOption(langOption())
    .action(async (opts: { code?: string; limit: string; json?: boolean; lang?: Lang }) => {
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw usageError('--limit takes 1 to 10000');
      const { entries, lang } = await run(() =>
        withService(async (service, lang) => ({ entries: await service.audit({ limit, ...(opts.code ? { code: opts.code.toUpperCase() } : {}) }), lang }), opts.lang),
      );
      if (opts.json) {
        io.out(JSON.stringify(entries) + '\n');
        return;
      }
      // Like list and upcoming: one line each, tab-separated (when, who, what, patient, item, changes).
      for (const e of entries) {
        const changes = Object.entries(e.changes)
          .map(([field, c]) => `${field} ${c.from ?? '∅'} → ${c.to ?? '∅'}`)
          .join(', ');
        io.out(`${e.at.toISOString()}\t${e.actor}\t${AUDIT_ACTIONS[e.action][lang]}\t${e.patientCode}\t${e.itemId ? `#${e.itemId}` : '-'}\t${changes}\n`);
      }
      if (entries.length === 0) io.out(lang === 'it' ? 'nessuna modifica registrata\n' : 'no changes recorded\n');
    });
}
