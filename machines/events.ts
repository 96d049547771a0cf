/**
 * What a turn tells the conversation machine. The turn reads the message (src/nlu/dialogue.ts,
 * src/engine/interpret.ts) and sends exactly one of these; the machine never sees raw text except
 * the lookup's, which it does not keep.
 */
import type { DiffAnswerValues, FindingValues, Population, TmpValues, Weight } from './context.js';

export type NotUnderstoodReason =
  /** Nothing in the message fits the question, and it is not a question about the PDTA either. */
  | 'unclear'
  /** A button from a dialogue that has ended. */
  | 'stale-button'
  /** "4" typed when the last reply had three buttons. */
  | 'no-such-button'
  /** A bare number that could be a button or a weight in kg: asking costs less than a wrong dose. */
  | 'ambiguous-number'
  /** An answer the question does not offer (e.g. "low" phosphate, "yes" to "where is the mass?"). */
  | 'not-an-option'
  /** A phosphate value typed where the walkthrough records high or normal. */
  | 'phosphate-value'
  /** A negated answer that does not say what is ("not high": normal or low?): the choices are asked back. */
  | 'ambiguous-negation';

export type ConversationEvent =
  /** A free question, answered by the stateless assistant; ends any dialogue. */
  | { type: 'LOOKUP'; text: string }
  | { type: 'MENU' }
  | { type: 'HELP' }
  | { type: 'EXIT' }
  | { type: 'REPEAT' }
  | { type: 'NOT_UNDERSTOOD'; reason: NotUnderstoodReason; text: string }
  /** Starts the dosing dialogue with whatever slots the message already gave. */
  | { type: 'DOSE'; drug: string | null; population: Population | null; weight: Weight | null }
  /** Fills slots of the running dosing dialogue. */
  | { type: 'SLOT'; drug?: string; population?: Population; weight?: Weight }
  /** Starts the walkthrough, or resumes it where the team left it. */
  | { type: 'WALKTHROUGH' }
  | { type: 'NEXT' }
  | { type: 'BACK' }
  | { type: 'GOTO'; step: 1 | 2 | 3 }
  | { type: 'SUMMARY' }
  | { type: 'RESTART' }
  | { type: 'RECORD'; findings: Partial<FindingValues> }
  /** "Don't know": the pending question is passed over. */
  | { type: 'SKIP' }
  | { type: 'DIFFERENTIAL' }
  /** Starts the TmP/GFR calculator with the values the message gave; `resume` keeps those given before a digression. */
  | { type: 'TMP'; values: Partial<TmpValues>; resume: boolean }
  /** Adds or corrects values of the running calculator. */
  | { type: 'TMP_VALUES'; values: Partial<TmpValues> }
  | { type: 'ANSWER'; answers: Partial<DiffAnswerValues> };

export type ConversationEventType = ConversationEvent['type'];
