import { consoleLambda } from '../../shared/adapters/wiring-console';
import { peopleApp } from '../../shared/flows/console/people-app';

export const handler = consoleLambda('console-people', (kitDeps, store) =>
  peopleApp({
    ...kitDeps,
    subscribers: store.subscribers(),
    suppressions: store.suppressions(),
    lists: store.lists(),
    deliveries: store.deliveries(),
  }),
);
