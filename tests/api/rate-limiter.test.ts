// The rate limiter shared by several processes (REDIS_URL): one window per key across
// processes, with the remaining budget and the reset time the headers report.
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { MemoryRateLimiter, RedisRateLimiter, type RateLimiter } from "../../src/api/rate-limiter.js";
import { REDIS_URL, redisReachable } from "../support/redis.js";

/** Retries the first call until the client has connected (it does not queue commands while offline). */
async function whenConnected<T>(call: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await call();
    } catch (err) {
      if (i > 50) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

async function sharesOneWindow(a: RateLimiter, b: RateLimiter): Promise<void> {
  const key = `test:${randomBytes(6).toString("hex")}`;
  expect(await whenConnected(() => a.hit(key, 2, 60_000))).toMatchObject({ allowed: true, limit: 2, remaining: 1 });
  expect(await whenConnected(() => b.hit(key, 2, 60_000))).toMatchObject({ allowed: true, remaining: 0 });
  const refused = await a.hit(key, 2, 60_000);
  expect(refused).toMatchObject({ allowed: false, remaining: 0 });
  expect(refused.resetMs).toBeGreaterThan(50_000);
  expect(refused.resetMs).toBeLessThanOrEqual(60_000);
  // peek counts without spending; reset starts over for everyone.
  expect(await b.peek(key, 2, 60_000)).toMatchObject({ remaining: 0 });
  expect(await b.peek(key, 2, 60_000)).toMatchObject({ remaining: 0 });
  await b.reset(key);
  expect(await a.peek(key, 2, 60_000)).toMatchObject({ allowed: true, remaining: 2 });
}

describe.runIf(await redisReachable())("rate limits in Redis (REDIS_URL)", () => {
  const limiters = [new RedisRateLimiter(REDIS_URL), new RedisRateLimiter(REDIS_URL)];
  afterAll(() => Promise.all(limiters.map((l) => l.close())));

  it("counts one window per key across processes, with the remaining budget and the reset, and resets it", async () => {
    await sharesOneWindow(limiters[0]!, limiters[1]!);
  });
});

describe("rate limits in memory", () => {
  it("behave the same within one process", async () => {
    const limiter = new MemoryRateLimiter();
    await sharesOneWindow(limiter, limiter);
  });
});
