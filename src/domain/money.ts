// Money is a whole number of minor units (BigInt) plus an ISO 4217 currency. Decimal
// strings are parsed and formatted digit by digit: no floating point anywhere.
import { ValidationError } from "./errors.js";

/**
 * Active ISO 4217 codes by their number of minor-unit digits (list one of the ISO 4217
 * maintenance agency, 2025). Funds and metals without a minor unit (XAU, XDR…) are not money here.
 */
const BY_DIGITS: Record<number, string> = {
  0: "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF",
  2: "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG",
  3: "BHD IQD JOD KWD LYD OMR TND",
  4: "CLF UYW",
};

export const CURRENCY_DIGITS: ReadonlyMap<string, number> = new Map(
  Object.entries(BY_DIGITS).flatMap(([digits, codes]) => codes.split(" ").map((c) => [c, Number(digits)] as const)),
);

/** Largest amount stored: PostgreSQL bigint. */
const MAX_MINOR = 9_223_372_036_854_775_807n;

export function currencyDigits(field: string, code: string): number {
  const digits = CURRENCY_DIGITS.get(code);
  if (digits === undefined) {
    throw new ValidationError(field, `"${code.slice(0, 20)}" is not an active ISO 4217 currency code: use three capital letters such as EUR, USD or JPY.`);
  }
  return digits;
}

/** " eur " → "EUR", refusing codes that are not active ISO 4217 currencies. */
export function currencyCode(field: string, code: string): string {
  const normalized = code.trim().toUpperCase();
  currencyDigits(field, normalized);
  return normalized;
}

/**
 * "12.30" EUR → 1230n. Refuses more decimals than the currency has (beyond trailing zeros),
 * signs, exponents, separators and garbage: the amount is exactly what was written, or an error.
 */
export function parseAmount(field: string, amount: string, currency: string, options: { allowZero?: boolean } = {}): bigint {
  const digits = currencyDigits("currency", currency);
  const m = /^(\d{1,30})(?:\.(\d{1,30}))?$/.exec(amount.trim());
  if (!m) {
    throw new ValidationError(field, `"${amount.slice(0, 40)}" is not an amount: write digits with an optional decimal point, e.g. 1234.56 (no signs, spaces or thousands separators).`);
  }
  const [, whole, fraction = ""] = m;
  const significant = fraction.replace(/0+$/, "");
  if (significant.length > digits) {
    throw new ValidationError(
      field,
      digits === 0
        ? `${currency} has no minor unit; "${amount}" has decimals. Write a whole number.`
        : `${currency} has ${digits} decimal digit${digits === 1 ? "" : "s"}; "${amount}" has more.`,
    );
  }
  const minor = BigInt(whole! + significant.padEnd(digits, "0"));
  if (minor === 0n && !options.allowZero) throw new ValidationError(field, "The amount must be greater than zero.");
  if (minor > MAX_MINOR) throw new ValidationError(field, `The amount is too large: at most ${formatAmount(MAX_MINOR, currency)} ${currency}.`);
  return minor;
}

/** 1230n EUR → "12.30"; 5n JPY → "5"; 1n CLF → "0.0001". */
export function formatAmount(minor: bigint, currency: string): string {
  const digits = currencyDigits("currency", currency);
  const negative = minor < 0n;
  const s = (negative ? -minor : minor).toString().padStart(digits + 1, "0");
  const out = digits ? `${s.slice(0, -digits)}.${s.slice(-digits)}` : s;
  return negative ? `-${out}` : out;
}

/** a ÷ b in whole minor units, rounded half away from zero (both non-negative here). */
export function divideRounded(a: bigint, b: bigint): bigint {
  if (b <= 0n) throw new RangeError("divisor must be positive");
  return (a * 2n + b) / (2n * b);
}
