// A tenant's settings: locale, time zone, and the SLA policy tickets are due by.
import { z } from "zod";

const Minutes = z.number().int().positive().max(60 * 24 * 90);
const Target = z.object({ firstResponseMinutes: Minutes, resolutionMinutes: Minutes });

export const DEFAULT_SLA_POLICY = {
  URGENT: { firstResponseMinutes: 30, resolutionMinutes: 4 * 60 },
  HIGH: { firstResponseMinutes: 60, resolutionMinutes: 8 * 60 },
  NORMAL: { firstResponseMinutes: 4 * 60, resolutionMinutes: 24 * 60 },
  LOW: { firstResponseMinutes: 8 * 60, resolutionMinutes: 72 * 60 },
};

export const TenantSettingsSchema = z.object({
  locale: z.string().regex(/^[a-z]{2}(-[A-Z]{2})?$/, "must be a locale like en or pt-BR").default("en"),
  timeZone: z
    .string()
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat("en", { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, "must be an IANA time zone like Europe/Berlin")
    .default("UTC"),
  slaPolicy: z
    .object({ URGENT: Target, HIGH: Target, NORMAL: Target, LOW: Target })
    .default(DEFAULT_SLA_POLICY),
  bot: z
    .object({
      groupsEnabled: z.boolean().default(false),
      askNps: z.boolean().default(false),
      askCes: z.boolean().default(false),
    })
    .default({ groupsEnabled: false, askNps: false, askCes: false }),
});

export type TenantSettings = z.infer<typeof TenantSettingsSchema>;

/** A change to some settings: the fields given replace those fields only. */
export interface TenantSettingsPatch {
  locale?: string | null;
  timeZone?: string | null;
  slaPolicy?: Partial<TenantSettings["slaPolicy"]>;
  bot?: Partial<TenantSettings["bot"]>;
}

const READ_CACHE_MAX = 5_000;
/** Parsed settings by their stored JSON: every request reads its tenant's settings. */
const readCache = new Map<string, TenantSettings>();

/**
 * Stored settings may predate a field: parsing fills defaults, never throws on old data.
 * The result is shared between callers and frozen: change a copy.
 */
export function readSettings(stored: unknown): TenantSettings {
  const key = JSON.stringify(stored ?? {});
  const cached = readCache.get(key);
  if (cached) return cached;
  const parsed = TenantSettingsSchema.safeParse(stored ?? {});
  const settings = deepFreeze(parsed.success ? parsed.data : TenantSettingsSchema.parse({}));
  if (readCache.size >= READ_CACHE_MAX) readCache.delete(readCache.keys().next().value!);
  readCache.set(key, settings);
  return settings;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
