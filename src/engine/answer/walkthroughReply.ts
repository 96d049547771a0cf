/**
 * The guided pathway: each step of the algorithm as the PDTA draws it (what is done, who does it,
 * which exams), the finding the team is asked to record, and, when a finding is recorded, the
 * PDTA passages that finding leads to (src/engine/pathwayGuidance.ts).
 */
import {
  FINDING_KEYS,
  type ConversationContext,
  type FindingKey,
  type FindingValues,
  type Findings,
} from '../../../machines/context.js';
import { stateMeaning, type RestingState } from '../../../machines/conversation.js';
import type { Reply } from '../../reply/model.js';
import { guidanceFor, guidanceIds, type Guidance } from '../pathwayGuidance.js';
import { labelFor } from './actionLabels.js';
import { loc, ReplyBuilder, type AnswerContext } from './context.js';
import { t } from './i18n.js';
import { stepReply, topicReply } from './lookupReplies.js';
import { therapyReply } from './therapyReply.js';
import { notUnderstoodText } from './notUnderstood.js';
import { combine, pendingFinding, regionOf, walkStepOf, withoutActions, type TurnView } from './turnView.js';

const GENE_NAMES: Record<string, string> = { fgf23: 'FGF23', galnt3: 'GALNT3', klotho: 'KLOTHO', samd9: 'SAMD9' };

export function findingValueText(ctx: AnswerContext, value: Findings[FindingKey]): string {
  if (value === null) return t(ctx.lang, 'val.notRecorded');
  const gene = GENE_NAMES[value];
  if (gene) return gene;
  switch (value) {
    case 'high':
    case 'normal':
    case 'yes':
    case 'no':
    case 'unknown':
    case 'negative':
      return t(ctx.lang, `val.${value}`);
    default:
      return value;
  }
}

function button(ctx: AnswerContext, b: ReplyBuilder, value: string): void {
  b.action(labelFor(ctx.catalog, value, ctx.lang), value);
}

function findingsFacts(ctx: AnswerContext, findings: Findings, keys: readonly FindingKey[] = FINDING_KEYS) {
  return keys.map((k) => ({ label: t(ctx.lang, `finding.${k}`), value: findingValueText(ctx, findings[k]) }));
}

function anyRecorded(findings: Findings): boolean {
  return FINDING_KEYS.some((k) => findings[k] !== null);
}

function changedFindings(before: ConversationContext, after: ConversationContext): FindingKey[] {
  return FINDING_KEYS.filter((k) => after.findings[k] !== null && after.findings[k] !== before.findings[k]);
}

function guidanceOf<K extends FindingKey>(ctx: AnswerContext, key: K, findings: Findings): Guidance | null {
  const value = findings[key];
  return value === null ? null : guidanceFor(ctx.catalog, key, value as FindingValues[K]);
}

