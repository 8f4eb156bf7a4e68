import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  formatBytes,
  formatCpuMillis,
  parseQuantity,
  Quantity,
  QuantityError,
  type QuantityFormat,
  quantityFromMilli,
  quantityFromValue,
} from '../../src/api/quantity.js';

// Most tables below come from upstream's quantity_test.go (k8s.io/apimachinery/pkg/api/resource).

const MAX_INT64 = 2n ** 63n - 1n;

/** The same quantity as upstream's test helper decQuantity(unscaled, exponent, format). */
function q(unscaled: bigint | number, exponent: number, format: QuantityFormat = 'DecimalSI'): Quantity {
  return new Quantity(BigInt(unscaled), exponent, format);
}

describe('parseQuantity', () => {
  const cases: [string, Quantity][] = [
    ['0', q(0, 0)],
    ['0n', q(0, 0)],
    ['0m', q(0, 0)],
    ['0Ki', q(0, 0, 'BinarySI')],
    ['0Gi', q(0, 0, 'BinarySI')],
    ['0T', q(0, 0)],
    ['1', q(1, 0)],
    ['1Ki', q(1024, 0, 'BinarySI')],
    ['8Ki', q(8 * 1024, 0, 'BinarySI')],
    ['7Mi', q(7 * 1024 ** 2, 0, 'BinarySI')],
    ['6Gi', q(6 * 1024 ** 3, 0, 'BinarySI')],
    ['5Ti', q(5 * 1024 ** 4, 0, 'BinarySI')],
    ['4Pi', q(4n * 1024n ** 5n, 0, 'BinarySI')],
    ['3Ei', q(3n * 1024n ** 6n, 0, 'BinarySI')],
    ['5n', q(5, -9)],
    ['4u', q(4, -6)],
    ['3m', q(3, -3)],
    ['8k', q(8, 3)],
    ['50k', q(5, 4)],
    ['7M', q(7, 6)],
    ['6G', q(6, 9)],
    ['5T', q(5, 12)],
    ['2P', q(2, 15)],
    ['1E', q(1, 18)],
    ['1E-3', q(1, -3, 'DecimalExponent')],
    ['1e3', q(1, 3, 'DecimalExponent')],
    ['1E6', q(1, 6, 'DecimalExponent')],
    ['1e14', q(1, 14, 'DecimalExponent')],
    ['1E18', q(1, 18, 'DecimalExponent')],
    ['100.035k', q(100035, 0)],
    ['0.001', q(1, -3)],
    ['0.0005k', q(5, -1)],
    ['0.50000', q(5, -1)],
    ['0.5e0', q(5, -1, 'DecimalExponent')],
    ['0.5e-2', q(5, -3, 'DecimalExponent')],
    ['10.035M', q(10035, 3)],
    ['1.2e3', q(12, 2, 'DecimalExponent')],
    ['1.3E+6', q(13, 5, 'DecimalExponent')],
    ['1.40e9', q(14, 8, 'DecimalExponent')],
    ['1.7E18', q(17, 17, 'DecimalExponent')],
    ['1e-03', q(1, -3, 'DecimalExponent')],
    ['9.01', q(901, -2)],
    ['7.123456M', q(7123456, 0)],
    ['6.987654321G', q(6987654321, 0)],
    ['1.01E', q(101, 16)],
    ['12E', q(12, 18)],
    ['100.035Ki', q(10243584, -2, 'BinarySI')],
    ['0.5Mi', q(0.5 * 1024 * 1024, 0, 'BinarySI')],
    ['0.05Gi', q(536870912, -1, 'BinarySI')],
    ['0.025Ti', q(274877906944, -1, 'BinarySI')],
    ['.001', q(1, -3)],
    ['.0001k', q(100, -3)],
    ['1.', q(1, 0)],
    ['1.G', q(1, 9)],
    ['+1.5', q(15, -1)],
    ['-1.5', q(-15, -1)],
    ['007', q(7, 0)],
    ['-0', q(0, 0)],
    // Exact beyond 2^53 and beyond int64 (upstream caps only BinarySI).
    ['9007199254740993', q(9007199254740993n, 0)],
    ['123456789012345678901234567890', q(123456789012345678901234567890n, 0)],
    ['1e2147483647', q(1, 2147483647, 'DecimalExponent')],
  ];
  for (const [input, expected] of cases) {
    test(`${input} is ${expected.toString()} (${expected.format})`, () => {
      const got = parseQuantity(input);
      assert.equal(got.cmp(expected), 0, `${got} != ${expected}`);
      assert.equal(got.format, expected.format);
    });
  }

  // Upstream rounds up (away from zero) to a whole nanounit and caps BinarySI at the largest int64.
  const rounded: [string, Quantity][] = [
    ['3.001n', q(4, -9)],
    ['1.1E-9', q(2, -9, 'DecimalExponent')],
    ['0.0000000001', q(1, -9)],
    ['0.0000000005', q(1, -9)],
    ['0.5e-9', q(1, -9, 'DecimalExponent')],
    ['0.9n', q(1, -9)],
    ['0.00000012345', q(124, -9)],
    ['0.00000012354', q(124, -9)],
    ['-0.00000012354', q(-124, -9)],
    ['-.484785E-7466', q(-1, -9, 'DecimalExponent')],
    ['1e-2147483647', q(1, -9, 'DecimalExponent')],
    ['9Ei', q(MAX_INT64, 0, 'BinarySI')],
    ['-9Ei', q(-MAX_INT64, 0, 'BinarySI')],
    ['8Ei', q(MAX_INT64, 0, 'BinarySI')],
    ['8.5Ei', q(MAX_INT64, 0, 'BinarySI')],
    ['7Ei', q(7n * 2n ** 60n, 0, 'BinarySI')],
    ['9223372036854775807Ki', q(MAX_INT64, 0, 'BinarySI')],
    // A BinarySI value between 0 and 1 becomes DecimalSI.
    ['0.000000000001Ki', q(2, -9, 'DecimalSI')],
    ['0.0001Ki', q(1024, -4, 'DecimalSI')],
  ];
  for (const [input, expected] of rounded) {
    test(`${input} rounds to ${expected.toString()} (${expected.format})`, () => {
      const got = parseQuantity(input);
      assert.equal(got.cmp(expected), 0, `${got} != ${expected}`);
      assert.equal(got.format, expected.format);
    });
  }

  test('a negative sign negates every table value and keeps the format', () => {
    for (const [input, expected] of [...cases, ...rounded]) {
      const got = parseQuantity(`-${input.replace(/^[+-]/, '')}`);
      const abs = expected.sign() < 0 ? q(0, 0).sub(expected) : expected;
      assert.equal(got.cmp(q(0, 0).sub(abs)), 0, input);
      assert.equal(got.format, expected.format, input);
    }
  });

  const invalid = [
    '',
    ' ',
    ' 1',
    '1 ',
    '1 Gi',
    '1\n',
    '1.5.0',
    '1.1.M',
    '1+1.0M',
    '--1',
    '+-1',
    'Gi',
    'm',
    '.',
    '-',
    '+',
    '-.',
    'e3',
    '1gi',
    '1KI',
    '1ki',
    '1K',
    '1Kib',
    '0.1mi',
    '0.1am',
    'aoeu',
    'Non-Numeric',
    '.5i',
    '1i',
    '-3.01i',
    '-3.01e-',
    '1e',
    '1E+',
    '1e1.5',
    '1e3e3',
    '1Mi3',
    '0x10',
    '1_000',
    '1,5',
    '١',
    'NaN',
    'Infinity',
    '-Infinity',
  ];
  for (const input of invalid) {
    test(`${JSON.stringify(input)} is not a quantity`, () => {
      assert.throws(
        () => parseQuantity(input),
        (err: unknown) =>
          err instanceof QuantityError &&
          err.input === input &&
          err.message.startsWith(`${JSON.stringify(input)} is not a quantity (expected a number`),
      );
    });
  }

  test('the error message names the input and what was expected', () => {
    assert.throws(() => parseQuantity('1.5.0'), {
      name: 'QuantityError',
      message: '"1.5.0" is not a quantity (expected a number with an optional suffix such as 500m, 2Gi, 1.5, 129e6)',
    });
  });

  test('an exponent outside int32 is an error, as upstream', () => {
    for (const input of ['1e2147483648', '1e-2147483648', '1e4294967297', '1E99999999999999999999']) {
      assert.throws(() => parseQuantity(input), {
        name: 'QuantityError',
        message: `"${input}" is not a quantity (its exponent is outside ±2147483647)`,
      });
    }
  });
});

