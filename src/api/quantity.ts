// Kubernetes resource quantities with the semantics of k8s.io/apimachinery/pkg/api/resource: the same
// grammar, the same rounding (up, away from zero, to whole nanounits on parse) and the same canonical
// strings. Values are exact: a bigint scaled by a power of ten, never a float.

/** How a quantity prints; parsing remembers the kind of suffix it read, as upstream does. */
export type QuantityFormat = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** A string that is not a quantity. The loader turns it into a `quantity` Problem. */
export class QuantityError extends Error {
  readonly input: string;
  constructor(input: string, reason = 'expected a number with an optional suffix such as 500m, 2Gi, 1.5, 129e6') {
    super(`${JSON.stringify(input)} is not a quantity (${reason})`);
    this.name = 'QuantityError';
    this.input = input;
  }
}

// <sign>? <digits>[.<digits>?] | .<digits>, then a decimal SI suffix, a binary SI suffix or an exponent.
// "E" alone is exa; "E3" is an exponent (the regex backtracks into the second alternative).
const QUANTITY = /^([+-]?)(?:(\d+)(?:\.(\d*))?|\.(\d+))(?:([numkMGTPE]|[KMGTPE]i)|[eE]([+-]?\d+))?$/;

const DECIMAL_SUFFIX_EXPONENT = new Map([
  ['n', -9],
  ['u', -6],
  ['m', -3],
  ['', 0],
  ['k', 3],
  ['M', 6],
  ['G', 9],
  ['T', 12],
  ['P', 15],
  ['E', 18],
]);
const DECIMAL_SUFFIX_BY_EXPONENT = new Map([...DECIMAL_SUFFIX_EXPONENT].map(([suffix, exp]) => [exp, suffix]));
/** Index k is the suffix for 1024^k. */
const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

/** Upstream stores the exponent as an int32 and rejects anything outside ±(2^31 − 1). */
const MAX_EXPONENT = 2 ** 31 - 1;
/** Parsed BinarySI quantities are capped at the largest int64, as upstream does (9Ei is 2^63 − 1). */
const MAX_BINARY = 2n ** 63n - 1n;
/**
 * Exact results past 10^100000 would take seconds to build (10^(10^8) takes ten), so a quantity like
 * 1e100000000 from a file can be parsed, compared and printed, but not turned into an exact integer.
 */
const MAX_EXACT_SHIFT = 100_000;

/** A Kubernetes resource quantity: exactly `unscaled × 10^exponent`, immutable. */
export class Quantity {
  readonly format: QuantityFormat;
  readonly #unscaled: bigint;
  readonly #exponent: number;

  /** The exact value `unscaled × 10^exponent`, with no rounding (parsing rounds; this does not). */
  constructor(unscaled: bigint, exponent: number, format: QuantityFormat) {
    if (!Number.isSafeInteger(exponent)) throw new RangeError(`quantity exponent must be an integer: ${exponent}`);
    this.#unscaled = unscaled;
    this.#exponent = unscaled === 0n ? 0 : exponent;
    this.format = format;
  }