/** What the PDTA says for one recorded finding, quoted from content/ with its citations. */
function guidanceReply(ctx: AnswerContext, g: Guidance): Reply {
  const lang = ctx.lang;
  switch (g.kind) {
    case 'topics': {
      const parts = g.ids.flatMap((id) => {
        const topic = ctx.catalog.topic(id);
        return topic ? [withoutActions(topicReply(ctx, topic))] : [];
      });
      const b = new ReplyBuilder(ctx, 'walkthrough');
      if (g.ids.includes('topic.phosphate-workup')) button(ctx, b, 'pdta:tmp');
      return combine('walkthrough', [...parts, b.build()]);
    }
    case 'condition': {
      const b = new ReplyBuilder(ctx, 'walkthrough');
      const entry = ctx.catalog.get(g.id);
      if (entry?.kind === 'condition') {
        const c = entry.item;
        b.facts([{ label: t(lang, 'conditionGroup'), value: loc(ctx, c.group) }], loc(ctx, c.name));
        b.text(loc(ctx, c.description), t(lang, 'description'));
        if (c.distinguishing) b.text(loc(ctx, c.distinguishing), t(lang, 'distinguishing'));
        b.cautions(c.cautions).cite(c.source).about(c.id);
        b.action(labelFor(ctx.catalog, 'pdta:show:topic.table-i', lang), 'pdta:show:topic.table-i');
      }
      return b.build();
    }
    case 'phosphate-lowering': {
      const b = new ReplyBuilder(ctx, 'walkthrough');
      const intro = ctx.catalog.topic(g.introId);
      if (intro) b.text(loc(ctx, intro.body), loc(ctx, intro.title)).cautions(intro.cautions).cite(intro.source).about(intro.id);
      const therapies = g.therapyIds.flatMap((id) => {
        const th = ctx.catalog.therapy(id);
        return th ? [th] : [];
      });
      b.list(
        therapies.map((th) => (th.class ? `${loc(ctx, th.name)} – ${loc(ctx, th.class)}` : loc(ctx, th.name))),
        t(lang, 'wt.phosphateLowering'),
      );
      for (const th of therapies) {
        b.cite(th.source).about(th.id);
        b.action(loc(ctx, th.name), `pdta:show:${th.id}`);
      }
      return b.build();
    }
    case 'class-rows': {
      // The same reply as the direct question: one dose where the PDTA gives one for an unstated
      // population (alendronate), never the same row shown twice as "adult" and "paediatric".
      const b = new ReplyBuilder(ctx, 'walkthrough');
      const cls = ctx.catalog.therapy(g.classId);
      if (cls) b.text(t(lang, 'wt.classRows', { name: loc(ctx, cls.name) }));
      const parts = g.therapyIds.flatMap((id) => {
        const th = ctx.catalog.therapy(id);
        if (!th) return [];
        b.action(loc(ctx, th.name), `pdta:dose:${th.id}`);
        const direct = therapyReply(ctx, { therapy: th, population: null, weight: null, weightsTyped: [], recognisedAs: null });
        // The walkthrough does not take a weight; the drug's button opens the dosing dialogue that does.
        const asksWeight = t(lang, 'askWeight', { rule: '' }).split('?')[0]!;
        return [{ ...withoutActions(direct), blocks: direct.blocks.filter((bl) => !(bl.type === 'text' && bl.body.startsWith(asksWeight))) }];
      });
      const head = b.build();
      return combine('walkthrough', [{ ...head, actions: [] }, ...parts, { ...head, blocks: [], citations: [] }]);
    }
    default: {
      const never: never = g;
      return never;
    }
  }
}

function introReply(ctx: AnswerContext): Reply {
  const b = new ReplyBuilder(ctx, 'walkthrough');
  b.text(t(ctx.lang, 'wt.intro'), t(ctx.lang, 'wt.title'));
  b.list(
    ([1, 2, 3] as const).map((n) => loc(ctx, ctx.catalog.step(n).title)),
    t(ctx.lang, 'wt.steps'),
  );
  b.text(t(ctx.lang, 'wt.commands'));
  const algorithm = ctx.catalog.topic('topic.algorithm');
  if (algorithm) b.cite(algorithm.source).about(algorithm.id);
  return b.build();
}

/** Step 3 is follow-up: the follow-up table's intervals belong with it. */
function followUpReply(ctx: AnswerContext): Reply {
  const b = new ReplyBuilder(ctx, 'walkthrough');
  const topic = ctx.catalog.topic('topic.followup');
  b.facts(
    ctx.catalog.content.followup.map((f) => ({ label: loc(ctx, f.name), value: loc(ctx, f.intervalText) })),
    topic ? loc(ctx, topic.title) : undefined,
  );
  for (const f of ctx.catalog.content.followup) b.cautions(f.cautions).cite(f.source).about(f.id);
  return b.build();
}

function questionButtons(ctx: AnswerContext, b: ReplyBuilder, finding: FindingKey): void {
  const values: Record<FindingKey, readonly string[]> = {
    phosphate: ['high', 'normal'],
    ckd: ['yes', 'no'],
    masses: ['yes', 'no'],
    genetics: ['fgf23', 'galnt3', 'klotho', 'samd9', 'negative'],
  };
  for (const v of values[finding]) button(ctx, b, `pdta:record:${finding}:${v}`);
  button(ctx, b, 'pdta:skip');
}