describe('value and milliValue round up away from zero', () => {
  const cases: [string, bigint, bigint][] = [
    ['0', 0n, 0n],
    ['1', 1n, 1000n],
    ['-1', -1n, -1000n],
    ['1.5', 2n, 1500n],
    ['-1.5', -2n, -1500n],
    ['1500m', 2n, 1500n],
    ['-1500m', -2n, -1500n],
    ['0.5m', 1n, 1n],
    ['-0.5m', -1n, -1n],
    ['0.1m', 1n, 1n],
    ['-0.1m', -1n, -1n],
    ['1n', 1n, 1n],
    ['-1n', -1n, -1n],
    ['0.1n', 1n, 1n],
    ['0.0005', 1n, 1n],
    ['-0.0005', -1n, -1n],
    ['.484785E-1', 1n, 49n],
    ['-.484785E-1', -1n, -49n],
    ['.484785E-7466', 1n, 1n],
    ['-.484785E-7466', -1n, -1n],
    // Exactly 10200547328.1073741824 before rounding.
    ['9.5000000001Gi', 10200547329n, 10200547328108n],
    ['-9.5000000001Gi', -10200547329n, -10200547328108n],
    ['1Ki', 1024n, 1024000n],
    ['2.5Gi', 2684354560n, 2684354560000n],
    ['100Mi', 104857600n, 104857600000n],
    ['1e3', 1000n, 1000000n],
    ['1E-3', 1n, 1n],
    ['129e6', 129000000n, 129000000000n],
    ['9223372036854775807', MAX_INT64, MAX_INT64 * 1000n],
    ['12E', 12n * 10n ** 18n, 12n * 10n ** 21n],
    ['9Ei', MAX_INT64, MAX_INT64 * 1000n],
    ['1e30', 10n ** 30n, 10n ** 33n],
  ];
  for (const [input, value, milli] of cases) {
    test(`${input}: value ${value}, milliValue ${milli}`, () => {
      const got = parseQuantity(input);
      assert.equal(got.value(), value);
      assert.equal(got.milliValue(), milli);
      assert.equal(got.valueNumber(), Number(value));
      assert.equal(got.milliValueNumber(), Number(milli));
    });
  }

  test('number accessors return the nearest double past 2^53 and ±Infinity past MAX_VALUE', () => {
    assert.equal(parseQuantity('9007199254740993').valueNumber(), 9007199254740992);
    assert.equal(parseQuantity('9007199254740995').valueNumber(), 9007199254740996);
    assert.equal(parseQuantity('12E').valueNumber(), 12e18);
    assert.equal(parseQuantity('1e308').valueNumber(), 1e308);
    assert.equal(parseQuantity('1e400').valueNumber(), Infinity);
    assert.equal(parseQuantity('-1e400').milliValueNumber(), -Infinity);
    assert.equal(parseQuantity('1e2147483647').valueNumber(), Infinity);
    assert.equal(parseQuantity('1e-2147483647').valueNumber(), 1);
  });

  test('exact integers past 10^100000 are refused rather than built for seconds', () => {
    assert.throws(() => parseQuantity('1e200000').value(), RangeError);
    assert.equal(parseQuantity('1e99000').value(), 10n ** 99000n);
  });
});

