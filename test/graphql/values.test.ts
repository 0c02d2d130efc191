/** Conversions from Borealis's storage quirks (src/graphql/values.ts): pure functions, no database. */
import { describe, expect, it } from 'vitest';
import { decodeBase64Text, epochToDate, flagToBoolean, isoTextToDate, parseStoredJson } from '../../src/graphql/values.js';

const base64 = (text: string) => Buffer.from(text).toString('base64');

describe('epochToDate', () => {
  it.each([
    [1_763_647_391, '2025-11-20T14:03:11.000Z'],
    [1_763_647_391n, '2025-11-20T14:03:11.000Z'],
    [1, '1970-01-01T00:00:01.000Z'],
  ])('reads int4 epoch seconds %s', (seconds, expected) => {
    expect(epochToDate(seconds)?.toISOString()).toBe(expected);
  });

  it.each([0, 0n, -5, Number.NaN, null, undefined])('reads %s as "never" (null)', (seconds) => {
    expect(epochToDate(seconds)).toBeNull();
  });
});

describe('isoTextToDate', () => {
  it.each([
    ['Python isoformat, +00:00 and microseconds', '2026-11-20T14:03:11.123456+00:00', '2026-11-20T14:03:11.123Z'],
    ['Python isoformat, space and one fraction digit', '2026-11-20 14:03:11.5+00:00', '2026-11-20T14:03:11.500Z'],
    ['Go RFC3339, Z', '2026-11-20T14:03:11Z', '2026-11-20T14:03:11.000Z'],
    ['Go RFC3339, lower case t and z', '2026-11-20t14:03:11z', '2026-11-20T14:03:11.000Z'],
    ['RFC3339Nano, 9 digits truncated to milliseconds', '2026-11-20T14:03:11.123456789Z', '2026-11-20T14:03:11.123Z'],
    ['RFC3339Nano, no rounding up', '2026-11-20T14:03:11.999999999Z', '2026-11-20T14:03:11.999Z'],
    ['naive (UTC)', '2026-11-20 14:03:11', '2026-11-20T14:03:11.000Z'],
    ['naive without seconds', '2026-11-20T14:03', '2026-11-20T14:03:00.000Z'],
    ['surrounding white space', '  2026-11-20T14:03:11  ', '2026-11-20T14:03:11.000Z'],
    ['positive offset', '2026-11-20T16:03:11+02:00', '2026-11-20T14:03:11.000Z'],
    ['negative offset without a colon', '2026-11-20T10:03:11-0400', '2026-11-20T14:03:11.000Z'],
    ['offset crossing midnight', '2026-11-21T00:30:00+01:00', '2026-11-20T23:30:00.000Z'],
    ['offset crossing a leap day', '2024-02-29T23:30:00-05:30', '2024-03-01T05:00:00.000Z'],
    ['leap day', '2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['leap day of a year divisible by 400', '2000-02-29T12:00:00+00:00', '2000-02-29T12:00:00.000Z'],
  ])('reads %s', (_what, text, expected) => {
    expect(isoTextToDate(text)?.toISOString()).toBe(expected);
  });

  it.each([
    '2020-02-30T00:00:00Z',
    '2021-02-29T00:00:00Z',
    '1900-02-29T00:00:00Z',
    '2026-04-31 10:00:00',
    '2026-06-31T10:00:00+02:00',
    '2026-13-01T00:00:00Z',
    '2026-00-10T00:00:00Z',
    '2026-01-00T00:00:00Z',
    '2026-01-01T24:00:00Z',
    '2026-01-01T23:60:00Z',
    '2026-01-01T23:59:60Z',
  ])('gives null for the impossible %s instead of rolling it over', (text) => {
    expect(isoTextToDate(text)).toBeNull();
  });

  it.each([null, undefined, '', '   ', 'garbage', '2026-11-20', '20261120T140311Z', '2026-11-20T14:03:11+2', '1763647391'])(
    'gives null for the unreadable %j',
    (text) => {
      expect(isoTextToDate(text)).toBeNull();
    },
  );
});

describe('flagToBoolean', () => {
  it.each([
    [1, true],
    [2, true],
    [-1, true],
    [1n, true],
    [0, false],
    [0n, false],
    [null, null],
    [undefined, null],
  ])('reads %s as %s (any non-zero value is true, like Python bool())', (value, expected) => {
    expect(flagToBoolean(value)).toBe(expected);
  });
});

describe('parseStoredJson', () => {
  it.each([
    ['{"a":[1,2,{"b":null}]}', { a: [1, 2, { b: null }] }],
    ['[]', []],
    ['"text"', 'text'],
    ['42', 42],
    [null, null],
    [undefined, null],
    ['', null],
    ['  \n ', null],
  ])('parses %j', (text, value) => {
    expect(parseStoredJson(text)).toEqual({ ok: true, value });
  });

  it.each(['{"a":', "{'single': 'quotes'}", 'NaN'])('reports the malformed %j instead of throwing', (text) => {
    expect(parseStoredJson(text)).toEqual({ ok: false, error: expect.any(String) });
  });
});

describe('decodeBase64Text', () => {
  // Valid base64 whose bytes are not UTF-8 text.
  const binary = Buffer.from([0xff, 0xfe, 0xfd, 0x00]).toString('base64');

  it.each([
    ['base64 text', base64('Rack 42, Building B'), 'Rack 42, Building B'],
    ['base64 UTF-8', base64('Zürich – café'), 'Zürich – café'],
    ['base64 with white space around', ` ${base64('trimmed')} `, 'trimmed'],
    ['text that is not base64', 'plain text', 'plain text'],
    ['a length that is not base64', 'abc', 'abc'],
    ['base64 of bytes that are not text', binary, binary],
    ['empty text', '', ''],
    ['null', null, null],
    ['undefined', undefined, null],
  ])('%s', (_what, value, expected) => {
    expect(decodeBase64Text(value)).toBe(expected);
  });
});