/** The question (or the offer of the next step) that closes every walkthrough reply, with its buttons. */
function promptReply(ctx: AnswerContext, state: RestingState, context: ConversationContext): Reply {
  const lang = ctx.lang;
  const b = new ReplyBuilder(ctx, 'walkthrough');
  // The question belongs to a step of the diagram: every reply of the walkthrough cites where it is.
  const n = walkStepOf(state);
  const source = n === 0 ? ctx.catalog.topic('topic.algorithm')?.source : ctx.catalog.step(n).source;
  if (source) b.cite(source);
  const pending = pendingFinding(state);
  if (pending) {
    b.text(t(lang, `wt.q.${pending}`), t(lang, 'wt.questionTitle'));
    questionButtons(ctx, b, pending);
    button(ctx, b, 'pdta:next');
    if (pending !== 'genetics') {
      button(ctx, b, 'pdta:back');
      button(ctx, b, 'pdta:summary');
    }
    button(ctx, b, 'pdta:exit');
    return b.build();
  }
  if (n === 0) {
    b.text(t(lang, 'wt.introNext'));
    button(ctx, b, 'pdta:next');
    button(ctx, b, 'pdta:step:2');
    button(ctx, b, 'pdta:step:3');
    if (anyRecorded(context.findings)) button(ctx, b, 'pdta:summary');
    button(ctx, b, 'pdta:exit');
  } else if (stateMeaning(state).tags.has('offers-next')) {
    b.text(t(lang, 'wt.stepComplete', { n, next: n + 1 }));
    button(ctx, b, 'pdta:next');
    button(ctx, b, 'pdta:back');
    button(ctx, b, 'pdta:summary');
    button(ctx, b, 'pdta:exit');
  } else if (n === 3) {
    button(ctx, b, 'pdta:schedule');
    button(ctx, b, 'pdta:back');
    button(ctx, b, 'pdta:summary');
    button(ctx, b, 'pdta:restart');
    button(ctx, b, 'pdta:exit');
  } else {
    throw new Error(`a walkthrough state that neither asks nor offers the next step: ${state}`);
  }
  return b.build();
}

/** Buttons to the passages the recorded findings lead to (summary, step 3). */
function pointersReply(ctx: AnswerContext, findings: Findings): Reply {
  const b = new ReplyBuilder(ctx, 'walkthrough');
  const ids = FINDING_KEYS.flatMap((k) => {
    const g = guidanceOf(ctx, k, findings);
    return g ? guidanceIds(g) : [];
  });
  const names: string[] = [];
  for (const id of [...new Set(ids)]) {
    const entry = ctx.catalog.get(id);
    if (!entry) continue;
    const name = entry.kind === 'topic' || entry.kind === 'step' ? entry.item.title : entry.kind === 'specialist' ? entry.item.visit : entry.item.name;
    names.push(loc(ctx, name));
    b.action(loc(ctx, name), `pdta:show:${id}`);
  }
  b.list(names, t(ctx.lang, 'wt.pointers'));
  return b.build();
}

function summaryReply(ctx: AnswerContext, state: RestingState, context: ConversationContext): Reply {
  const b = new ReplyBuilder(ctx, 'walkthrough');
  const n = walkStepOf(state);
  b.facts(
    [{ label: t(ctx.lang, 'wt.currentStep'), value: n === 0 ? t(ctx.lang, 'wt.introName') : String(n) }, ...findingsFacts(ctx, context.findings)],
    t(ctx.lang, 'wt.recordedTitle'),
  );
  const algorithm = ctx.catalog.topic('topic.algorithm');
  if (algorithm) b.cite(algorithm.source);
  return combine('walkthrough', [b.build(), pointersReply(ctx, context.findings)]);
}

function leadReply(ctx: AnswerContext, text: string, title?: string): Reply {
  return new ReplyBuilder(ctx, 'walkthrough').text(text, title).build();
}