describe('toString gives the canonical form', () => {
  const parsed: [string, string][] = [
    ['1Ki', '1Ki'],
    ['1Mi', '1Mi'],
    ['1Gi', '1Gi'],
    ['1024Mi', '1Gi'],
    ['1000M', '1G'],
    ['.001Ki', '1024m'],
    ['.000001Ki', '1024u'],
    ['.000000001Ki', '1024n'],
    ['.000000000001Ki', '2n'],
    ['1.5Gi', '1536Mi'],
    ['100Ki', '100Ki'],
    ['0.5Ki', '512'],
    ['1.5Ki', '1536'],
    ['1.0001Ki', '1024102400u'],
    ['1000m', '1'],
    ['0.5', '500m'],
    ['1.5', '1500m'],
    ['1e3', '1e3'],
    ['1E3', '1e3'],
    ['129e6', '129e6'],
    ['1.5e3', '1500'],
    ['1e40', '10e39'],
    ['1k', '1k'],
    ['+1', '1'],
    ['1.500k', '1500'],
    ['-0', '0'],
    ['0Ki', '0'],
    ['0e3', '0'],
    ['12E', '12E'],
    ['9Ei', '9223372036854775807'],
    ['7Ei', '7Ei'],
    ['0.0001Ki', '102400u'],
    ['1024Ki', '1Mi'],
    ['307200Ki', '300Mi'],
    ['1025024Mi', '1001Gi'],
    ['1024Gi', '1Ti'],
    ['5000m', '5'],
    ['0.001T', '1G'],
    ['1000u', '1m'],
    ['1.08', '1080m'],
    ['1080000000n', '1080m'],
    ['1000E', '1e21'],
    ['5000E', '5e21'],
    ['1000000E', '1e24'],
    ['.001e12', '1e9'],
    ['0.001e0', '1e-3'],
    ['1000e-12', '1e-9'],
    ['00', '0'],
    ['1e2147483647', '10e2147483646'],
  ];
  for (const [input, expected] of parsed) {
    test(`${input} prints as ${expected}`, () => {
      assert.equal(parseQuantity(input).toString(), expected);
      if (expected !== '0') assert.equal(parseQuantity(`-${input.replace(/^\+/, '')}`).toString(), `-${expected}`);
    });
  }

  // Upstream's TestQuantityString: decQuantity(unscaled, exponent, format) → String().
  const built: [Quantity, string][] = [
    [q(1024 ** 3, 0, 'BinarySI'), '1Gi'],
    [q(300 * 1024 ** 2, 0, 'BinarySI'), '300Mi'],
    [q(6 * 1024, 0, 'BinarySI'), '6Ki'],
    [q(1001 * 1024 ** 3, 0, 'BinarySI'), '1001Gi'],
    [q(1024 ** 4, 0, 'BinarySI'), '1Ti'],
    [q(5, 0, 'BinarySI'), '5'],
    [q(500, -3, 'BinarySI'), '500m'],
    [q(1, 9), '1G'],
    [q(1000, 6), '1G'],
    [q(1000000, 3), '1G'],
    [q(1000000000, 0), '1G'],
    [q(1, -3), '1m'],
    [q(80, -3), '80m'],
    [q(1080, -3), '1080m'],
    [q(108, -2), '1080m'],
    [q(10800, -4), '1080m'],
    [q(300, 6), '300M'],
    [q(1, 12), '1T'],
    [q(1, 18), '1E'],
    [q(1, 21), '1e21'],
    [q(5, 21), '5e21'],
    [q(1, 24), '1e24'],
    [q(1, 70, 'BinarySI'), '10e69'],
    [q(2, 70, 'BinarySI'), '20e69'],
    [q(1, 72, 'BinarySI'), '1e72'],
    [q(2n ** 70n, 0, 'BinarySI'), '1180591620717411303424'],
    [q(1234567, 6), '1234567M'],
    [q(1234567, -3, 'BinarySI'), '1234567m'],
    [q(3, 3), '3k'],
    [q(1025, 0, 'BinarySI'), '1025'],
    [q(2000, 0, 'BinarySI'), '2000'],
    [q(1024, 0, 'BinarySI'), '1Ki'],
    [q(1023, 0, 'BinarySI'), '1023'],
    [q(0, 0), '0'],
    [q(0, 0, 'BinarySI'), '0'],
    [q(0, 0, 'DecimalExponent'), '0'],
    [q(1, 9, 'DecimalExponent'), '1e9'],
    [q(1, -3, 'DecimalExponent'), '1e-3'],
    [q(1, -9, 'DecimalExponent'), '1e-9'],
    [q(80, -3, 'DecimalExponent'), '80e-3'],
    [q(300, 6, 'DecimalExponent'), '300e6'],
    [q(1, 12, 'DecimalExponent'), '1e12'],
    [q(1, 3, 'DecimalExponent'), '1e3'],
    [q(3, 3, 'DecimalExponent'), '3e3'],
    [q(1, -9), '1n'],
    [q(80, -9), '80n'],
    [q(1080, -9), '1080n'],
    [q(108, -8), '1080n'],
    [q(10800, -10), '1080n'],
    [q(1, -6), '1u'],
    [q(80, -6), '80u'],
    [q(1080, -6), '1080u'],
    // Below n there is no suffix (unreachable by parsing, which rounds to n).
    [q(1, -12), '1e-12'],
    [q(1, -10), '100e-12'],
  ];
  for (const [quantity, expected] of built) {
    test(`${quantity.format} ${expected}, negated and reparsed`, () => {
      assert.equal(quantity.toString(), expected);
      if (!quantity.isZero()) assert.equal(q(0, 0).sub(quantity).toString(), `-${expected}`);
      if (!expected.endsWith('e-12')) assert.equal(parseQuantity(expected).cmp(quantity), 0);
    });
  }

  const fromMilli: [bigint, QuantityFormat, string][] = [
    [1n, 'DecimalSI', '1m'],
    [1000n, 'DecimalSI', '1'],
    [1234000n, 'DecimalSI', '1234'],
    [1024n, 'BinarySI', '1024m'],
    [1000000n, 'DecimalExponent', '1e3'],
    [1024n * 1024n, 'BinarySI', '1048576m'],
    [1024000n, 'BinarySI', '1Ki'],
  ];
  for (const [millis, format, expected] of fromMilli) {
    test(`quantityFromMilli(${millis}, ${format}) prints ${expected}`, () => {
      const quantity = quantityFromMilli(millis, format);
      assert.equal(quantity.toString(), expected);
      assert.equal(quantity.format, format);
      assert.equal(parseQuantity(expected).milliValue(), millis);
    });
  }

  const fromValue: [bigint, QuantityFormat, string][] = [
    [1n, 'DecimalSI', '1'],
    [1000n, 'DecimalSI', '1k'],
    [1234000n, 'DecimalSI', '1234k'],
    [1024n, 'BinarySI', '1Ki'],
    [1000000n, 'DecimalExponent', '1e6'],
    [1024n * 1024n, 'BinarySI', '1Mi'],
    [2n ** 70n, 'DecimalSI', '1180591620717411303424'],
  ];
  for (const [value, format, expected] of fromValue) {
    test(`quantityFromValue(${value}, ${format}) prints ${expected}`, () => {
      const quantity = quantityFromValue(value, format);
      assert.equal(quantity.toString(), expected);
      assert.equal(parseQuantity(expected).value(), value);
    });
  }
});

