import { describe, expect, it } from 'vitest';
import { RateLimitedError } from '../core/errors.ts';
import { LoginGuard } from './login-guard.ts';

describe('LoginGuard', () => {
  it('counts attempts until given back, per account and per address, for 15 minutes', () => {
    let now = 1_000_000;
    const guard = new LoginGuard(2, () => now);
    const a = LoginGuard.keys(' Ana ', '10.0.0.1');
    expect(a).toEqual(['account:ana', 'address:10.0.0.1']);
    // Given back (a success, or a fault): never counted.
    for (let i = 0; i < 5; i++) guard.begin(a)();
    // Two failures (never given back) use the budget of the account and of the address.
    guard.begin(a);
    guard.begin(LoginGuard.keys('ana', '10.0.0.2'));
    let refused: unknown;
    try {
      guard.begin(LoginGuard.keys('ANA', '10.0.0.3'));
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).retryAfterSeconds).toBe(900);
    expect((refused as RateLimitedError).message).toContain('Demasiados intentos fallidos');
    // Another account from a fresh address is unaffected; 10.0.0.1 has one failure left.
    guard.begin(LoginGuard.keys('beto', '10.0.0.9'))();
    guard.begin(LoginGuard.keys('carla', '10.0.0.1'));
    expect(() => guard.begin(LoginGuard.keys('dario', '10.0.0.1'))).toThrow(RateLimitedError);
    // An attempt in progress counts: a parallel guess is refused until the first is given back.
    const pending = guard.begin(LoginGuard.keys('eva', '10.0.0.7'));
    guard.begin(LoginGuard.keys('eva', '10.0.0.8'));
    expect(() => guard.begin(LoginGuard.keys('eva', '10.0.0.6'))).toThrow(RateLimitedError);
    pending();
    guard.begin(LoginGuard.keys('eva', '10.0.0.6'))();
    // The window ends 15 minutes after the first failure.
    now += 15 * 60_000;
    expect(() => guard.begin(a)()).not.toThrow();
  });
});
