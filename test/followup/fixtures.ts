/**
 * What the follow-up tests share: the real content (schedules come from it, not from the tests),
 * a clock the test moves, a coordinator list, and a silent logger.
 */
import { pino } from 'pino';
import type { Kysely } from 'kysely';
import { loadContent } from '../../src/content/load.js';
import type { Content } from '../../src/content/schema.js';
import { zonedInstant } from '../../src/followup/dates.js';
import type { ItemReminderPayload } from '../../src/followup/message.js';
import { FollowupService } from '../../src/followup/service.js';
import type { ScheduleSettings } from '../../src/followup/schedule.js';
import type { Logger } from '../../src/logging.js';
import type { Database } from '../../src/store/schema.js';

let cached: Content | undefined;
export function content(): Content {
  cached ??= loadContent();
  return cached;
}

/** A clock that stands still until moved; starts at 10:00 Europe/Rome on `day`. */
export class TestClock {
  private t: number;
  constructor(day: string, hour = 10) {
    this.t = zonedInstant(day, hour).getTime();
  }
  readonly now = (): Date => new Date(this.t);
  set(instant: Date): void {
    this.t = instant.getTime();
  }
  /** Moves to `hour`:00 Europe/Rome on `day`. */
  at(day: string, hour = 10): void {
    this.t = zonedInstant(day, hour).getTime();
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export const COORDINATOR = 'U0COORD01';
export const OTHER_COORDINATOR = 'U0COORD02';
export const DOCTOR = 'U0DOCTOR9';

export const isCoordinator = (userRef: string): boolean => userRef === COORDINATOR || userRef === OTHER_COORDINATOR || userRef === 'cli';

export function quietLogger(): Logger {
  return pino({ level: 'silent' });
}

export function makeService(db: Kysely<Database>, clock: TestClock, settings: Partial<ScheduleSettings> = {}): FollowupService {
  return new FollowupService({ db, content: content(), clock: clock.now, isCoordinator, settings });
}

/** A well-formed reminder payload for outbox rows the tests insert directly. */
export function samplePayload(n: number, day = '2026-03-02'): ItemReminderPayload {
  return {
    kind: 'due',
    lang: 'it',
    itemId: String(n),
    patientCode: `TC-${String(n).padStart(5, '0')}`,
    ruleId: 'followup.phosphate-metabolism',
    ruleKind: 'exam',
    ruleName: { it: 'Valutazione del metabolismo del fosfato', en: 'Assessment of phosphate metabolism' },
    intervalText: { it: 'Ogni 6 mesi', en: 'Every 6 months' },
    source: {
      section: '6',
      chapter: { it: 'Controlli/monitoraggio', en: 'Follow-up/monitoring' },
      heading: { it: 'Esami/visite da proporre durante il follow-up', en: 'Exams and visits during follow-up' },
    },
    dueOn: '2026-03-09',
    day,
    status: 'open',
    bookedOn: null,
    contentVersion: 'test',
  };
}
