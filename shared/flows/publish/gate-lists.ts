import type { GateLists } from '../../core/gate/anonymisation';
import type { SettingsStore } from '../../core/ports';

/** The deployment's two lists, as the anonymisation gate takes them: read together, once per scan. */
export async function gateLists(settings: Pick<SettingsStore, 'denyList' | 'allowList'>): Promise<GateLists> {
  const [denyList, allowList] = await Promise.all([settings.denyList(), settings.allowList()]);
  return { denyList, allowList };
}
