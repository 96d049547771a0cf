/**
 * Narrowing Table I by the team's answers. A condition is excluded only when a feature the table
 * states for it contradicts an answer: a feature the table leaves unstated, or calls variable, never
 * excludes anything, because a mimic wrongly dropped from the list (a sarcoma above all) costs far
 * more than one left on it.
 */
import type { Condition, MassLocation, Tri } from '../content/schema.js';
import { DIFF_QUESTIONS, type DiffAnswers, type DiffQuestion, type LocationAnswer, type NegatedLocation, type YesNoUnknown } from '../../machines/context.js';

type TriFeature = 'chronicKidneyDisease' | 'connectiveTissueDisease' | 'boneErosion' | 'urate';

const TRI_FEATURE: Record<Exclude<DiffQuestion, 'location'>, TriFeature> = {
  ckd: 'chronicKidneyDisease',
  connective: 'connectiveTissueDisease',
  erosion: 'boneErosion',
  urate: 'urate',
};

/** How an answer meets a stated feature. */
export type Fit = 'matches' | 'not-excluded' | 'contradicts';

function triFit(stated: Tri, answer: YesNoUnknown): Fit {
  if (answer === 'unknown') return 'not-excluded';
  switch (stated) {
    case 'yes':
    case 'no':
      return stated === answer ? 'matches' : 'contradicts';
    case 'variable':
    case 'unstated':
      return 'not-excluded';
    default: {
      const never: never = stated;
      return never;
    }
  }
}

/**
 * Table I places some conditions in tissue it names only broadly: "soft tissue" takes in every site
 * the dialogue asks about, and "muscles, fascial planes and subcutaneous tissue" (calcinosis
 * universalis) takes in muscle and subcutis. Such a condition stays on the list for those sites.
 */
function locationFit(stated: readonly MassLocation[], answer: LocationAnswer | NegatedLocation | 'unknown'): Fit {
  if (answer === 'unknown') return 'not-excluded';
  // "Not in a tendon" says less than a site: it excludes only a condition Table I places at that
  // site and nowhere else (calcific tendinitis), never one it places there among others.
  if (answer.startsWith('not-')) {
    const not = answer.slice('not-'.length);
    return stated.length > 0 && stated.every((place) => place === not) ? 'contradicts' : 'not-excluded';
  }
  let best: Fit = 'contradicts';
  for (const place of stated) {
    if (place === answer) return 'matches';
    if (place === 'muscle-fascia-subcutaneous' && (answer === 'muscle' || answer === 'skin-subcutaneous')) return 'matches';
    if (place === 'unstated' || place === 'soft-tissue') best = 'not-excluded';
  }
  return best;
}

export function fit(condition: Condition, question: DiffQuestion, answers: DiffAnswers): Fit | null {
  if (question === 'location') {
    const answer = answers.location;
    return answer === null ? null : locationFit(condition.features.location, answer);
  }
  const answer = answers[question];
  return answer === null ? null : triFit(condition.features[TRI_FEATURE[question]], answer);
}

export interface Verdict {
  condition: Condition;
  /** The first answer that contradicts a stated feature, if any. */
  excludedBy: DiffQuestion | null;
  /** Answers that meet a feature the table states. */
  matches: DiffQuestion[];
}

export function verdict(condition: Condition, answers: DiffAnswers): Verdict {
  let excludedBy: DiffQuestion | null = null;
  const matches: DiffQuestion[] = [];
  for (const q of DIFF_QUESTIONS) {
    const f = fit(condition, q, answers);
    if (f === 'contradicts' && excludedBy === null) excludedBy = q;
    if (f === 'matches') matches.push(q);
  }
  return { condition, excludedBy, matches };
}

/**
 * How strongly the answers point at a condition: a feature present in both the table and the
 * patient (a site, a "yes") says more than one absent in both (no erosion), which many conditions share.
 */
function strength(v: Verdict, answers: DiffAnswers): number {
  return v.matches.reduce((sum, q) => sum + (answers[q] === 'no' ? 1 : 2), 0);
}

/** Conditions not excluded, the best-matched first, then in Table I's order. */
export function remaining(conditions: readonly Condition[], answers: DiffAnswers): Verdict[] {
  return conditions
    .map((c, index) => ({ v: verdict(c, answers), index }))
    .filter(({ v }) => v.excludedBy === null)
    .sort((a, b) => strength(b.v, answers) - strength(a.v, answers) || a.index - b.index)
    .map(({ v }) => v);
}

export function excluded(conditions: readonly Condition[], answers: DiffAnswers): Verdict[] {
  return conditions.map((c) => verdict(c, answers)).filter((v) => v.excludedBy !== null);
}

const ANSWERS: { [Q in DiffQuestion]: ReadonlyArray<NonNullable<DiffAnswers[Q]>> } = {
  ckd: ['yes', 'no'],
  connective: ['yes', 'no'],
  location: ['periarticular', 'tendon', 'muscle', 'synovium', 'skin-subcutaneous'],
  erosion: ['yes', 'no'],
  urate: ['yes', 'no'],
};

/** True when no answer to `question` could exclude any condition still on the list: asking would waste the team's time. */
export function uninformative(conditions: readonly Condition[], answers: DiffAnswers, question: DiffQuestion): boolean {
  const left = remaining(conditions, answers).map((v) => v.condition);
  return ANSWERS[question].every((value) => {
    const hypothetical = { ...answers, [question]: value } as DiffAnswers;
    return left.every((c) => fit(c, question, hypothetical) !== 'contradicts');
  });
}