describe('cmp, sign, add and sub', () => {
  const comparisons: [string, string, number][] = [
    ['0', '0', 0],
    ['100m', '50m', 1],
    ['50m', '100m', -1],
    ['10000T', '100Gi', 1],
    ['1', '1000m', 0],
    ['1Ki', '1024', 0],
    ['-1', '1n', -1],
    ['-1', '-2', 1],
    ['1e2147483647', '9Ei', 1],
    ['-1e2147483647', '-9Ei', -1],
    ['1e-2147483647', '1n', 0],
    ['0Ki', '0e5', 0],
  ];
  for (const [a, b, expected] of comparisons) {
    test(`${a} cmp ${b} is ${expected}`, () => {
      assert.equal(parseQuantity(a).cmp(parseQuantity(b)), expected);
      assert.equal(parseQuantity(b).cmp(parseQuantity(a)), 0 - expected || 0);
    });
  }

  test('sign and isZero', () => {
    assert.equal(parseQuantity('-1n').sign(), -1);
    assert.equal(parseQuantity('0Gi').sign(), 0);
    assert.equal(parseQuantity('1n').sign(), 1);
    assert.equal(parseQuantity('-0').isZero(), true);
    assert.equal(parseQuantity('0.0000000001').isZero(), false);
  });

  test('adding or subtracting zero keeps the suffix in either order', () => {
    const zero = parseQuantity('0');
    for (const text of ['100m', '1Gi']) {
      const value = parseQuantity(text);
      assert.equal(value.add(zero).toString(), text);
      assert.equal(zero.add(value).toString(), text);
      assert.equal(value.sub(zero).toString(), text);
      assert.equal(zero.sub(value).toString(), `-${text}`);
    }
  });

  test('the result takes the left operand format unless it is zero (upstream TestSub)', () => {
    assert.equal(q(10, 0).sub(q(1, 1)).cmp(q(0, 0)), 0);
    const mixed = q(10, 0, 'DecimalSI').sub(q(1, 0, 'BinarySI'));
    assert.equal(mixed.cmp(q(9, 0)), 0);
    assert.equal(mixed.format, 'DecimalSI');
    assert.equal(q(10, 0, 'BinarySI').sub(q(1, 0, 'DecimalSI')).format, 'BinarySI');
    assert.equal(q(0, 0).sub(q(50, 0, 'BinarySI')).format, 'BinarySI');
    assert.equal(q(0, 0, 'DecimalExponent').add(q(0, 0, 'BinarySI')).format, 'BinarySI');
    assert.equal(parseQuantity('1Gi').add(parseQuantity('1Gi')).toString(), '2Gi');
    assert.equal(parseQuantity('1Gi').add(parseQuantity('500m')).toString(), '1073741824500m');
    assert.equal(parseQuantity('1').sub(parseQuantity('1500m')).toString(), '-500m');
  });

  test('a BinarySI value without a binary suffix reparses as DecimalSI, as upstream', () => {
    const printed = quantityFromValue(2000n, 'BinarySI').toString();
    assert.equal(printed, '2000');
    assert.equal(parseQuantity(printed).format, 'DecimalSI');
    assert.equal(parseQuantity(printed).toString(), '2k');
  });

  test('sums stay exact past int64', () => {
    const big = parseQuantity('9223372036854775807').add(parseQuantity('9223372036854775807'));
    assert.equal(big.value(), 2n * MAX_INT64);
    assert.equal(big.toString(), '18446744073709551614');
    assert.equal(parseQuantity('4Ei').add(parseQuantity('4Ei')).toString(), '8Ei');
    assert.equal(parseQuantity('1e2147483647').add(parseQuantity('0')).toString(), '10e2147483646');
  });

  test('adding across a huge exponent gap is refused rather than built for seconds', () => {
    assert.throws(() => parseQuantity('1e200000').add(parseQuantity('1')), RangeError);
  });
});

