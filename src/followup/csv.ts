/**
 * CSV in and out for the registry, read by csv-parse (RFC 4180: quoted fields, doubled quotes, a
 * line break inside quotes). The delimiter is read off the header: a comma, or the semicolon an
 * Italian spreadsheet writes. Line numbers are the file's own (a quoted field spanning lines counts
 * them), so a report's "line 7" is the line the coordinator sees in their editor.
 */
import { parse, CsvError as ParseError } from 'csv-parse/sync';
import type { Localized } from '../content/schema.js';

export interface CsvRecord {
  /** 1-based line of the file where the record starts. */
  line: number;
  cells: string[];
}

export interface CsvTable {
  header: string[];
  records: CsvRecord[];
}

export class CsvError extends Error {
  override readonly name = 'CsvError';
  constructor(readonly messages: Localized) {
    super(messages.en);
  }
}

function detectDelimiter(text: string): ',' | ';' {
  const firstLine = text.split('\n', 1)[0] ?? '';
  const commas = (firstLine.match(/,/g) ?? []).length;
  const semicolons = (firstLine.match(/;/g) ?? []).length;
  return semicolons > commas ? ';' : ',';
}

/** `columns` is the header the importer expects, named when the file has none. */
export function parseCsv(input: string, columns: readonly string[]): CsvTable {
  // csv-parse counts a CRLF inside quotes as two lines; with one kind of line end its count is the
  // editor's. A line end inside a quoted cell becomes LF, which no registry field accepts anyway.
  const text = input.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const records: CsvRecord[] = [];
  // Empty lines are parsed, not skipped, so that each record starts on the line after the last one
  // ended: the only way to know where a record spanning lines starts.
  let ended = 0;
  try {
    parse(text, {
      delimiter: detectDelimiter(text),
      record_delimiter: '\n',
      trim: true,
      relax_quotes: true,
      relax_column_count: true,
      on_record: (cells: string[], { lines }) => {
        if (cells.some((c) => c.trim() !== '')) records.push({ line: ended + 1, cells });
        ended = lines;
        return null;
      },
    });
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    const line = ended + 1;
    throw new CsvError(
      error.code === 'CSV_QUOTE_NOT_CLOSED'
        ? { it: `riga ${line}: un campo tra virgolette non viene mai chiuso`, en: `line ${line}: a quoted field is never closed` }
        : { it: `riga ${line}: CSV non leggibile (${error.message})`, en: `line ${line}: unreadable CSV (${error.message})` },
    );
  }
  const [head, ...rest] = records;
  if (head === undefined) {
    throw new CsvError({
      it: `il file è vuoto: attesa una riga di intestazione (${columns.join(',')})`,
      en: `the file is empty: expected a header line (${columns.join(',')})`,
    });
  }
  return { header: head.cells.map((h) => h.trim().toLowerCase()), records: rest };
}

function quote(value: string): string {
  return /[",;\r\n]/.test(value) || value !== value.trim() ? `"${value.replaceAll('"', '""')}"` : value;
}

export function formatCsv(header: readonly string[], rows: ReadonlyArray<ReadonlyArray<string>>): string {
  return [header, ...rows].map((r) => r.map(quote).join(',')).join('\n') + '\n';
}
