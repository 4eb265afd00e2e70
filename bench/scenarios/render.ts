import { renderBriefing } from '../../shared/render/email/briefing';
import { composeBriefingMime } from '../../shared/render/email/mime';
import { DELIVERY_ID_HEADER } from '../../shared/core/ses-event';
import { DISTINCT_READERS, benchFinding, benchMembers } from '../fixtures';
import { SENDER, readerInputs } from '../messages';
import { progress } from '../progress';
import { mean, type RenderRun } from '../report';

export interface RenderOptions {
  renders: number;
  warmup: number;
}

/**
 * Microseconds per tailored briefing: renderBriefing + composeBriefingMime (HTML, text,
 * MIME), one at a time, each for a different reader (agency × role cycle), after a warm-up.
 */
export async function runRender(options: RenderOptions): Promise<Omit<RenderRun, 'peakRssKb'>> {
  const { renders, warmup } = options;
  const finding = benchFinding();
  const inputs = readerInputs(finding, benchMembers(warmup + renders));
  const totalUs: number[] = [];
  const renderUs: number[] = [];
  const mimeUs: number[] = [];
  const sizes: number[] = [];
  progress('render', `${warmup} warm-up renders, then ${renders} timed`);
  for (let i = 0; i < inputs.length; i++) {
    const { row, links } = inputs[i]!;
    const started = performance.now();
    const rendered = renderBriefing(finding, row, links);
    const renderedAt = performance.now();
    const raw = await composeBriefingMime({
      from: SENDER,
      to: { name: row.name, email: row.email },
      rendered,
      unsubscribeUrl: links.unsubscribeUrl,
      headers: { 'X-Briefing-Id': row.briefingId, [DELIVERY_ID_HEADER]: row.deliveryId },
    });
    const done = performance.now();
    if (i < warmup) continue;
    totalUs.push((done - started) * 1000);
    renderUs.push((renderedAt - started) * 1000);
    mimeUs.push((done - renderedAt) * 1000);
    sizes.push(raw.byteLength);
  }
  return { renders, warmup, distinctReaders: Math.min(DISTINCT_READERS, warmup + renders), totalUs, renderUs, mimeUs, meanMimeBytes: mean(sizes) };
}
