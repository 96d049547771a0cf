/**
 * What the follow-up registry's feature and the channels agree on: the actions its buttons carry
 * and the enrolment form's fields and wording, which Slack draws as a modal and Teams as a card.
 * The registry's rules stay in src/followup; a channel reaches them through the router and the
 * FollowupForms port (ports.ts).
 */

/** Every follow-up button's value (and Slack action_id) starts with it: "pdta:followup:done:42". */
export const FOLLOWUP_BUTTON_PREFIX = 'pdta:followup:';

export function isFollowupButtonValue(value: string): boolean {
  return value.startsWith(FOLLOWUP_BUTTON_PREFIX);
}

/** A submitted enrolment form's values, as both forms send them (dates as YYYY-MM-DD). */
export interface EnrolmentFields {
  code: string;
  lastExams: string;
  /** A therapy id, or NO_THERAPY_VALUE. */
  therapy: string;
  therapyLastGiven: string | null;
  therapySince: string | null;
}

export const FORM_TEXT = {
  it: {
    title: 'Iscrivi paziente',
    submit: 'Iscrivi',
    cancel: 'Annulla',
    close: 'Chiudi',
    intro: 'Solo il codice pseudonimo del paziente: mai nome, cognome o codice fiscale.',
    code: 'Codice paziente (pseudonimo)',
    codePlaceholder: 'es. TC-0042',
    lastExams: 'Data degli ultimi esami',
    therapy: 'Terapia in corso',
    noTherapy: 'Nessuna terapia con intervallo',
    therapyLastGiven: 'Ultima somministrazione',
    therapyLastGivenHint: 'Obbligatoria se è indicata una terapia: la prossima si conta da questa data.',
    therapySince: 'Terapia in corso dal',
    therapySinceHint: 'Facoltativo, solo per informazione.',
    done: 'Iscrizione registrata',
  },
  en: {
    title: 'Enrol a patient',
    submit: 'Enrol',
    cancel: 'Cancel',
    close: 'Close',
    intro: 'The patient’s pseudonymous code only: never a name or a codice fiscale.',
    code: 'Patient code (pseudonymous)',
    codePlaceholder: 'e.g. TC-0042',
    lastExams: 'Date of the last exams',
    therapy: 'Current therapy',
    noTherapy: 'No therapy with an interval',
    therapyLastGiven: 'Last administration',
    therapyLastGivenHint: 'Required when a therapy is chosen: the next one counts from this date.',
    therapySince: 'On the therapy since',
    therapySinceHint: 'Optional, for information only.',
    done: 'Enrolment recorded',
  },
} as const;

/** The value of the form's "no therapy" choice (enrolment.ts reads "none" as no therapy). */
export const NO_THERAPY_VALUE = 'none';

/** The form fields, as both forms name them; they match Problem['field'] so errors land on the right one. */
export type FormField = 'code' | 'last_exams' | 'therapy' | 'therapy_last_given' | 'therapy_since';
export const FORM_FIELDS: readonly FormField[] = ['code', 'last_exams', 'therapy', 'therapy_last_given', 'therapy_since'];
