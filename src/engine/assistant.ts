/**
 * The assistant for one message: understand it, answer it from content/. `pdta ask`, the
 * conversation machines and every channel call this; it holds no state between messages.
 */
import { Catalog } from '../content/catalog.js';
import type { Content } from '../content/schema.js';
import { buildIndexes, Understander, type Population, type Understanding, type UnderstandingIndexes } from '../nlu/understand.js';
import type { Lang, Reply } from '../reply/model.js';
import type { AnswerContext } from './answer/context.js';
import { t } from './answer/i18n.js';
import { combine } from './answer/turnView.js';
import { conditionReply, differentialReply, examReply, itemReply, stepReply } from './answer/lookupReplies.js';
import { fallbackReply, menuReply, notCoveredReply, notFoundReply } from './answer/systemReplies.js';
import { therapyAnswerFor, therapyReply } from './answer/therapyReply.js';
import { tmpGfrReply } from './answer/tmpGfrReply.js';
import { MAX_MESSAGE_CHARS } from '../nlu/normalize.js';
import { redactIdentifiers } from '../nlu/identifiers.js';

/** Button values: `pdta:<verb>[:<arg>...]`, language-neutral so a click means the same in any chat. */
export const COMMAND_PREFIX = 'pdta:';

/** The reply with, first, the reminder not to type patient identifiers. */
export function remindNoIdentifiers(reply: Reply): Reply {
  return { ...reply, lead: [{ text: t(reply.lang, 'identifierRefused'), critical: true }, ...(reply.lead ?? [])] };
}

/** Several replies as one message, of the first one's kind (see combine). */
export function mergeReplies(replies: Reply[]): Reply {
  const first = replies[0];
  if (!first) throw new Error('mergeReplies needs at least one reply');
  return combine(first.kind, replies);
}

export class Assistant {
  readonly catalog: Catalog;
  readonly understander: Understander;

  /** Indexes are built from the content unless given (prebuilt at build time: nlu/compileKnowledge.ts). */
  constructor(content: Content, indexes?: UnderstandingIndexes) {
    this.catalog = new Catalog(content);
    this.understander = new Understander(indexes ?? buildIndexes(this.catalog));
  }

  get contentVersion(): string {
    return this.catalog.content.meta.contentVersion;
  }

  /**
   * The last message's understanding is kept: a conversation turn reads a message to choose the
   * machine's event, then answers a lookup with ask(), and must not understand it twice.
   */
  private last: { message: string; understanding: Understanding } | null = null;

  understand(message: string, lang?: Lang): Understanding {
    const last = this.last;
    // With the language forced to the one the message was read in, the reading is the same.
    if (last && last.message === message && (lang === undefined || lang === last.understanding.lang)) return last.understanding;
    const understanding = this.understander.understand(message, lang ? { lang } : {});
    this.last = { message, understanding };
    return understanding;
  }

  ask(typed: string, options: { lang?: Lang } = {}): Reply {
    // Identifiers are cut out before the message is read: never echoed, stored or logged.
    const redaction = redactIdentifiers(typed);
    const reply = this.answerText(redaction.text, options);
    return redaction.found.length > 0 ? remindNoIdentifiers(reply) : reply;
  }

  private answerText(message: string, options: { lang?: Lang }): Reply {
    const trimmed = message.trim();
    if (trimmed.startsWith(COMMAND_PREFIX)) {
      const reply = this.command(trimmed, options.lang ?? 'it');
      if (reply) return reply;
    }
    const u = this.understand(message, options.lang);
    const reply = this.answer(u);
    if (u.text.truncated) reply.warnings.push(t(u.lang, 'truncated', { n: MAX_MESSAGE_CHARS }));
    return reply;
  }

  /** A button's value. Unknown commands return null and are read as text. */
  command(value: string, lang: Lang): Reply | null {
    const ctx: AnswerContext = { catalog: this.catalog, lang };
    const [, verb, ...args] = value.split(':');
    switch (verb) {
      case 'menu':
        return menuReply(ctx);
      case 'walkthrough':
        return stepReply(ctx, this.catalog.step(1));
      case 'tmp':
        return tmpGfrReply(ctx, []);
      case 'step': {
        const n = Number(args[0]);
        return n === 1 || n === 2 || n === 3 ? stepReply(ctx, this.catalog.step(n)) : null;
      }
      case 'full': {
        // The "full text" button: the same answer with the PDTA's wording and long lists shown.
        const reply = this.command(`${COMMAND_PREFIX}show:${args.join(':')}`, lang);
        return reply ? { ...reply, blocks: reply.blocks.map(({ detail: _detail, ...block }) => block), actions: reply.actions.filter((a) => !a.value.startsWith(`${COMMAND_PREFIX}full:`)) } : null;
      }
      case 'show': {
        const entry = this.catalog.get(args.join(':'));
        if (!entry) return null;
        if (entry.kind === 'therapy') return this.therapyAnswer(ctx, [entry.item.id], null, null, [], null);
        return itemReply(ctx, entry);
      }
      case 'dose': {
        const therapy = this.catalog.therapy(args[0] ?? '');
        const population = args[1] === 'adult' || args[1] === 'paediatric' ? args[1] : null;
        if (!therapy) return null;
        const weightKg = args[2] !== undefined ? Number(args[2]) : null;
        const weight = weightKg !== null && Number.isFinite(weightKg) ? { value: weightKg, unit: 'kg' as const, assumedUnit: false } : null;
        return this.therapyAnswer(ctx, [therapy.id], population, weight, [], null);
      }
      default:
        return null;
    }
  }

