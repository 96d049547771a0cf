/**
 * What every reply builder needs: the content, the language, and the two things every answer
 * must carry (citations with the content version, and the cautions of the items it shows).
 */
import type { Catalog } from '../../content/catalog.js';
import type { Localized, Source } from '../../content/schema.js';
import type { Action, Block, Citation, Lang, LeadLine, Reply, ReplyKind } from '../../reply/model.js';
import { t } from './i18n.js';

export interface AnswerContext {
  catalog: Catalog;
  lang: Lang;
}

export function loc(ctx: AnswerContext, text: Localized): string {
  return text[ctx.lang];
}

export function cite(ctx: AnswerContext, source: Source): Citation {
  return {
    section: `${source.section}. ${source.chapter[ctx.lang]}`,
    heading: source.heading[ctx.lang],
    contentVersion: ctx.catalog.content.meta.contentVersion,
  };
}

/** Builds a reply, removing duplicate warnings, citations and actions. */
export class ReplyBuilder {
  private readonly leadLines: LeadLine[] = [];
  private readonly blocks: Block[] = [];
  private readonly warnings: string[] = [];
  private readonly citations: Citation[] = [];
  private readonly actions: Action[] = [];
  private readonly itemIds: string[] = [];

  constructor(
    private readonly ctx: AnswerContext,
    private readonly kind: ReplyKind,
  ) {}

  /** A line shown first; `critical` for a warning that changes what to do with the answer. */
  lead(text: string, critical = false): this {
    if (!this.leadLines.some((l) => l.text === text)) this.leadLines.push(critical ? { text, critical } : { text });
    return this;
  }

  /** The PDTA's full wording or a long list: kept behind the reply's "full text" button. */
  detail(block: Block): this {
    this.blocks.push({ ...block, detail: true });
    return this;
  }

  text(body: string, title?: string): this {
    this.blocks.push(title === undefined ? { type: 'text', body } : { type: 'text', title, body });
    return this;
  }

  facts(facts: Array<{ label: string; value: string }>, title?: string): this {
    if (facts.length > 0) this.blocks.push(title === undefined ? { type: 'facts', facts } : { type: 'facts', title, facts });
    return this;
  }

  list(items: string[], title?: string): this {
    if (items.length > 0) this.blocks.push(title === undefined ? { type: 'list', items } : { type: 'list', title, items });
    return this;
  }

  warn(text: string): this {
    if (!this.warnings.includes(text)) this.warnings.push(text);
    return this;
  }

  /** `populations`: those the answer shows; a caution about another population is left out. */
  cautions(ids: readonly string[], populations?: ReadonlyArray<'adult' | 'paediatric'>): this {
    for (const id of ids) {
      const caution = this.ctx.catalog.caution(id);
      if (!caution) continue;
      if (populations && caution.population && !populations.includes(caution.population)) continue;
      this.warn(caution.text[this.ctx.lang]);
    }
    return this;
  }

  about(id: string): this {
    if (!this.itemIds.includes(id)) this.itemIds.push(id);
    return this;
  }

  cite(source: Source): this {
    const c = cite(this.ctx, source);
    if (!this.citations.some((x) => x.section === c.section && x.heading === c.heading)) this.citations.push(c);
    return this;
  }

  action(label: string, value: string): this {
    if (!this.actions.some((a) => a.value === value) && this.actions.length < 8) this.actions.push({ label, value });
    return this;
  }

  build(): Reply {
    const first = this.itemIds[0];
    if (first && this.blocks.some((b) => b.detail)) this.action(t(this.ctx.lang, 'btn.fullText'), `pdta:full:${first}`);
    return {
      lang: this.ctx.lang,
      kind: this.kind,
      ...(this.leadLines.length > 0 ? { lead: this.leadLines } : {}),
      blocks: this.blocks,
      warnings: this.warnings,
      citations: this.citations,
      actions: this.actions,
      itemIds: this.itemIds,
    };
  }
}
