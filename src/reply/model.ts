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

/**
 * `detail`: the PDTA's full wording or a long list, which a doctor on call does not need first. Every
 * renderer leaves it out and the reply carries a button that shows it (`pdta:full:<item id>`).
 */
export type Block =
  | { type: 'text'; title?: string; body: string; detail?: boolean }
  | { type: 'facts'; title?: string; facts: Fact[]; detail?: boolean }
  | { type: 'list'; title?: string; items: string[]; detail?: boolean };

/**
 * A line shown before everything else, in order. `critical` lines are warnings that change what to
 * do with the answer (a condition the PDTA does not address, a dose above the adult dose): they stand
 * next to the number they qualify, never at the bottom of the reply.
 */
export interface LeadLine {
  text: string;
  critical?: boolean;
}

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
  /** The answer to the question asked, first (the dose, the interval, the code, yes/no with the PDTA's reason). */
  lead?: LeadLine[];
  blocks: Block[];
  /** Cautions from content/ (ambiguities of the PDTA) and safety notes; always shown. */
  warnings: string[];
  citations: Citation[];
  actions: Action[];
  /** Ids of the content items the reply is built from (for evaluation, audit and analytics; not shown). */
  itemIds: string[];
}