  /** Whether a therapy question is answered by more than its dose: a brand typed, or the therapy's own first line. */
  needsWholeAnswer(u: Understanding): boolean {
    return u.therapies.some((id) => {
      const therapy = this.catalog.therapy(id);
      const match = u.named.find((m) => m.id === id);
      if (!therapy || !match) return false;
      if (/^[A-Z]/.test(match.phrase) && match.phrase !== therapy.name.it && match.phrase !== therapy.name.en) return true;
      return therapyAnswerFor(therapy, u.text.tokens) !== null;
    });
  }

  private therapyAnswer(
    ctx: AnswerContext,
    ids: string[],
    population: Population | 'conflicting' | null,
    weight: { value: number; unit: 'kg' | 'g' | 'lb'; assumedUnit: boolean } | null,
    weightsTyped: string[],
    u: Understanding | null,
  ): Reply {
    // "Bisfosfonati" names a class: answer with each of its rows of the table.
    const expanded = ids.flatMap((id) => (this.catalog.isTherapyClass(id) ? this.catalog.classRows(id).map((th) => th.id) : [id]));
    const unique = [...new Set(expanded.length > 0 ? expanded : ids)];
    const replies = unique.map((id) => {
      const therapy = this.catalog.therapy(id)!;
      const match = u?.named.find((m) => m.id === id);
      const typed = match ? u!.text.tokens.slice(match.start, match.end).join(' ') : '';
      const isBrand = match !== undefined && /^[A-Z]/.test(match.phrase) && match.phrase !== therapy.name.it && match.phrase !== therapy.name.en;
      const recognisedAs = match && (match.edits > 0 || isBrand) ? typed : null;
      const unaddressed = (u?.unaddressed ?? []).flatMap((m) => {
        const condition = this.catalog.content.unaddressed.find((c) => c.id === m.id);
        return condition ? [{ name: condition.name, typed: m.typed }] : [];
      });
      return therapyReply(ctx, { therapy, population, weight, weightsTyped, recognisedAs, brand: isBrand, unaddressed, asked: u?.text.tokens ?? [] });
    });
    const merged = mergeReplies(replies);
    for (const id of ids) if (!merged.itemIds.includes(id)) merged.itemIds.unshift(id);
    return merged;
  }

  answer(u: Understanding): Reply {
    const ctx: AnswerContext = { catalog: this.catalog, lang: u.lang };
    switch (u.intent) {
      case 'empty':
        return menuReply(ctx, t(u.lang, 'emptyMessage'));
      case 'greeting':
        return menuReply(ctx, t(u.lang, 'greeting'));
      case 'thanks':
        return menuReply(ctx, t(u.lang, 'thanks'));
      case 'help':
        return menuReply(ctx);
      case 'tmp-gfr':
        return tmpGfrReply(ctx, u.labs);
      case 'therapy': {
        const w = u.weights[0];
        const weight = u.weights.length === 1 && w ? { value: w.value, unit: w.unit, assumedUnit: w.assumedUnit } : null;
        return this.therapyAnswer(ctx, u.therapies, u.population, weight, u.weights.length > 1 ? u.weights.map((x) => x.text) : [], u);
      }
      case 'not-covered':
        return notCoveredReply(ctx, u);
      case 'step':
        return stepReply(ctx, this.catalog.step(u.step ?? 1));
      case 'condition':
        return mergeReplies(
          u.conditions
            .slice(0, 3)
            .flatMap((id) => this.catalog.condition(id) ?? [])
            .map((c) => conditionReply(ctx, c)),
        );
      case 'differential':
        return differentialReply(ctx);
      case 'exam':
        return mergeReplies(
          u.exams
            .slice(0, 4)
            .flatMap((id) => this.catalog.exam(id) ?? [])
            .map((e) => examReply(ctx, e)),
        );
      case 'topic': {
        const top = u.hits[0];
        const entry = top ? this.catalog.get(top.id) : undefined;
        if (!entry) return fallbackReply(ctx);
        if (entry.kind === 'therapy') return this.therapyAnswer(ctx, [entry.item.id], u.population, null, [], u);
        const reply = itemReply(ctx, entry) ?? fallbackReply(ctx);
        return reply;
      }
      case 'referral':
        return mergeReplies(u.referralFor.flatMap((id) => {
          const entry = this.catalog.get(id);
          const reply = entry ? itemReply(ctx, entry) : null;
          return reply ? [reply] : [];
        }));
      case 'unknown':
        return notFoundReply(ctx, u.nearest.map((h) => h.id));
      default: {
        const never: never = u.intent;
        return never;
      }
    }
  }
}
