import type { GateLists } from '../domain/anonymisation';
import type { SettingsStore } from '../domain/ports';

/** The deployment's two lists, as the anonymisation gate takes them: read together, once per scan. */
export async function gateLists(settings: Pick<SettingsStore, 'denyList' | 'allowList'>): Promise<GateLists> {
  const [denyList, allowList] = await Promise.all([settings.denyList(), settings.allowList()]);
  return { denyList, allowList };
}
