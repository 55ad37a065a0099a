import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CURRENCY_DIGITS, currencyCode, divideRounded, formatAmount, parseAmount } from "../../src/domain/money.js";
import { ValidationError } from "../../src/domain/errors.js";

const MAX = 9_223_372_036_854_775_807n;

describe("money", () => {
  it("knows the minor-unit digits of active ISO 4217 currencies", () => {
    const digits = (codes: string[]) => codes.map((c) => CURRENCY_DIGITS.get(c));
    expect(digits(["JPY", "KRW", "CLP", "ISK", "VND", "XOF"])).toEqual([0, 0, 0, 0, 0, 0]);
    expect(digits(["USD", "EUR", "GBP", "CHF", "INR", "XCG", "ZWG", "SLE"])).toEqual([2, 2, 2, 2, 2, 2, 2, 2]);
    expect(digits(["BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"])).toEqual([3, 3, 3, 3, 3, 3, 3]);
    expect(digits(["CLF", "UYW"])).toEqual([4, 4]);
    // Withdrawn codes, metals and made-up codes are not money.
    for (const code of ["HRK", "ZWL", "SLL", "VEF", "XAU", "XDR", "BTC", "EURO", "eur"]) expect([code, CURRENCY_DIGITS.has(code)]).toEqual([code, false]);
    expect([...CURRENCY_DIGITS.keys()].every((c) => /^[A-Z]{3}$/.test(c))).toBe(true);
    expect(currencyCode("currency", " chf ")).toBe("CHF");
    expect(() => currencyCode("currency", "XYZ")).toThrow(/not an active ISO 4217/);
  });

  it("parses decimal strings into exact minor units per currency", () => {
    expect(parseAmount("amount", "0.10", "EUR")).toBe(10n);
    expect(parseAmount("amount", "0.20", "EUR")).toBe(20n);
    expect(parseAmount("amount", "0.10", "EUR") + parseAmount("amount", "0.20", "EUR")).toBe(parseAmount("amount", "0.30", "EUR"));
    expect(parseAmount("amount", "1500", "JPY")).toBe(1500n);
    expect(parseAmount("amount", "1500.00", "JPY")).toBe(1500n);
    expect(parseAmount("amount", "1.234", "KWD")).toBe(1234n);
    expect(parseAmount("amount", "1.2", "KWD")).toBe(1200n);
    expect(parseAmount("amount", "0.0001", "CLF")).toBe(1n);
    expect(parseAmount("amount", "12.5000", "USD")).toBe(1250n);
    expect(parseAmount("amount", " 007.5 ", "USD")).toBe(750n);
    expect(parseAmount("amount", "90071992547409.93", "USD")).toBe(2n ** 53n + 1n);
    expect(parseAmount("amount", "92233720368547758.07", "USD")).toBe(MAX);
    expect(parseAmount("amount", "9223372036854775807", "JPY")).toBe(MAX);
    expect(parseAmount("amount", "0", "EUR", { allowZero: true })).toBe(0n);
  });

  it("refuses what is not an exact amount of the currency, saying which field and why", () => {
    const error = (amount: string, currency: string) => {
      try {
        parseAmount("amount", amount, currency);
      } catch (err) {
        return err;
      }
      throw new Error(`${amount} ${currency} was accepted`);
    };
    expect(error("1.5", "JPY")).toEqual(new ValidationError("amount", `JPY has no minor unit; "1.5" has decimals. Write a whole number.`));
    expect((error("1.2345", "BHD") as Error).message).toMatch(/BHD has 3 decimal digits/);
    expect((error("0.001", "USD") as Error).message).toMatch(/USD has 2 decimal digits/);
    for (const bad of ["", " ", "abc", "1e3", "-5", "+5", "1,50", "1 000", "0x10", " . ", "1.", ".5", "1..2", "Infinity", "NaN", "５"]) {
      const err = error(bad, "EUR") as ValidationError;
      expect([bad, err.field, err.message]).toEqual([bad, "amount", expect.stringMatching(/is not an amount/)]);
    }
    for (const zero of ["0", "0.00", "000.000"]) expect((error(zero, "EUR") as Error).message).toMatch(/greater than zero/);
    expect(error("1", "XYZ")).toMatchObject({ field: "currency", message: expect.stringMatching(/not an active ISO 4217/) });
    expect((error("92233720368547758.08", "USD") as Error).message).toMatch(/too large: at most 92233720368547758.07 USD/);
    expect((error("99999999999999999999", "JPY") as Error).message).toMatch(/too large/);
  });

  it("formats back exactly, for every currency and amount", () => {
    fc.assert(
      fc.property(fc.constantFrom(...CURRENCY_DIGITS.keys()), fc.bigInt({ min: 1n, max: MAX }), (currency, minor) => {
        const text = formatAmount(minor, currency);
        expect(text).toMatch(CURRENCY_DIGITS.get(currency) ? new RegExp(`^\\d+\\.\\d{${CURRENCY_DIGITS.get(currency)}}$`) : /^\d+$/);
        expect(parseAmount("amount", text, currency)).toBe(minor);
      }),
    );
    expect(formatAmount(5n, "EUR")).toBe("0.05");
    expect(formatAmount(5n, "JPY")).toBe("5");
    expect(formatAmount(1n, "CLF")).toBe("0.0001");
    expect(formatAmount(-1050n, "EUR")).toBe("-10.50");
    expect(formatAmount(0n, "KWD")).toBe("0.000");
    expect(() => formatAmount(1n, "XXX")).toThrow(ValidationError);
  });

  it("divides with rounding half up, in integers", () => {
    expect(divideRounded(100000n, 7n)).toBe(14286n); // 14285.71…
    expect(divideRounded(10n, 4n)).toBe(3n); // 2.5 → 3
    expect(divideRounded(9n, 4n)).toBe(2n); // 2.25 → 2
    expect(divideRounded(MAX, 1n)).toBe(MAX);
    expect(() => divideRounded(1n, 0n)).toThrow(RangeError);
  });
});
