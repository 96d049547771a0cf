/**
 * content/REVIEW.md, generated from cautions.yaml so that the list the PDTA's owner reads and the
 * cautions the answers show can never drift apart (test/content/content.test.ts checks it).
 */
import type { Content } from './schema.js';

export function renderReview(content: Content): string {
  const lines: string[] = [
    '# Source problems for the PDTA’s owner',
    '',
    `<!-- Generated from content/cautions.yaml by \`npm run content:review\`; do not edit by hand. -->`,
    '',
    `PDTA ${content.meta.code}, ${content.meta.decree}; content version ${content.meta.contentVersion}.`,
    '',
    'Each entry is a place where the PDTA is ambiguous or contradicts itself. The assistant keeps the',
    'source wording, shows the caution below with every answer that uses the passage, and never picks a',
    'reading on its own. Please resolve each one in the next revision of the PDTA.',
    '',
  ];
  content.cautions.forEach((c, i) => {
    const users = [
      ...content.topics,
      ...content.exams,
      ...content.therapies,
      ...content.conditions,
      ...content.followup,
      ...content.specialists,
      ...content.algorithm,
    ]
      .filter((item) => item.cautions.includes(c.id))
      .map((item) => `\`${item.id}\``);
    lines.push(`## ${i + 1}. ${c.text.en.replace(/^(Caution|Note): /, '')}`, '');
    lines.push(`- **id**: \`${c.id}\``);
    lines.push(`- **where**: ${c.places.map((p) => `§${p.section} ${p.chapter.it} › ${p.heading.it}`).join('; ')}`);
    lines.push('- **source wording**:');
    for (const w of c.sourceWording) lines.push(`  > ${w}`);
    lines.push(`- **what the answers show** (it): ${c.text.it}`);
    lines.push(`- **what the assistant does meanwhile**: ${c.handling.en}`);
    lines.push(`- **shown with**: ${users.length > 0 ? users.join(', ') : '(answers computed by the engine)'}`);
    lines.push('');
  });
  return lines.join('\n');
}