describe('report formatting', () => {
  const cpu: [number, string][] = [
    [1500, '1500m'],
    [2000, '2'],
    [0, '0'],
    [100, '100m'],
    [1000000, '1000'],
    [-500, '-500m'],
    [0.5, '1m'],
    [-0.5, '-1m'],
  ];
  for (const [millis, expected] of cpu) {
    test(`formatCpuMillis(${millis}) is ${expected}`, () => assert.equal(formatCpuMillis(millis), expected));
  }

  const bytes: [number, string][] = [
    [512 * 2 ** 20, '512Mi'],
    [1.5 * 2 ** 30, '1536Mi'],
    [3 * 2 ** 30, '3Gi'],
    [1024, '1Ki'],
    [1536, '1536'],
    [1000, '1000'],
    [512, '512'],
    [0, '0'],
    [-1024, '-1Ki'],
    [100.5, '101'],
    [2 ** 70, '1024Ei'],
  ];
  for (const [n, expected] of bytes) {
    test(`formatBytes(${n}) is ${expected}`, () => assert.equal(formatBytes(n), expected));
  }

  test('non-finite numbers are a caller bug', () => {
    assert.throws(() => formatCpuMillis(Number.NaN), RangeError);
    assert.throws(() => formatBytes(Infinity), RangeError);
  });
});

