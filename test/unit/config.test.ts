import { ConfigError, DEFAULT_MAX_SEND_RATE, loadFunctionConfig } from '../../shared/contract/function-config';
import { TABLES } from '../../shared/contract/tables';

const env = {
  [TABLES.briefings.envVar]: 'briefings',
  [TABLES.deliveries.envVar]: 'deliveries',
  [TABLES.suppressions.envVar]: 'suppressions',
  // The day's mark that the admin was told of an SES set-up problem.
  [TABLES.rateLimits.envVar]: 'rate-limits',
  SENDER_ADDRESS: 'briefings@example.org',
  PUBLIC_BASE_URL: 'https://briefings.example.org',
  TOKEN_KEY_FILE: '/dev/null',
};

describe('MAX_SEND_RATE', () => {
  test('defaults to the SES quota of a new production account, 14 emails per second', () => {
    expect(DEFAULT_MAX_SEND_RATE).toBe(14);
    expect(loadFunctionConfig('send-briefing', env).maxSendRate).toBe(14);
  });

  test('takes a whole or fractional rate', () => {
    expect(loadFunctionConfig('send-briefing', { ...env, MAX_SEND_RATE: '50' }).maxSendRate).toBe(50);
    expect(loadFunctionConfig('send-briefing', { ...env, MAX_SEND_RATE: '1.5' }).maxSendRate).toBe(1.5);
  });

  test.each(['0', '0.5', '-3', 'fast', 'Infinity'])('refuses %p, naming the variable and what to put there', (value) => {
    const load = () => loadFunctionConfig('send-briefing', { ...env, MAX_SEND_RATE: value });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(`MAX_SEND_RATE=${value} is not a send rate: use emails per second, 1 or more`);
  });
});

describe('SENDER_INSTANCES', () => {
  test('one by default: locally a single sender has the whole rate', () => {
    expect(loadFunctionConfig('send-briefing', env).senderInstances).toBe(1);
    expect(loadFunctionConfig('send-briefing', { ...env, SENDER_INSTANCES: '4' }).senderInstances).toBe(4);
  });

  test.each(['0', '1.5', 'many'])('refuses %p, naming the variable', (value) => {
    expect(() => loadFunctionConfig('send-briefing', { ...env, SENDER_INSTANCES: value })).toThrow(`SENDER_INSTANCES=${value} is not a number of instances: use a whole number, 1 or more.`);
  });
});

describe('PARTNERSHIP_NAME', () => {
  test('one line of text, as typed; a neutral name when unset', () => {
    expect(loadFunctionConfig('send-briefing', { ...env, PARTNERSHIP_NAME: ' Exampleshire   Partnership ' }).partnershipName).toBe('Exampleshire Partnership');
    expect(loadFunctionConfig('send-briefing', { ...env, PARTNERSHIP_NAME: 'Ynys Môn’s Partnership' }).partnershipName).toBe('Ynys Môn’s Partnership');
    expect(loadFunctionConfig('send-briefing', env).partnershipName).toBe('Safeguarding Children Partnership');
  });

  test.each([
    ['x'.repeat(101), 'is 101 characters: the most is 100'],
    ['Name\u200Bwith a zero-width space', 'contains a control or invisible character'],
    ['   ', 'PARTNERSHIP_NAME=    is empty'],
  ])('refuses %p, naming the variable', (value, message) => {
    const load = () => loadFunctionConfig('send-briefing', { ...env, PARTNERSHIP_NAME: value });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(message);
  });
});
