import type { StoredEmail } from '../infra/local/emulators';

/** Briefings to the generated readers in the SES emulator's store (GET /store), admin notices left out. */
export async function benchEmailsInStore(sesUrl: string): Promise<number> {
  const response = await fetch(`${sesUrl}/store`);
  if (!response.ok) throw new Error(`GET ${sesUrl}/store answered ${response.status}`);
  const { emails } = (await response.json()) as { emails: StoredEmail[] };
  return emails.filter((email) => email.destination.to.some((to) => to.includes('bench.reader.'))).length;
}
