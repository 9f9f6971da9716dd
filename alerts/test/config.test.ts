import { describe, expect, it } from 'vitest';
import { loadAlertsConfig } from '../src/config';

describe('loadAlertsConfig', () => {
  it('requires ADMIN_TOKEN with a clear message', () => {
    expect(() => loadAlertsConfig({})).toThrow(/ADMIN_TOKEN is required: set ADMIN_TOKEN to a random secret of at least 16 characters/);
  });

  it('rejects a short ADMIN_TOKEN without echoing it', () => {
    let message = '';
    try {
      loadAlertsConfig({ ADMIN_TOKEN: 'hunter2' });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('too short (7 characters)');
    expect(message).not.toContain('hunter2');
  });

  it('defaults to the local infrastructure and names invalid variables', () => {
    const config = loadAlertsConfig({ ADMIN_TOKEN: 'x'.repeat(32) });
    expect(config).toMatchObject({ HTTP_HOST: '127.0.0.1', HTTP_PORT: 8080, OPS_PORT: 9104, SMTP_PORT: 11025, COOLDOWN_MS: 600_000, EVENTS_TOPIC: 'vehicle.events' });
    expect(() => loadAlertsConfig({ ADMIN_TOKEN: 'x'.repeat(32), SMTP_PORT: 'seventy' })).toThrow(/SMTP_PORT: must be a port number/);
  });
});
