/**
 * A tiny walkthrough in the shape of the real ones: a step, a weight question whose answer lands
 * in context, and a final step. Enough to prove that a persisted snapshot survives the store.
 */
import { assign, setup } from 'xstate';

export const walkthroughMachine = setup({
  types: {
    context: {} as { weightKg: number | null },
    events: {} as { type: 'NEXT' } | { type: 'WEIGHT'; kg: number },
  },
}).createMachine({
  id: 'walkthrough',
  initial: 'diagnosis',
  context: { weightKg: null },
  states: {
    diagnosis: { on: { NEXT: 'dosing' } },
    dosing: {
      on: {
        WEIGHT: { actions: assign({ weightKg: ({ event }) => event.kg }) },
        NEXT: 'followUp',
      },
    },
    followUp: { type: 'final' },
  },
});
