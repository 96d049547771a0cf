/**
 * The reply model: one shape for every channel. The engine produces it; renderers (plain text,
 * Slack Block Kit, Teams Adaptive Card, HTML) turn it into what a platform shows, keeping within
 * that platform's limits. Text here is plain (no markup): each renderer escapes for its own format.
 */
export type Lang = 'it' | 'en';

export type ReplyKind =
  | 'answer' // a passage of the PDTA
  | 'dose' // a therapy's dose, computed or as written
  | 'calculation' // TmP/GFR and other computed values
  | 'differential' // Table I
  | 'not-covered' // a drug, test or condition the PDTA does not contain
  | 'clarify' // a question back (missing or implausible input)
  | 'menu' // help and what the assistant covers
  | 'walkthrough' // a step of the guided pathway
  | 'fallback'; // not understood

export interface Fact {
  label: string;
  value: string;
}

export type Block =
  | { type: 'text'; title?: string; body: string }
  | { type: 'facts'; title?: string; facts: Fact[] }
  | { type: 'list'; title?: string; items: string[] };

export interface Citation {
  /** PDTA chapter number and title, e.g. "4. Criteri terapeutici". */
  section: string;
  heading: string;
  contentVersion: string;
}

export interface Action {
  label: string;
  /** What the engine receives when the button is clicked: a command it understands, in any language. */
  value: string;
}

export interface Reply {
  lang: Lang;
  kind: ReplyKind;
  blocks: Block[];
  /** Cautions from content/ (ambiguities of the PDTA) and safety notes; always shown. */
  warnings: string[];
  citations: Citation[];
  actions: Action[];
  /** Ids of the content items the reply is built from (for evaluation, audit and analytics; not shown). */
  itemIds: string[];
}
