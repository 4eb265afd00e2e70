import { consoleLambda } from '../../shared/adapters/wiring-console';
import { consoleApp } from '../../shared/flows/console/app';

export const handler = consoleLambda('console', (kitDeps, store) =>
  consoleApp({
    ...kitDeps,
    findings: store.findings(),
    briefings: store.briefings(),
    deliveries: store.deliveries(),
    responses: store.responses(),
    settings: store.settings(),
    lists: store.lists(),
  }),
);
