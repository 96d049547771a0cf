/**
 * Every migration, by name. A static list rather than a folder scan: the build output and the
 * test runner see the same modules, and a bundled or packed install cannot lose one.
 * Names sort in the order they run; add new ones at the end, never rename an applied one.
 */
import type { Migration } from 'kysely';
import * as initial from './001_initial.js';
import * as followup from './003_followup.js';
import * as followupLastGiven from './004_followup_last_given.js';
import * as followupCodeFormat from './005_followup_code_format.js';

export const migrations: Readonly<Record<string, Migration>> = {
  '001_initial': initial,
  '003_followup': followup,
  '004_followup_last_given': followupLastGiven,
  '005_followup_code_format': followupCodeFormat,
};
