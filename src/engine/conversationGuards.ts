/**
 * The conversation machine's content-aware guards, given to it with `provide()`: which questions
 * the dosing dialogue must ask for a drug, and how far Table I has narrowed.
 */
import type { Catalog } from '../content/catalog.js';
import type { PopulationDose, Therapy } from '../content/schema.js';
import type { ConversationContext, DiffQuestion, DoseSlots } from '../../machines/context.js';
import { remaining, uninformative } from './differential.js';
import { checkWeight } from './weight.js';

export function hasAnyDose(therapy: Therapy | null): boolean {
  return therapy !== null && !(therapy.adult.kind === 'no-dose' && therapy.paediatric.kind === 'no-dose');
}

export function rowFor(therapy: Therapy, population: 'adult' | 'paediatric'): PopulationDose {
  return population === 'adult' ? therapy.adult : therapy.paediatric;
}

/** A weight a per-kg dose can be computed from; anything else is asked again. */
export function weightAccepted(slots: DoseSlots): boolean {
  if (slots.weight === null || slots.population === null) return false;
  return checkWeight(slots.weight.value, slots.weight.unit, slots.population).ok;
}

/** The therapy a dialogue can dose: one row of the table (a class such as "bisphosphonates", content's `memberOf`, is answered as a lookup). */
export function dialogueTherapy(catalog: Catalog, id: string | null): Therapy | undefined {
  if (id === null || catalog.isTherapyClass(id)) return undefined;
  return catalog.therapy(id);
}

export function contentGuards(catalog: Catalog) {
  const conditions = catalog.content.conditions;
  return {
    noDrug: ({ context }: { context: ConversationContext }) => dialogueTherapy(catalog, context.dose.drug) === undefined,
    populationMissing: ({ context }: { context: ConversationContext }) => {
      const therapy = dialogueTherapy(catalog, context.dose.drug);
      return therapy !== undefined && hasAnyDose(therapy) && context.dose.population === null;
    },
    weightMissing: ({ context }: { context: ConversationContext }) => {
      const therapy = dialogueTherapy(catalog, context.dose.drug);
      if (!therapy || context.dose.population === null) return false;
      return rowFor(therapy, context.dose.population).kind === 'per-kg' && !weightAccepted(context.dose);
    },
    diffSettled: ({ context }: { context: ConversationContext }) => remaining(conditions, context.diff).length <= 1,
    diffUninformative: ({ context }: { context: ConversationContext }, params: { question: DiffQuestion }) =>
      uninformative(conditions, context.diff, params.question),
  };
}