export function walkthroughReply(ctx: AnswerContext, view: TurnView): Reply {
  const { before, event, after } = view;
  const state = after.state;
  const lang = ctx.lang;
  const wasHere = regionOf(before.state) === 'walkthrough';
  const step = walkStepOf(state);
  const sameStep = wasHere && walkStepOf(before.state) === step;
  const parts: Reply[] = [];
  // The step's own content is shown whenever the team arrives at a step or asks to see it again.
  let showStep = !sameStep;

  switch (event?.type) {
    case undefined:
    case 'REPEAT':
    case 'GOTO':
      showStep = true;
      break;
    case 'WALKTHROUGH':
      showStep = true;
      if (!wasHere && !anyRecorded(before.context.findings) && before.context.walkStep === 0) {
        parts.push(leadReply(ctx, t(lang, 'wt.startLine'), t(lang, 'wt.title')));
      } else if (!wasHere) {
        const b = new ReplyBuilder(ctx, 'walkthrough').text(t(lang, 'wt.resumed'));
        if (anyRecorded(after.context.findings)) b.facts(findingsFacts(ctx, after.context.findings), t(lang, 'wt.recordedTitle'));
        parts.push(b.build());
      }
      break;
    case 'RESTART':
      showStep = true;
      parts.push(leadReply(ctx, t(lang, 'wt.restarted')));
      break;
    case 'NEXT':
      if (sameStep && step === 3) parts.push(leadReply(ctx, t(lang, 'wt.lastStep')));
      break;
    case 'BACK': {
      const undone = FINDING_KEYS.filter((k) => before.context.findings[k] !== null && after.context.findings[k] !== before.context.findings[k]);
      if (undone.length > 0) {
        showStep = false;
        parts.push(new ReplyBuilder(ctx, 'walkthrough').facts(findingsFacts(ctx, before.context.findings, undone), t(lang, 'wt.undone')).build());
      } else if (sameStep && step === 0) parts.push(leadReply(ctx, t(lang, 'wt.firstStep')));
      break;
    }
    case 'RECORD':
    case 'SKIP': {
      const changed = changedFindings(before.context, after.context);
      // Echoed as recorded, so that a misreading is seen at once and taken back with "indietro".
      if (changed.length > 0) {
        parts.push(
          new ReplyBuilder(ctx, 'walkthrough')
            .facts(findingsFacts(ctx, after.context.findings, changed), t(lang, 'wt.recorded'))
            .text(t(lang, 'conv.undoHint'))
            .build(),
        );
      }
      for (const k of changed) {
        const g = guidanceOf(ctx, k, after.context.findings);
        if (g) parts.push(guidanceReply(ctx, g));
      }
      break;
    }
    case 'SUMMARY':
      parts.push(summaryReply(ctx, state, after.context));
      break;
    case 'HELP':
      parts.push(leadReply(ctx, t(lang, 'wt.help')));
      break;
    case 'NOT_UNDERSTOOD':
      parts.push(leadReply(ctx, notUnderstoodText(ctx, event)));
      if (event.reason === 'phosphate-value') {
        const workup = ctx.catalog.topic('topic.phosphate-workup');
        if (workup) parts.push(new ReplyBuilder(ctx, 'walkthrough').cite(workup.source).build());
      }
      break;
    case 'LOOKUP':
    case 'MENU':
    case 'EXIT':
    case 'DOSE':
    case 'SLOT':
    case 'DIFFERENTIAL':
    case 'ANSWER':
    case 'TMP':
    case 'TMP_VALUES':
      break;
    default: {
      const never: never = event;
      return never;
    }
  }

  if (showStep) {
    if (step === 0) parts.push(introReply(ctx));
    else {
      parts.push(withoutActions(stepReply(ctx, ctx.catalog.step(step))));
      if (step === 3) {
        parts.push(followUpReply(ctx));
        if (anyRecorded(after.context.findings)) parts.push(pointersReply(ctx, after.context.findings));
      }
    }
  }
  // The question and its buttons come first among the buttons: the dialogue must stay operable.
  const prompt = promptReply(ctx, state, after.context);
  // The commands sit in one line under the first step shown, where a team starting out looks.
  const commands = event?.type === 'WALKTHROUGH' || event?.type === 'RESTART' ? [leadReply(ctx, t(lang, 'wt.commands'))] : [];
  const reply = combine('walkthrough', [...parts, prompt, ...commands]);
  const promptFirst = [...prompt.actions, ...reply.actions.filter((a) => !prompt.actions.some((p) => p.value === a.value))];
  return { ...reply, actions: promptFirst.slice(0, 8) };
}