// ---- properties --------------------------------------------------------------------------------

interface Parts {
  sign: '' | '+' | '-';
  whole: string;
  /** undefined: no decimal point. */
  fraction: string | undefined;
  suffix: string;
}

const digits = (maxLength: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), maxLength });
const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };

const partsArb: fc.Arbitrary<Parts> = fc
  .record({
    sign: fc.constantFrom<Parts['sign']>('', '+', '-'),
    whole: digits(25),
    fraction: fc.option(digits(14), { nil: undefined }),
    suffix: fc.oneof(
      fc.constantFrom(...Object.keys(DECIMAL_SUFFIXES)),
      fc.constantFrom(...Object.keys(BINARY_SUFFIXES)),
      fc
        .tuple(fc.constantFrom('e', 'E'), fc.constantFrom('', '+', '-'), fc.constantFrom('', '0'), fc.nat(40))
        .map(([e, sign, zero, n]) => `${e}${sign}${zero}${n}`),
    ),
  })
  .filter((p) => p.whole.length > 0 || (p.fraction ?? '').length > 0);

function render(p: Parts): string {
  return `${p.sign}${p.whole}${p.fraction === undefined ? '' : `.${p.fraction}`}${p.suffix}`;
}

/** The exact value of the string as num/den, by hand, then upstream's BinarySI cap. */
function exact(p: Parts): { num: bigint; den: bigint } {
  const fraction = p.fraction ?? '';
  let num = BigInt(`0${p.whole}${fraction}`);
  let den = 10n ** BigInt(fraction.length);
  let exponent = 0;
  if (p.suffix in BINARY_SUFFIXES) num *= 2n ** BigInt(BINARY_SUFFIXES[p.suffix]);
  else if (p.suffix in DECIMAL_SUFFIXES) exponent = DECIMAL_SUFFIXES[p.suffix];
  else exponent = Number(p.suffix.slice(1));
  if (exponent >= 0) num *= 10n ** BigInt(exponent);
  else den *= 10n ** BigInt(-exponent);
  if (p.suffix in BINARY_SUFFIXES && num > MAX_INT64 * den) {
    num = MAX_INT64;
    den = 1n;
  }
  return { num: p.sign === '-' ? -num : num, den };
}

