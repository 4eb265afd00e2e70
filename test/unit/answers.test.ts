import { computeDissemination } from '../../shared/render/report/compute';
import { TokenSigner } from '../../shared/core/tokens';
import type { Response } from '../../shared/core/ports';
import { acknowledge, type AcknowledgementDeps } from '../../shared/flows/subscribe/acknowledgements';
import { acknowledgedPage } from '../../shared/render/pages/acknowledge';

/**
 * "What will your team do differently?" is free text from the public. It passes the
 * anonymisation gate, with the deployment's deny list, before it is stored: what the gate
 * finds is masked, so no personal data is kept at rest, and the report shows the masked
 * answer. Before, an answer with an email address or an NHS number was stored and reported.
 */

const NOW = new Date('2026-11-26T12:00:00.000Z');
const signer = new TokenSigner(Buffer.alloc(32, 0x5a));
const DELIVERY = 'jtai-mash-2022#v1#a1b2c3d4e5f60718293a4b5c';
const NHS = '943 476 5919';

function depsWith(denyList: string[] = []) {
  const stored: Response[] = [];
  const row = {
    deliveryId: DELIVERY, briefingId: 'jtai-mash-2022#v1', recipientKey: 'a1b2c3d4e5f60718293a4b5c', findingId: 'jtai-mash-2022', version: 1,
    email: 'sam.example@example.org', name: 'Sam Example', agency: 'health', role: 'dsl', via: [], status: 'SENT', createdAt: NOW.toISOString(), kind: 'briefing',
  };
  const deps = {
    deliveries: {
      get: async (id: string) => (id === DELIVERY ? row : undefined),
      acknowledge: async () => ({ first: true, row: { ...row, acknowledgedAt: NOW.toISOString() } }),
      markAnswered: async () => true,
    },
    briefings: { get: async () => ({ finding: { title: 'JTAI of a MASH' } }) },
    responses: { put: async (response: Response) => void stored.push(response) },
    settings: { denyList: async () => denyList, allowList: async () => [] },
    signer,
    now: () => NOW,
  } as unknown as AcknowledgementDeps;
  return { deps, stored };
}

const answerWith = async (answer: string, denyList?: string[]) => {
  const { deps, stored } = depsWith(denyList);
  const outcome = await acknowledge(deps, signer.sign('acknowledge', DELIVERY, NOW), answer);
  return { outcome, stored: stored[0]?.answer };
};

describe('an answer is screened before it is stored', () => {
  test('an email address is masked', async () => {
    const { outcome, stored } = await answerWith('We will copy in duty.manager@example.org on every referral.');
    expect(outcome).toMatchObject({ outcome: 'acknowledged', answered: true, masked: true });
    expect(stored).not.toContain('duty.manager');
    expect(stored).not.toContain('@example.org');
    expect(stored).toMatch(/^We will copy in [•.@]+\w{0,2} on every referral\.$/);
  });

  test('an NHS number is masked', async () => {
    const { stored } = await answerWith(`Check the record for ${NHS} before the meeting.`);
    expect(stored).not.toContain(NHS);
    expect(stored).not.toMatch(/\d{3}/);
    expect(stored).toContain('before the meeting.');
  });

  test("a word on the deployment's deny list is masked", async () => {
    const { stored } = await answerWith('Visit every family on the Oakwood estate.', ['Oakwood']);
    expect(stored).not.toContain('Oakwood');
    expect(stored).toContain('estate');
  });

  test('an answer with nothing in it is kept as written, and the page says nothing about masking', async () => {
    const { outcome, stored } = await answerWith('Ask about every adult in the household at each contact.');
    expect(stored).toBe('Ask about every adult in the household at each contact.');
    expect(outcome).toMatchObject({ answered: true, masked: false });
    expect(acknowledgedPage({ title: 'x', answered: true, masked: false }).html).not.toContain('hidden before it was saved');
  });

  test('the thank-you page says that something was hidden, not what', () => {
    const html = acknowledgedPage({ title: 'JTAI of a MASH', answered: true, masked: true }).html;
    expect(html).toContain('those were hidden before it was saved');
  });
});

describe('the report', () => {
  const briefing = { briefingId: 'jtai-mash-2022#v1', findingId: 'jtai-mash-2022', version: 1, title: 'JTAI of a MASH', plannedAt: '2026-11-20T09:00:00.000Z' };
  const response = (answer: string) => ({ briefingId: briefing.briefingId, agency: 'health', role: 'dsl', answer, at: '2026-11-26' });

  test('masks an answer kept before answers were screened, with the deny list', () => {
    const report = computeDissemination({
      briefings: [briefing],
      deliveries: [],
      responses: [response(`Child ${NHS} from Oakwood was discussed.`), response('We will escalate sooner.')],
      description: 'test',
      now: NOW,
      denyList: ['Oakwood'],
    });
    const answers = report.answers.map((a) => a.answer);
    expect(answers).toHaveLength(2);
    expect(answers.join(' ')).not.toContain(NHS);
    expect(answers.join(' ')).not.toContain('Oakwood');
    expect(answers).toContain('We will escalate sooner.');
  });
});