  sign(): -1 | 0 | 1 {
    return signOf(this.#unscaled);
  }

  isZero(): boolean {
    return this.#unscaled === 0n;
  }

  /** -1, 0 or 1 as this is less than, equal to or greater than `other`; the format plays no part. */
  cmp(other: Quantity): -1 | 0 | 1 {
    const a = this.#unscaled;
    const b = other.#unscaled;
    const sa = signOf(a);
    const sb = signOf(b);
    if (sa !== sb) return sa < sb ? -1 : 1;
    if (sa === 0) return 0;
    const ea = this.#exponent;
    const eb = other.#exponent;
    if (ea !== eb) {
      // Different orders of magnitude decide without aligning, which could need a huge power of ten.
      // When they are equal, the exponents differ by less than the digits already held.
      const oa = digitCount(a) + ea;
      const ob = digitCount(b) + eb;
      if (oa !== ob) return oa > ob === sa > 0 ? 1 : -1;
    }
    const e = Math.min(ea, eb);
    const x = a * 10n ** BigInt(ea - e);
    const y = b * 10n ** BigInt(eb - e);
    return x < y ? -1 : x > y ? 1 : 0;
  }

  /** The exact sum. The format is this one's, or `other`'s when this is zero (as upstream's Add). */
  add(other: Quantity): Quantity {
    return this.#combine(other, 1n);
  }

  /** The exact difference. The format is this one's, or `other`'s when this is zero (as upstream's Sub). */
  sub(other: Quantity): Quantity {
    return this.#combine(other, -1n);
  }

  /**
   * The value in thousandths, rounded up away from zero like upstream's MilliValue (0.1m → 1, -1.5m → -2).
   * Exact at any size; throws RangeError past 10^100000.
   */
  milliValue(): bigint {
    return this.#scaled(-3);
  }

  /** The value rounded up away from zero like upstream's Value (1.5 → 2, -1.5 → -2, 1n → 1). */
  value(): bigint {
    return this.#scaled(0);
  }

  /**
   * `milliValue()` as a number. Past Number.MAX_SAFE_INTEGER it is the nearest double (ties to even),
   * past Number.MAX_VALUE it is ±Infinity; never NaN.
   */
  milliValueNumber(): number {
    return this.#scaledNumber(-3);
  }

  /** `value()` as a number, rounded to the nearest double like `milliValueNumber()`. */
  valueNumber(): number {
    return this.#scaledNumber(0);
  }

  /**
   * Upstream's canonical form (Quantity.String): the largest suffix of the quantity's format that
   * needs no fractional digits, with the exponent a multiple of three ("1.5" → "1500m", "1.5Gi" →
   * "1536Mi"). BinarySI values between -1024 and 1024 or with a fraction print as DecimalSI, and
   * past the last SI suffix (E, Ei) or below n both fall back to exponent form ("1000E" → "1e21").
   */
  toString(): string {
    if (this.#unscaled === 0n) return '0';
    if (this.format === 'BinarySI') {
      const binary = this.#binaryString();
      if (binary !== undefined) return binary;
      return this.#decimalString(false);
    }
    return this.#decimalString(this.format === 'DecimalExponent');
  }

  #combine(other: Quantity, direction: 1n | -1n): Quantity {
    // A zero operand keeps the other's scale: aligning to it could need a huge power of ten.
    const b = direction * other.#unscaled;
    if (this.isZero()) return new Quantity(b, other.#exponent, other.format);
    if (other.isZero()) return this;
    const e = Math.min(this.#exponent, other.#exponent);
    const sum = mulPow10(this.#unscaled, this.#exponent - e) + mulPow10(b, other.#exponent - e);
    return new Quantity(sum, e, this.format);
  }

  /** The value divided by 10^target, rounded up away from zero. */
  #scaled(target: number): bigint {
    const shift = this.#exponent - target;
    return shift >= 0 ? mulPow10(this.#unscaled, shift) : divPow10AwayFromZero(this.#unscaled, -shift);
  }

  #scaledNumber(target: number): number {
    const u = this.#unscaled;
    const shift = this.#exponent - target;
    // At least 10^309 is past Number.MAX_VALUE: answer without building the bigint.
    if (shift > 0 && u !== 0n && digitCount(u) - 1 + shift >= 309) return u > 0n ? Infinity : -Infinity;
    return Number(this.#scaled(target));
  }

  /** Mantissa without trailing zeros, exponent lowered to a multiple of three, then the suffix. */
  #decimalString(exponentForm: boolean): string {
    const negative = this.#unscaled < 0n;
    const all = (negative ? -this.#unscaled : this.#unscaled).toString();
    const zeros = trailingZeros(all);
    let digits = all.slice(0, all.length - zeros);
    let exponent = this.#exponent + zeros;
    const pad = ((exponent % 3) + 3) % 3;
    digits += '0'.repeat(pad);
    exponent -= pad;
    const exponentSuffix = exponent === 0 ? '' : `e${exponent}`;
    const suffix = exponentForm ? exponentSuffix : (DECIMAL_SUFFIX_BY_EXPONENT.get(exponent) ?? exponentSuffix);
    return (negative ? '-' : '') + digits + suffix;
  }

  /** The BinarySI form, or undefined where upstream prints DecimalSI instead. */
  #binaryString(): string | undefined {
    if (this.cmp(KIBI) < 0 && this.cmp(MINUS_KIBI) > 0) return undefined;
    let u = this.#unscaled;
    let e = this.#exponent;
    if (e < 0) {
      // A fraction would have to be rounded away to print a binary suffix; upstream keeps it exact.
      if (trailingZeros(u.toString()) < -e) return undefined;
      u /= 10n ** BigInt(-e);
      e = 0;
    }
    // u × 10^e holds e factors of two besides those of u, so count without building the value.
    const power = Math.floor((trailingZeroBits(u) + e) / 10);
    if (power >= BINARY_SUFFIXES.length) return this.#decimalString(true);
    return `${mulPow10(u, e) >> BigInt(10 * power)}${BINARY_SUFFIXES[power]}`;
  }
}

const KIBI = new Quantity(1024n, 0, 'DecimalSI');
const MINUS_KIBI = new Quantity(-1024n, 0, 'DecimalSI');

/**
 * Parses a quantity as upstream's ParseQuantity does, including its rounding: the value is rounded up
 * (away from zero) to a whole nanounit, BinarySI values are capped at ±(2^63 − 1), and a BinarySI value
 * strictly between -1 and 1 becomes DecimalSI. Unlike upstream's lenient scanner, a number needs at
 * least one digit ("Gi", ".", "-" are errors, as the documented grammar says). Throws QuantityError.
 */
export function parseQuantity(text: string): Quantity {
  const match = QUANTITY.exec(text);
  if (!match) throw new QuantityError(text);
  const [, sign, whole = '', wholeFraction, bareFraction, siSuffix = '', exponentText] = match;
  const fraction = wholeFraction ?? bareFraction ?? '';

  let format: QuantityFormat;
  let exponent = -fraction.length;
  let binaryPower = 0;
  if (exponentText !== undefined) {
    const parsed = Number(exponentText);
    if (Math.abs(parsed) > MAX_EXPONENT) throw new QuantityError(text, `its exponent is outside ±${MAX_EXPONENT}`);
    format = 'DecimalExponent';
    exponent += parsed;
  } else if (siSuffix.endsWith('i')) {
    format = 'BinarySI';
    binaryPower = 10 * BINARY_SUFFIXES.indexOf(siSuffix);
  } else {
    format = 'DecimalSI';
    exponent += DECIMAL_SUFFIX_EXPONENT.get(siSuffix)!;
  }

  // Trailing zeros move into the exponent, so "1" followed by many zeros stays a small bigint.
  const digits = whole + fraction;
  const zeros = trailingZeros(digits);
  let unscaled = zeros === digits.length ? 0n : BigInt(digits.slice(0, digits.length - zeros));
  exponent += zeros;
  if (sign === '-') unscaled = -unscaled;
  unscaled <<= BigInt(binaryPower);

  // Upstream rounds up to the nanounit so that asking for a tiny amount still gets some.
  if (exponent < -9) {
    unscaled = divPow10AwayFromZero(unscaled, -9 - exponent);
    exponent = -9;
  }
  if (format === 'BinarySI') {
    const magnitude = new Quantity(unscaled < 0n ? -unscaled : unscaled, exponent, format);
    if (magnitude.cmp(CAP) > 0) {
      unscaled = unscaled < 0n ? -MAX_BINARY : MAX_BINARY;
      exponent = 0;
    } else if (!magnitude.isZero() && magnitude.cmp(ONE) < 0) {
      format = 'DecimalSI';
    }
  }
  return new Quantity(unscaled, exponent, format);
}

const CAP = new Quantity(MAX_BINARY, 0, 'DecimalSI');
const ONE = new Quantity(1n, 0, 'DecimalSI');

/** `millis` thousandths, like upstream's NewMilliQuantity (but exact beyond int64). */
export function quantityFromMilli(millis: bigint, format: QuantityFormat): Quantity {
  return new Quantity(millis, -3, format);
}

/**
 * `value` units, like upstream's NewQuantity (but exact beyond int64). A BinarySI value past
 * ±(2^63 − 1) prints exactly, but parsing that string back caps it, as upstream would.
 */
export function quantityFromValue(value: bigint, format: QuantityFormat): Quantity {
  return new Quantity(value, 0, format);
}

/**
 * CPU for reports: whole cores as a plain integer ("2", "1000"), otherwise millicores ("1500m").
 * A fractional millicore is rounded up away from zero, as quantities are. Non-finite input is a bug.
 */
export function formatCpuMillis(millis: number): string {
  const m = roundAwayFromZero(millis, 'millis');
  return m % 1000n === 0n ? `${m / 1000n}` : `${m}m`;
}

/**
 * Bytes for reports: the largest binary SI suffix that divides exactly ("512Mi", "1536Mi", "1Ki"),
 * else the plain integer ("1536", "1000"). Fractional bytes are rounded up away from zero.
 */
export function formatBytes(bytes: number): string {
  let b = roundAwayFromZero(bytes, 'bytes');
  let power = 0;
  while (b !== 0n && b % 1024n === 0n && power < BINARY_SUFFIXES.length - 1) {
    b /= 1024n;
    power++;
  }
  return `${b}${BINARY_SUFFIXES[power]}`;
}

function roundAwayFromZero(n: number, what: string): bigint {
  if (!Number.isFinite(n)) throw new RangeError(`${what} must be a finite number, got ${n}`);
  return BigInt(n < 0 ? Math.floor(n) : Math.ceil(n));
}

function signOf(n: bigint): -1 | 0 | 1 {
  return n < 0n ? -1 : n > 0n ? 1 : 0;
}

function digitCount(n: bigint): number {
  return (n < 0n ? -n : n).toString().length;
}

function trailingZeros(digits: string): number {
  let i = digits.length;
  while (i > 0 && digits.charCodeAt(i - 1) === 48) i--;
  return digits.length - i;
}

/** Factors of two in n (n ≠ 0): n & -n keeps only its lowest set bit. */
function trailingZeroBits(n: bigint): number {
  return (n & -n).toString(2).length - 1;
}

function mulPow10(n: bigint, shift: number): bigint {
  if (shift === 0 || n === 0n) return n;
  if (shift > MAX_EXACT_SHIFT) throw new RangeError(`quantity too large to compute exactly (needs 10^${shift})`);
  return n * 10n ** BigInt(shift);
}

/** n / 10^shift rounded away from zero, without building 10^shift when it dwarfs n. */
function divPow10AwayFromZero(n: bigint, shift: number): bigint {
  if (n === 0n) return 0n;
  if (shift >= digitCount(n)) return n > 0n ? 1n : -1n;
  const divisor = 10n ** BigInt(shift);
  const quotient = n / divisor;
  if (quotient * divisor === n) return quotient;
  return quotient + (n > 0n ? 1n : -1n);
}
