import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CURRENCY_DIGITS, formatAmount, parseAmount } from "../../src/domain/money.js";

describe("money", () => {
  it("parses decimal strings into exact minor units per currency", () => {
    expect(parseAmount("amount", "0.10", "EUR")).toBe(10n);
    expect(parseAmount("amount", "0.20", "EUR")).toBe(20n);
    expect(parseAmount("amount", "0.10", "EUR") + parseAmount("amount", "0.20", "EUR")).toBe(parseAmount("amount", "0.30", "EUR"));
    expect(parseAmount("amount", "1500", "JPY")).toBe(1500n);
    expect(parseAmount("amount", "1.234", "KWD")).toBe(1234n);
    expect(parseAmount("amount", "12.5000", "USD")).toBe(1250n);
    expect(parseAmount("amount", "92233720368547758.07", "USD")).toBe(9_223_372_036_854_775_807n);
  });

  it("refuses what is not an exact amount of the currency", () => {
    expect(() => parseAmount("amount", "1.5", "JPY")).toThrow(/JPY has 0 decimal digits/);
    expect(() => parseAmount("amount", "1.2345", "BHD")).toThrow(/BHD has 3 decimal digits/);
    for (const bad of ["", "abc", "1e3", "-5", "1,50", "0x10", " . ", "1.", "0", "0.00"]) {
      expect(() => parseAmount("amount", bad, "EUR"), bad).toThrow();
    }
    expect(() => parseAmount("amount", "1", "XYZ")).toThrow(/not an active ISO 4217/);
    expect(() => parseAmount("amount", "92233720368547758.08", "USD")).toThrow(/too large/);
  });

  it("formats back exactly, for every currency and amount", () => {
    fc.assert(
      fc.property(fc.constantFrom(...CURRENCY_DIGITS.keys()), fc.bigInt({ min: 1n, max: 9_223_372_036_854_775_807n }), (currency, minor) => {
        expect(parseAmount("amount", formatAmount(minor, currency), currency)).toBe(minor);
      }),
    );
    expect(formatAmount(5n, "EUR")).toBe("0.05");
    expect(formatAmount(5n, "JPY")).toBe("5");
    expect(formatAmount(1n, "CLF")).toBe("0.0001");
  });
});
