// Upkeep, every SWEEP_INTERVAL_MS and at start: updates stored but not processed (a
// crash, a database outage) are taken up again, deliveries that failed and are due are
// sent again, and every few sweeps deliveries that were never written are looked for
// and processed updates older than two days are forgotten.
import type { Logger } from "../logger.js";
import type { Outbox } from "./outbox.js";
import type { TenantBot } from "./tenant-bot.js";
import type { ChatTurns } from "./turns.js";

export const SWEEP_INTERVAL_MS = 15_000;
/** Every how many sweeps the catch-up and the clean-up run: they read more than the rest. */
const CATCH_UP_EVERY = 4;

export class Sweeper {
  private sweeps = 0;

  constructor(
    private readonly turns: ChatTurns,
    private readonly outbox: Outbox,
    private readonly logger: Logger,
  ) {}

  async sweep(bots: TenantBot[], options: { catchUp?: boolean } = {}): Promise<void> {
    const catchUp = options.catchUp ?? this.sweeps++ % CATCH_UP_EVERY === 0;
    for (const r of bots) {
      try {
        for (const chatId of await r.claims.chatsToTakeUp()) this.turns.queue(r, chatId);
        await this.outbox.retryDue(r);
        if (catchUp) {
          await this.outbox.catchUp(r);
          await r.claims.forgetProcessed();
        }
      } catch (err) {
        this.logger.warn({ botId: r.info.id, err: (err as Error).message }, "bot upkeep failed; trying again later");
      }
    }
  }
}
