import { describe, expect, it } from 'vitest';
import { CsvError, formatCsv, parseCsv } from '../../src/followup/csv.js';
import { CSV_COLUMNS } from '../../src/followup/service.js';

/** What a coordinator's file comes back as: the header, then each record with the line it starts on. */
function read(text: string): { header: string[]; rows: Array<[number, string[]]> } {
  const table = parseCsv(text, CSV_COLUMNS);
  return { header: table.header, rows: table.records.map((r) => [r.line, r.cells]) };
}

function refusal(text: string): CsvError {
  try {
    parseCsv(text, CSV_COLUMNS);
  } catch (error) {
    if (error instanceof CsvError) return error;
    throw error;
  }
  throw new Error('expected a CsvError');
}

describe('the registry CSV reader', () => {
  it('reads the header trimmed and in lower case, and each record with its line', () => {
    expect(read(' Code , LAST_EXAMS\nTC-0001,2026-03-01\nTC-0002,2026-03-02\n')).toEqual({
      header: ['code', 'last_exams'],
      rows: [
        [2, ['TC-0001', '2026-03-01']],
        [3, ['TC-0002', '2026-03-02']],
      ],
    });
  });

  it('reads the semicolons an Italian spreadsheet writes, and then a comma is part of a cell', () => {
    expect(read('code;last_exams;note\nTC-0001;2026-03-01;dose 1,5 mg\n').rows).toEqual([[2, ['TC-0001', '2026-03-01', 'dose 1,5 mg']]]);
  });

  it('ignores the byte-order mark Excel puts before the header', () => {
    expect(read('\uFEFFcode,last_exams\nTC-0001,2026-03-01\n').header).toEqual(['code', 'last_exams']);
  });

  it('reads quoted fields, doubled quotes, a delimiter inside quotes and a quote inside an unquoted cell', () => {
    expect(read('code,note\n"TC-0001","he said ""twice"", then left"\nTC-0002,6" tube\n').rows).toEqual([
      [2, ['TC-0001', 'he said "twice", then left']],
      [3, ['TC-0002', '6" tube']],
    ]);
  });

  it('reads CRLF, LF and old Mac CR line ends alike', () => {
    for (const eol of ['\r\n', '\n', '\r']) {
      expect(read(['code,last_exams', 'TC-0001,2026-03-01', 'TC-0002,2026-03-02', ''].join(eol)).rows).toEqual([
        [2, ['TC-0001', '2026-03-01']],
        [3, ['TC-0002', '2026-03-02']],
      ]);
    }
  });

  it('counts the lines a quoted cell spans, so the line reported is the one the coordinator sees in the editor', () => {
    const rows = read('code,note\r\nTC-0001,"first\r\nsecond"\r\nTC-0002,x\nTC-0003,"a\n\nb"\nTC-0004,y\n').rows;
    expect(rows.map(([line, cells]) => [line, cells[0]])).toEqual([
      [2, 'TC-0001'],
      [4, 'TC-0002'],
      [5, 'TC-0003'],
      [8, 'TC-0004'],
    ]);
    expect(rows[2]?.[1][1]).toBe('a\n\nb');
  });

  it('skips blank lines and lines of empty cells, and keeps counting them', () => {
    expect(read('code,last_exams\n\nTC-0001,2026-03-01\n , \n,,\r\nTC-0002,2026-03-02').rows).toEqual([
      [3, ['TC-0001', '2026-03-01']],
      [6, ['TC-0002', '2026-03-02']],
    ]);
  });

  it('keeps records shorter or longer than the header, for the importer to judge', () => {
    expect(read('code,last_exams,therapy\nTC-0001,2026-03-01\nTC-0002,2026-03-02,,extra\n').rows).toEqual([
      [2, ['TC-0001', '2026-03-01']],
      [3, ['TC-0002', '2026-03-02', '', 'extra']],
    ]);
  });

  it('refuses a quoted field never closed, naming the line it opens on, in both languages', () => {
    const error = refusal('code,note\nTC-0001,ok\nTC-0002,"never closed\nTC-0003,x\n');
    expect(error.messages.en).toBe('line 3: a quoted field is never closed');
    expect(error.messages.it).toBe('riga 3: un campo tra virgolette non viene mai chiuso');
  });

  it('refuses an empty file, saying what header it expects', () => {
    for (const empty of ['', '\uFEFF', '\n\n', ' , \n']) {
      expect(refusal(empty).messages.en).toBe('the file is empty: expected a header line (code,last_exams,therapy,therapy_last_given,therapy_since)');
    }
  });

  it('writes what it reads back: quotes around delimiters, quotes, line breaks and edge spaces only', () => {
    const rows = [
      ['TC-0001', 'a,b', 'say "hi"'],
      ['TC-0002', 'one;two', ' padded '],
      ['TC-0003', 'line\nbreak', 'plain'],
    ];
    const text = formatCsv(['code', 'x', 'y'], rows);
    expect(text.split('\n')[1]).toBe('TC-0001,"a,b","say ""hi"""');
    expect(read(text).rows.map(([, cells]) => cells)).toEqual(rows);
  });
});