/** num/den × 10^scale rounded up in magnitude, sign kept. */
function roundAway({ num, den }: { num: bigint; den: bigint }, scale: number): bigint {
  const magnitude = (num < 0n ? -num : num) * 10n ** BigInt(scale);
  const up = (magnitude + den - 1n) / den;
  return num < 0n ? -up : up;
}

const quantityArb = fc.oneof(
  partsArb.map((p) => parseQuantity(render(p))),
  fc
    .tuple(
      fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
      fc.constantFrom<QuantityFormat>('DecimalSI', 'DecimalExponent'),
    )
    .map(([n, format]) => quantityFromMilli(n, format)),
  // BinarySI within int64 like upstream's NewQuantity; beyond it parsing caps (see quantityFromValue).
  fc
    .tuple(fc.bigInt({ min: -MAX_INT64, max: MAX_INT64 }), fc.nat(6))
    .map(([n, power]) => quantityFromValue((n / 1024n ** BigInt(power)) * 1024n ** BigInt(power), 'BinarySI')),
);

describe('properties', () => {
  // A BinarySI value printed without a suffix reparses as DecimalSI (upstream: 2000 BinarySI is "2000",
  // then "2k"), so only decimal formats print the same string again.
  test('parseQuantity(q.toString()) equals q, and decimal formats print the same string again', () => {
    fc.assert(
      fc.property(quantityArb, (quantity) => {
        const text = quantity.toString();
        const again = parseQuantity(text);
        assert.equal(again.cmp(quantity), 0, text);
        if (quantity.format !== 'BinarySI') assert.equal(again.toString(), text);
      }),
      { numRuns: 2000 },
    );
  });

  test('value() and milliValue() equal the exact value rounded up away from zero, computed with BigInt', () => {
    fc.assert(
      fc.property(partsArb, (p) => {
        const text = render(p);
        const quantity = parseQuantity(text);
        const reference = exact(p);
        assert.equal(quantity.value(), roundAway(reference, 0), text);
        assert.equal(quantity.milliValue(), roundAway(reference, 3), text);
        assert.equal(quantity.sign(), reference.num < 0n ? -1 : reference.num > 0n ? 1 : 0, text);
      }),
      { numRuns: 3000 },
    );
  });

  test('the format is the suffix kind, except BinarySI strictly between -1 and 1 becomes DecimalSI', () => {
    fc.assert(
      fc.property(partsArb, (p) => {
        const { num, den } = exact(p);
        const magnitude = num < 0n ? -num : num;
        let expected: QuantityFormat =
          p.suffix in BINARY_SUFFIXES ? 'BinarySI' : p.suffix in DECIMAL_SUFFIXES ? 'DecimalSI' : 'DecimalExponent';
        if (expected === 'BinarySI' && magnitude > 0n && magnitude < den) expected = 'DecimalSI';
        assert.equal(parseQuantity(render(p)).format, expected);
      }),
      { numRuns: 1000 },
    );
  });

  test('add and sub agree with BigInt arithmetic on the nano-rounded values', () => {
    fc.assert(
      fc.property(partsArb, partsArb, (pa, pb) => {
        const a = parseQuantity(render(pa));
        const b = parseQuantity(render(pb));
        // Parsing rounds to whole nanounits, so nanounits are the exact reference.
        const na = roundAway(exact(pa), 9);
        const nb = roundAway(exact(pb), 9);
        const sum = a.add(b);
        const difference = a.sub(b);
        assert.equal(sum.cmp(new Quantity(na + nb, -9, 'DecimalSI')), 0);
        assert.equal(difference.cmp(new Quantity(na - nb, -9, 'DecimalSI')), 0);
        assert.equal(sum.milliValue(), roundAway({ num: na + nb, den: 10n ** 9n }, 3));
        assert.equal(difference.value(), roundAway({ num: na - nb, den: 10n ** 9n }, 0));
        assert.equal(sum.sub(b).cmp(a), 0);
        assert.equal(sum.format, a.isZero() ? b.format : a.format);
      }),
      { numRuns: 2000 },
    );
  });

  test('add and sub of quantityFromMilli agree with BigInt sums of the millis', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }),
        fc.bigInt({ min: -(2n ** 80n), max: 2n ** 80n }),
        (x, y) => {
          const a = quantityFromMilli(x, 'DecimalSI');
          const b = quantityFromMilli(y, 'DecimalSI');
          assert.equal(a.add(b).milliValue(), x + y);
          assert.equal(a.sub(b).milliValue(), x - y);
          assert.equal(a.cmp(b), x < y ? -1 : x > y ? 1 : 0);
        },
      ),
    );
  });
});
